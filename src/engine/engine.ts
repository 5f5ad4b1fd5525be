import { noop, onAbort } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { EngineStartError, EngineStateError, EngineStopError } from '../core/errors.js';
import type { CallOptions } from '../core/message.js';
import { Attr, SpanName } from '../otel/constants.js';
import { createEngineTelemetry } from '../otel/telemetry.js';
import { traceAdapter } from '../otel/trace-adapter.js';
import type { EngineTelemetry } from '../otel/types.js';
import { backoffDelay } from './backoff.js';
import { traced } from './callbacks.js';
import { realClock, schedule, wallSleep } from './clock.js';
import { type EngineCore, type RunContext, RunState } from './context.js';
import { readModeOf } from './dispatch.js';
import { openSession, timeoutError } from './open.js';
import {
  type EngineSettings,
  type EngineUrl,
  engineSettings,
  resolveEngineOptions,
  type WebSocketEngineOptions,
} from './options.js';
import { EngineReadMutex } from './read-mutex.js';
import { reconnectCycle, reportRestartError } from './reconnect.js';
import type { Session, SessionOutcome } from './session.js';
import type { ReadMutex, WebSocketClient } from './types.js';

type State = 'idle' | 'starting' | 'running' | 'stopping';

/**
 * A WebSocket client that stays connected: it dials through its adapter, calls your
 * callbacks with up to `readers` messages in flight, pings, reconnects with backoff, and
 * shuts each session down exactly once. See `docs/engine.md` for the full behaviour.
 *
 * @example
 * ```ts
 * const engine = new WebSocketEngine({
 *   url: () => `wss://api.example.com/feed?token=${await getToken()}`,
 *   adapter: new WsAdapter(),
 *   client: {
 *     onOpen: async ({ conn }) => conn.write(MessageType.Text, '{"op":"subscribe"}'),
 *     onMessage: ({ message }) => console.log(message.data),
 *   },
 *   keepalive: { intervalMs: 15_000, timeoutMs: 5_000 },
 * });
 * await engine.start();
 * // ...
 * await engine.stop();
 * ```
 */
export class WebSocketEngine implements EngineCore {
  /** The pause switch: while it is locked no loop reads, so the holder owns the connection. */
  readonly readMutex: ReadMutex;
  /** @internal Where to connect, as given. */
  readonly url: EngineUrl;
  /** @internal The adapter as callbacks see it (`conn`): instrumented when telemetry is on. */
  readonly conn: WebSocketConnectionAdapter;
  /** @internal The callbacks, as given. */
  readonly client: WebSocketClient;
  /** @internal The other options, resolved; shared with engines that have the same ones. */
  readonly settings: EngineSettings;
  private state: State = 'idle';
  private run: RunState | undefined;
  private session: Session | undefined;

  /** @throws InvalidOptionsError listing every invalid option. */
  constructor(options: WebSocketEngineOptions) {
    const resolved = resolveEngineOptions(options);
    const telemetry = createEngineTelemetry({
      tracerProvider: resolved.tracerProvider,
      meterProvider: resolved.meterProvider,
    });
    this.url = resolved.url;
    // One wrapper for the reader and the callbacks alike: spans per call and message/byte
    // counts when an SDK is registered, the adapter itself (no cost) otherwise.
    this.conn = traceAdapter(resolved.adapter, telemetry);
    this.client = resolved.client;
    this.settings = engineSettings(resolved, resolved.clock ?? realClock, telemetry, readModeOf(this.conn));
    // The engine's own mutex, typed as its public half: the reader's side is internal.
    this.readMutex = new EngineReadMutex();
  }

  /** @internal The read mutex with its reader's side. */
  get mutex(): EngineReadMutex {
    return this.readMutex as EngineReadMutex;
  }

  private get telemetry(): EngineTelemetry {
    return this.settings.telemetry;
  }

  /** Whether the engine is connected or reconnecting; `false` before `start()` and from `stop()` on. */
  get isStarted(): boolean {
    return this.state === 'running';
  }

  /** UUID of the current session (connection), `undefined` when there is none. */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /**
   * Connects, runs `onOpen({ restarting: false })`, starts reading, then resolves.
   * @throws EngineStartError when the dial fails, `onOpen` throws, `openTimeoutMs` passes or
   * `signal` aborts (`cause` says which); nothing is left open.
   * @throws EngineStateError when the engine is already started, starting or stopping.
   */
  start(options: CallOptions = {}): Promise<void> {
    if (this.state !== 'idle') {
      return Promise.reject(new EngineStateError(`start() called while the engine is ${this.state}`));
    }
    return traced(
      this.telemetry,
      SpanName.Start,
      () => ({ [Attr.Readers]: this.settings.readers }),
      () => this.doStart(options.signal),
    );
  }

  /**
   * Shuts the session down (in-flight `onMessage` finish, `onClose` runs, the connection is
   * closed) and ends the engine; no reconnect. Resolves at once on a stopped engine.
   * A locked `readMutex` delays it until released.
   * @throws EngineStopError after `stopTimeoutMs`, or when `signal` aborts (the shutdown goes on).
   */
  stop(options: CallOptions = {}): Promise<void> {
    const run = this.run;
    if (run === undefined) return Promise.resolve();
    return traced(
      this.telemetry,
      SpanName.Stop,
      () => this.sessionAttributes(),
      () => this.doStop(run, options.signal),
    );
  }

  private async doStart(signal: AbortSignal | undefined): Promise<void> {
    const ctx = new RunState(this);
    this.run = ctx;
    this.state = 'starting';
    let session: Session;
    try {
      session = await this.openFirst(ctx, signal);
    } catch (error) {
      this.state = 'idle';
      this.run = undefined;
      ctx.markEnded();
      throw new EngineStartError('engine failed to start', { cause: error });
    }
    if (this.state === 'starting') this.state = 'running';
    // Detached: the spans of a long-lived engine start their own traces, not under `start`.
    this.telemetry.detached(() => this.runSession(ctx, session));
    // exit() inside onOpen: the engine is over before start() resolves.
    if (session.exiting) await ctx.ended();
  }

  /** The first open; retried only when `startRetries` asks for it. */
  private async openFirst(ctx: RunContext, signal: AbortSignal | undefined): Promise<Session> {
    for (let failures = 0; ; failures++) {
      try {
        return await openSession(ctx, false, signal);
      } catch (error) {
        if (failures >= this.settings.startRetries || ctx.stopped || signal?.aborted) throw error;
        const waitSignal = signal ? AbortSignal.any([signal, ctx.signal]) : ctx.signal;
        if (
          !(await wallSleep(
            this.settings.clock,
            backoffDelay(failures + 1, this.settings.reconnect),
            waitSignal,
          ))
        ) {
          throw error;
        }
      }
    }
  }

  /**
   * Runs a connected session. Nothing of the engine waits on it: the session calls
   * {@link sessionFinished} when it is over, so an idle engine holds no pending promise.
   */
  private runSession(ctx: RunState, session: Session): void {
    this.session = session;
    // Connected: nothing waits on the run's stop signal until the next reconnect.
    ctx.release();
    session.run();
    if (ctx.stopped) session.end('stop');
  }

  /** @internal Session host: a session is over; reconnect or end the engine. */
  sessionFinished(session: Session, outcome: SessionOutcome): void {
    const ctx = session.deps as RunState;
    void this.telemetry.detached(() => this.afterSession(ctx, session, outcome));
  }

  /** Decides what follows a session: the next session, or the end of the run. */
  private async afterSession(ctx: RunState, session: Session, outcome: SessionOutcome): Promise<void> {
    let next: Session | undefined;
    try {
      if (this.session === session) this.session = undefined;
      if (session.lingering) {
        ctx.lingering ??= [];
        ctx.lingering.push(session.lingering);
      }
      next = await this.reconnectAfter(ctx, outcome);
    } finally {
      if (next) this.runSession(ctx, next);
      else await this.endRun(ctx);
    }
  }

  /** The next session after `outcome`, or `undefined` when the engine ends. */
  private async reconnectAfter(ctx: RunState, outcome: SessionOutcome): Promise<Session | undefined> {
    const { autoReconnect, reconnect } = this.settings;
    if (outcome.exit || ctx.stopped) return undefined;
    if (!outcome.restart && !autoReconnect) return undefined;
    // A session that closed right after opening is a failed attempt: no hot reconnect loop.
    const short = !outcome.restart && outcome.uptimeMs < reconnect.minUptimeMs;
    ctx.failures = short ? ctx.failures + 1 : 0;
    if (short) await reportRestartError(ctx, outcome.error, ctx.failures);
    const next = await reconnectCycle(ctx, {
      failures: ctx.failures,
      closeMessage: outcome.closeMessage,
      error: short ? outcome.error : undefined,
      forced: outcome.restart,
    });
    if (next) ctx.failures = next.failures;
    return next?.session;
  }

  /** The run is over: once lingering closes are done, the engine is idle again. */
  private async endRun(ctx: RunState): Promise<void> {
    try {
      if (ctx.lingering) await Promise.all(ctx.lingering);
    } finally {
      this.state = 'idle';
      this.session = undefined;
      this.run = undefined;
      ctx.markEnded();
    }
  }

  private async doStop(run: RunState, signal: AbortSignal | undefined): Promise<void> {
    if (this.state !== 'idle') this.state = 'stopping';
    run.exitRequested = true;
    run.stop(new DOMException('the engine is stopping', 'AbortError'));
    this.session?.end('stop');
    const ms = this.settings.stopTimeoutMs;
    let fail: (error: unknown) => void = noop;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const cancelTimer =
      ms > 0
        ? schedule(this.settings.clock, ms, () =>
            fail(
              new EngineStopError(`stop timed out after ${ms} ms`, { cause: timeoutError('stop timed out') }),
            ),
          )
        : noop;
    const off = onAbort(signal, (reason) => fail(new EngineStopError('stop aborted', { cause: reason })));
    try {
      if (signal?.aborted) throw new EngineStopError('stop aborted', { cause: signal.reason });
      await Promise.race([run.ended(), failed]);
    } finally {
      cancelTimer();
      off();
    }
  }

  private sessionAttributes() {
    const id = this.session?.id;
    return id === undefined ? {} : { [Attr.SessionId]: id };
  }
}
