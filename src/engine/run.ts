import { noop } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { ConnectionClosedError } from '../core/errors.js';
import { MessageType } from '../core/message.js';
import { backoffDelay } from './backoff.js';
import { contained, detached } from './callbacks.js';
import { wallSleep } from './clock.js';
import { openSession } from './open.js';
import type { ResolvedOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import { reconnectCycle, reportRestartError, retryAfterMs } from './reconnect.js';
import type { RunContext } from './run-context.js';
import type { Outbox } from './send/outbox.js';
import type { Session, SessionOutcome } from './session/session.js';
import { Attr, SpanName, type TelemetryAttributes } from './telemetry.js';
import type { EngineExit, WebSocketClient } from './types.js';

/** The engine, as its runs see it. @internal */
export interface RunHost {
  readonly conn: WebSocketConnectionAdapter;
  readonly mutex: EngineReadMutex;
  readonly options: ResolvedOptions;
  /** The callbacks the sessions call (the user's, with replies to requests taken out). */
  readonly client: WebSocketClient;
  /** Sends waiting for a ready session; with the `outbox` option only. */
  readonly outbox: Outbox<Session> | undefined;
  /** A session of the run started to end (requests written on it fail now). */
  sessionEnding(session: Session): void;
  /** The run is over (called once, after `onExit`). */
  runEnded(run: Run, exit: EngineExit): void;
}

/**
 * One run of an engine, from `start()` to its end: the first open, then each session and
 * the reconnects between them, until `stop()`, `exit()`, a close with no reconnect to
 * follow, or the retries run out; then `onExit`, once. It writes the sends that wait for a
 * ready session (the engine's outbox) on each new session, and rejects those still waiting
 * when it ends. Nothing of it waits on a connected session: the session calls
 * {@link sessionFinished} when it is over.
 * @internal
 */
export class Run implements RunContext {
  /** The connected session, if any. */
  session: Session | undefined;
  /**
   * `starting` (the first open), `running`, then `exiting` (`exit()` from `onRestartError`:
   * no further attempt) or `stopping` (`stop()`), then `over`.
   */
  phase: 'starting' | 'running' | 'exiting' | 'stopping' | 'over' = 'starting';
  /** Failed attempts in a row (a session shorter than `minUptimeMs` counts as one). */
  #failures = 0;
  /** Created when something waits on a stop (a dial, a backoff); dropped while connected. */
  #stopController: AbortController | undefined;
  /** How the run ended, once it did; and who waits for it. */
  #ending: { exit: EngineExit | undefined; waiters: ((exit: EngineExit) => void)[] } | undefined;
  readonly #host: RunHost;

  constructor(host: RunHost) {
    this.#host = host;
  }

  get conn(): WebSocketConnectionAdapter {
    return this.#host.conn;
  }

  get client(): WebSocketClient {
    return this.#host.client;
  }

  get mutex(): EngineReadMutex {
    return this.#host.mutex;
  }

  get options(): ResolvedOptions {
    return this.#host.options;
  }

  get stopped(): boolean {
    return this.phase === 'stopping' || (this.phase === 'over' && this.#ending?.exit?.reason === 'stop');
  }

  get exitRequested(): boolean {
    return this.#ending?.exit !== undefined || (this.phase !== 'running' && this.phase !== 'starting');
  }

  requestExit(): void {
    if (!this.exitRequested) this.phase = 'exiting';
  }

  get stopSignal(): AbortSignal {
    this.#stopController ??= new AbortController();
    if (this.stopped && !this.#stopController.signal.aborted) this.#stopController.abort();
    return this.#stopController.signal;
  }

  /**
   * The first open; retried only when `startRetries` asks for it, after the backoff and at
   * least a refused handshake's `Retry-After`.
   */
  async openFirst(signal: AbortSignal | undefined): Promise<Session> {
    const { startRetries, reconnect, clock } = this.options;
    for (let failures = 0; ; failures++) {
      try {
        return await openSession(this, false, signal);
      } catch (error) {
        if (failures >= startRetries || this.stopped || signal?.aborted) throw error;
        const waitSignal = signal ? AbortSignal.any([signal, this.stopSignal]) : this.stopSignal;
        const delayMs = Math.max(backoffDelay(failures + 1, reconnect), retryAfterMs(error));
        if (!(await wallSleep(clock, delayMs, waitSignal))) throw error;
      }
    }
  }

  /** Runs a connected session (the first one ends the `starting` phase), then writes the outbox. */
  runSession(session: Session): void {
    if (this.phase === 'starting') this.phase = 'running';
    this.session = session;
    // Connected: nothing waits on the stop signal until the next reconnect.
    if (!this.stopped) this.#stopController = undefined;
    session.run();
    if (this.stopped) session.end('stop');
    if (this.#host.outbox?.size) void this.flush(session);
  }

  /**
   * Writes `data` on the ready session, or queues it in the outbox (when on) until one is
   * ready; resolves with the session that wrote it.
   */
  async send(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<Session> {
    const session = this.readySession();
    if (session !== undefined) {
      try {
        await this.write(data, signal);
        return session;
      } catch (error) {
        // The connection dropped before the engine saw it: not sent, so it may wait for the next.
        if (!(error instanceof ConnectionClosedError) || this.options.outbox === undefined) throw error;
      }
    }
    return this.queue(data, signal);
  }

  /**
   * {@link send} when the caller needs no session back (`engine.send`): on a ready session,
   * the adapter's own promise, nothing more per message (the send-flood figure).
   */
  sendNow(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    if (this.options.outbox === undefined && this.readySession() !== undefined)
      return this.write(data, signal);
    return this.send(data, signal).then(noop);
  }

  /** The session `send` writes on at once, if one is ready and nothing waits before it. */
  private readySession(): Session | undefined {
    const session = this.session;
    const outbox = this.#host.outbox;
    if (session === undefined || session.isEnding || outbox?.flushing || outbox?.size) return undefined;
    return session;
  }

  private write(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const type = typeof data === 'string' ? MessageType.Text : MessageType.Binary;
    return this.conn.write(type, data, signal === undefined ? undefined : { signal });
  }

  /**
   * Puts `data` in the outbox (when on) until a session is ready. While the run ends it
   * waits there too, and the end rejects it with its payload (`ERR_SEND_ABORTED`).
   */
  private queue(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<Session> {
    const outbox = this.#host.outbox;
    if (outbox === undefined) {
      const why = this.exitRequested
        ? 'the engine is stopping'
        : 'no connection is ready (connecting or reconnecting); the outbox option queues sends meanwhile';
      return Promise.reject(new ConnectionClosedError(`send(): ${why}`));
    }
    return outbox.add(data, signal);
  }

  /** Ends the run: the session shuts down, no reconnect follows. */
  stop(reason: unknown): void {
    if (this.stopped || this.phase === 'over') return;
    this.phase = 'stopping';
    this.#stopController?.abort(reason);
    this.session?.end('stop');
  }

  /** Resolves with how the run ended, once it is over (no socket, timer or listener left). */
  closed(): Promise<EngineExit> {
    if (this.phase === 'over') return Promise.resolve(this.#ending!.exit!);
    return new Promise<EngineExit>((resolve) => this.endRecord().waiters.push(resolve));
  }

  /** Session host: a session started to end. */
  sessionEnding(session: Session): void {
    this.#host.sessionEnding(session);
  }

  /** Session host: a session is over; reconnect or end the run. */
  sessionFinished(session: Session, outcome: SessionOutcome): void {
    if (this.session === session) this.session = undefined;
    void detached(this.options.telemetry, () => this.afterSession(outcome));
  }

  /** The first open failed: the run ends before it began. */
  abandon(error: unknown): Promise<void> {
    const stopped = this.phase === 'stopping';
    this.phase = 'exiting';
    return this.end(stopped ? { reason: 'stop' } : { reason: 'error', error });
  }

  /** How the run ended and who waits for it: made by the end, or by the first to wait. */
  private endRecord(): { exit: EngineExit | undefined; waiters: ((exit: EngineExit) => void)[] } {
    this.#ending ??= { exit: undefined, waiters: [] };
    return this.#ending;
  }

  /** Writes what waited in the outbox, in order, while `session` stays the ready one. */
  private async flush(session: Session): Promise<void> {
    const outbox = this.#host.outbox!;
    outbox.flushing = session;
    try {
      for (;;) {
        if (this.session !== session || session.isEnding) return;
        const queued = outbox.shift();
        if (queued === undefined) return;
        try {
          await this.write(queued.data, queued.signal);
          queued.sent(session);
        } catch (error) {
          if (error instanceof ConnectionClosedError && !this.exitRequested) {
            // Not sent (the connection is gone): first in line for the next session.
            outbox.unshift(queued);
            return;
          }
          queued.failed(error);
        }
      }
    } finally {
      // A flush of an earlier session may end while this one writes: only its own is over.
      if (outbox.flushing === session) outbox.flushing = undefined;
    }
  }

  private async afterSession(outcome: SessionOutcome): Promise<void> {
    let next: Session | undefined;
    let exit: EngineExit = { reason: 'error', error: new Error('the run ended unexpectedly') };
    try {
      const result = await this.reconnectAfter(outcome);
      if ('session' in result) next = result.session;
      else exit = result.exit;
    } catch (error) {
      exit = { reason: 'error', error };
    } finally {
      if (next) this.runSession(next);
      else await this.end(exit);
    }
  }

  /** The next session after `outcome`, or how the run ends. */
  private async reconnectAfter(
    outcome: SessionOutcome,
  ): Promise<{ session: Session } | { exit: EngineExit }> {
    const { autoReconnect, reconnect } = this.options;
    if (this.stopped) return { exit: { reason: 'stop' } };
    if (outcome.exit) return { exit: { reason: 'exit' } };
    if (!outcome.restart && !autoReconnect) return { exit: { reason: 'closed', error: outcome.error } };
    // A session that closed right after opening is a failed attempt: no hot reconnect loop.
    const short = !outcome.restart && outcome.uptimeMs < reconnect.minUptimeMs;
    this.#failures = short ? this.#failures + 1 : 0;
    if (short) await reportRestartError(this, outcome.error, this.#failures);
    const result = await reconnectCycle(this, {
      failures: this.#failures,
      closeMessage: outcome.closeMessage,
      closeError: outcome.error,
      error: short ? outcome.error : undefined,
      forced: outcome.restart,
    });
    if ('session' in result) this.#failures = result.failures;
    return result;
  }

  /** The run is over: what waits in the outbox is rejected, `onExit` runs, then waiters hear of it. */
  private async end(exit: EngineExit): Promise<void> {
    const ending = this.endRecord();
    if (ending.exit !== undefined) return;
    ending.exit = exit;
    this.session = undefined;
    this.#stopController = undefined;
    this.#host.outbox?.abortAll(`the engine ended (${exit.reason})`);
    const telemetry = this.options.telemetry;
    await contained(
      telemetry,
      SpanName.OnExit,
      () => exitAttributes(exit),
      () => this.client.onExit?.(exit),
    );
    this.phase = 'over';
    this.#host.runEnded(this, exit);
    for (const resolve of ending.waiters.splice(0)) resolve(exit);
  }
}

function exitAttributes(exit: EngineExit): TelemetryAttributes {
  const attributes: TelemetryAttributes = { [Attr.ExitReason]: exit.reason };
  const name = (exit.error as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string') attributes[Attr.ErrorType] = name;
  return attributes;
}
