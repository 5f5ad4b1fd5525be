import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { backoffDelay } from './backoff.js';
import { detached } from './callbacks.js';
import { wallSleep } from './clock.js';
import { openSession } from './open.js';
import type { ResolvedOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import { reconnectCycle, reportRestartError } from './reconnect.js';
import type { RunContext } from './run-context.js';
import type { Session, SessionOutcome } from './session/session.js';
import type { WebSocketClient } from './types.js';

/** The engine, as its runs see it. @internal */
export interface RunHost {
  readonly conn: WebSocketConnectionAdapter;
  readonly mutex: EngineReadMutex;
  readonly options: ResolvedOptions;
  /** The run is over (called once). */
  runEnded(run: Run): void;
}

/**
 * One run of an engine, from `start()` to its end: the first open, then each session and
 * the reconnects between them, until `stop()`, `exit()`, a close with no reconnect to
 * follow, or the retries run out. Nothing of it waits on a connected session: the session
 * calls {@link sessionFinished} when it is over.
 * @internal
 */
export class Run implements RunContext {
  /** The connected session, if any. */
  session: Session | undefined;
  stopped = false;
  exitRequested = false;
  /** Failed attempts in a row (a session shorter than `minUptimeMs` counts as one). */
  private failures = 0;
  /** Created when something waits on a stop (a dial, a backoff); dropped while connected. */
  private stopController: AbortController | undefined;
  private isOver = false;
  /** Who waits for the end (`stop()`, an exit inside `onOpen`); made when one does. */
  private endWaiters: (() => void)[] | undefined;

  constructor(private readonly host: RunHost) {}

  get conn(): WebSocketConnectionAdapter {
    return this.host.conn;
  }

  get client(): WebSocketClient {
    return this.host.options.client;
  }

  get mutex(): EngineReadMutex {
    return this.host.mutex;
  }

  get options(): ResolvedOptions {
    return this.host.options;
  }

  get stopSignal(): AbortSignal {
    this.stopController ??= new AbortController();
    if (this.stopped && !this.stopController.signal.aborted) this.stopController.abort();
    return this.stopController.signal;
  }

  /** The first open; retried only when `startRetries` asks for it. */
  async openFirst(signal: AbortSignal | undefined): Promise<Session> {
    const { startRetries, reconnect, clock } = this.options;
    for (let failures = 0; ; failures++) {
      try {
        return await openSession(this, false, signal);
      } catch (error) {
        if (failures >= startRetries || this.stopped || signal?.aborted) throw error;
        const waitSignal = signal ? AbortSignal.any([signal, this.stopSignal]) : this.stopSignal;
        if (!(await wallSleep(clock, backoffDelay(failures + 1, reconnect), waitSignal))) throw error;
      }
    }
  }

  /** Runs a connected session. */
  runSession(session: Session): void {
    this.session = session;
    // Connected: nothing waits on the stop signal until the next reconnect.
    if (!this.stopped) this.stopController = undefined;
    session.run();
    if (this.stopped) session.end('stop');
  }

  /** Ends the run: the session shuts down, no reconnect follows. */
  stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.exitRequested = true;
    this.stopController?.abort(reason);
    this.session?.end('stop');
  }

  /** Resolves once the run is over: no socket, timer or listener left. */
  ended(): Promise<void> {
    if (this.isOver) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.endWaiters ??= [];
      this.endWaiters.push(resolve);
    });
  }

  /** Session host: a session is over; reconnect or end the run. */
  sessionFinished(session: Session, outcome: SessionOutcome): void {
    if (this.session === session) this.session = undefined;
    void detached(this.options.telemetry, () => this.afterSession(outcome));
  }

  /** The first open failed: the run ends before it began. */
  abandon(): void {
    this.stop(undefined);
    this.end();
  }

  private async afterSession(outcome: SessionOutcome): Promise<void> {
    let next: Session | undefined;
    try {
      next = await this.reconnectAfter(outcome);
    } finally {
      if (next) this.runSession(next);
      else this.end();
    }
  }

  /** The next session after `outcome`, or `undefined` when the run ends. */
  private async reconnectAfter(outcome: SessionOutcome): Promise<Session | undefined> {
    const { autoReconnect, reconnect } = this.options;
    if (outcome.exit || this.stopped) return undefined;
    if (!outcome.restart && !autoReconnect) return undefined;
    // A session that closed right after opening is a failed attempt: no hot reconnect loop.
    const short = !outcome.restart && outcome.uptimeMs < reconnect.minUptimeMs;
    this.failures = short ? this.failures + 1 : 0;
    if (short) await reportRestartError(this, outcome.error, this.failures);
    const next = await reconnectCycle(this, {
      failures: this.failures,
      closeMessage: outcome.closeMessage,
      error: short ? outcome.error : undefined,
      forced: outcome.restart,
    });
    if (next) this.failures = next.failures;
    return next?.session;
  }

  private end(): void {
    if (this.isOver) return;
    this.isOver = true;
    this.session = undefined;
    this.stopController = undefined;
    this.host.runEnded(this);
    for (const resolve of this.endWaiters ?? []) resolve();
    this.endWaiters = undefined;
  }
}
