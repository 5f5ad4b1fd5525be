import { noop, onAbort } from '../../core/abort.js';

/** One call waiting for `ws` (a write's flush, a ping's pong). Settles once. */
export class PendingCall {
  /** Removes the abort listener; replaced once the call is registered. */
  off: () => void = noop;

  constructor(
    /** Ordering key: pings are answered up to a given id. */
    readonly id: number,
    private readonly owner: PendingCalls,
    private readonly onResolve: () => void,
    private readonly onReject: (error: unknown) => void,
  ) {}

  /** Resolves the call unless it has already settled. */
  resolve(): void {
    if (!this.owner.remove(this)) return;
    this.off();
    this.onResolve();
  }

  /** Rejects the call unless it has already settled. */
  reject(error: unknown): void {
    if (!this.owner.remove(this)) return;
    this.off();
    this.onReject(error);
  }
}

/**
 * The calls of one kind waiting on a connection, so that a close can reject them all and
 * an abort can remove exactly one. Set order is call order.
 */
export class PendingCalls {
  // Created by the first call: an idle connection never writes or pings, and a Set with
  // its table is ~150 bytes.
  private calls: Set<PendingCall> | undefined;

  /** Calls still waiting. */
  get size(): number {
    return this.calls?.size ?? 0;
  }

  /**
   * Registers a call and runs `send(call)`; the returned promise settles when `send`'s
   * completion does, or rejects with `signal.reason` (removing the call) if it aborts first.
   */
  start(id: number, signal: AbortSignal | undefined, send: (call: PendingCall) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call = new PendingCall(id, this, resolve, reject);
      this.calls ??= new Set();
      this.calls.add(call);
      call.off = onAbort(signal, (reason) => call.reject(reason));
      try {
        send(call);
      } catch (error) {
        call.reject(error);
      }
    });
  }

  /** Resolves every call whose id is at most `id` (a pong may answer only the latest ping). */
  resolveUpTo(id: number): void {
    if (this.calls === undefined) return;
    for (const call of this.calls) {
      if (call.id <= id) call.resolve();
    }
  }

  /** Rejects every waiting call with `error`. */
  rejectAll(error: unknown): void {
    if (this.calls === undefined) return;
    for (const call of this.calls) call.reject(error);
  }

  /** Forgets `call`; false when it had already settled. */
  remove(call: PendingCall): boolean {
    return this.calls?.delete(call) === true;
  }
}
