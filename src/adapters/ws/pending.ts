import { noop, onAbort } from '../../core/abort.js';
import { ConnectionClosedError } from '../../core/errors.js';

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

/** A write waiting for ws's callback. */
interface Write {
  resolve(): void;
  reject(error: unknown): void;
  /** Settled early (aborted, or the connection closed): its callback only takes it off the queue. */
  settled: boolean;
  off: () => void;
}

/**
 * The writes waiting on a connection, in send order: ws calls back in that order, so the
 * shared {@link written} callback settles the oldest. A write aborted or rejected by a
 * close settles at once and stays queued until its callback comes, keeping the order.
 */
export class PendingWrites {
  private readonly queue: Write[] = [];

  /** The callback to hand to `ws.send` for every write. */
  readonly written = (error?: Error): void => {
    const write = this.queue.shift();
    if (write === undefined || write.settled) return;
    write.settled = true;
    write.off();
    if (error) write.reject(sendError(error));
    else write.resolve();
  };

  /** Queues a write, settled by its callback, by `signal` aborting, or by {@link rejectAll}. */
  add(resolve: () => void, reject: (error: unknown) => void, signal: AbortSignal | undefined): Write {
    const write: Write = { resolve, reject, settled: false, off: noop };
    if (signal !== undefined) {
      write.off = onAbort(signal, (reason) => settleEarly(write, reason));
    }
    this.queue.push(write);
    return write;
  }

  /** Rejects every write still waiting (the connection is closing). */
  rejectAll(error: unknown): void {
    for (const write of this.queue) settleEarly(write, error);
  }
}

function settleEarly(write: Write, error: unknown): void {
  if (write.settled) return;
  write.settled = true;
  write.off();
  write.reject(error);
}

function sendError(error: Error): Error {
  return new ConnectionClosedError(`the connection closed before the message was sent: ${error.message}`, {
    cause: error,
  });
}
