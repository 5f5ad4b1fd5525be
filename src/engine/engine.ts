import { noop, onAbort } from '../core/abort.js';
import { EngineStartError, EngineStateError, EngineStopError } from '../core/errors.js';
import type { CallOptions } from '../core/message.js';
import { Attr, SpanName } from '../otel/constants.js';
import { createEngineTelemetry } from '../otel/telemetry.js';
import { traceAdapter } from '../otel/trace-adapter.js';
import type { EngineTelemetry } from '../otel/types.js';
import { backoffDelay } from './backoff.js';
import { traced } from './callbacks.js';
import { realClock, schedule, wallSleep } from './clock.js';
import { type RunContext, RunState } from './context.js';
import { openSession, timeoutError } from './open.js';
import { type ResolvedEngineOptions, resolveEngineOptions, type WebSocketEngineOptions } from './options.js';
import { EngineReadMutex } from './read-mutex.js';
import { reconnectCycle, reportRestartError } from './reconnect.js';
import type { Session } from './session.js';
import type { Clock, ReadMutex } from './types.js';

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
export class WebSocketEngine {
  /** The pause switch: while it is locked no loop reads, so the holder owns the connection. */
  readonly readMutex: ReadMutex;
  private readonly opts: ResolvedEngineOptions;
  private readonly telemetry: EngineTelemetry;
  private readonly clock: Clock;
  private readonly mutex = new EngineReadMutex();
  private state: State = 'idle';
  private run: RunState | undefined;
  private session: Session | undefined;

  /** @throws InvalidOptionsError listing every invalid option. */
  constructor(options: WebSocketEngineOptions) {
    const resolved = resolveEngineOptions(options);
    this.clock = resolved.clock ?? realClock;
    this.telemetry = createEngineTelemetry({
      tracerProvider: resolved.tracerProvider,
      meterProvider: resolved.meterProvider,
    });
    // One wrapper for the reader and the callbacks alike: spans per call and message/byte
    // counts when an SDK is registered, the adapter itself (no cost) otherwise.
    this.opts = { ...resolved, adapter: traceAdapter(resolved.adapter, this.telemetry) };
    const mutex = this.mutex;
    this.readMutex = Object.freeze({
      lock: (o?: CallOptions) => mutex.lock(o),
      runExclusive: <T>(fn: () => T | Promise<T>, o?: CallOptions) => mutex.runExclusive(fn, o),
      get isLocked() {
        return mutex.isLocked;
      },
    });
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
      () => ({ [Attr.Readers]: this.opts.readers }),
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
    const ctx = new RunState(
      this.opts,
      this.telemetry,
      this.clock,
      this.mutex,
      this.readMutex,
      this.opts.adapter,
    );
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
    void this.telemetry
      .detached(() => this.supervise(ctx, session))
      .finally(() => {
        this.state = 'idle';
        this.session = undefined;
        this.run = undefined;
        ctx.markEnded();
      });
    // exit() inside onOpen: the engine is over before start() resolves.
    if (session.exiting) await ctx.ended();
  }

  /** The first open; retried only when `startRetries` asks for it. */
  private async openFirst(ctx: RunContext, signal: AbortSignal | undefined): Promise<Session> {
    for (let failures = 0; ; failures++) {
      try {
        return await openSession(ctx, false, signal);
      } catch (error) {
        if (failures >= this.opts.startRetries || ctx.stopped || signal?.aborted) throw error;
        const waitSignal = signal ? AbortSignal.any([signal, ctx.signal]) : ctx.signal;
        if (!(await wallSleep(this.clock, backoffDelay(failures + 1, this.opts.reconnect), waitSignal))) {
          throw error;
        }
      }
    }
  }

  /** Runs sessions one after the other until the engine ends for good. */
  private async supervise(ctx: RunState, first: Session): Promise<void> {
    const { autoReconnect, reconnect } = this.opts;
    let session: Session | undefined = first;
    let failures = 0;
    let lingering: Promise<void>[] | undefined;
    while (session !== undefined) {
      this.session = session;
      // Connected: nothing waits on the run's stop signal until the next reconnect.
      ctx.release();
      session.run();
      if (ctx.stopped) session.end('stop');
      const outcome = await session.finished;
      this.session = undefined;
      if (session.lingering) {
        lingering ??= [];
        lingering.push(session.lingering);
      }
      if (outcome.exit || ctx.stopped) break;
      if (!outcome.restart && !autoReconnect) break;
      // A session that closed right after opening is a failed attempt: no hot reconnect loop.
      const short = !outcome.restart && outcome.uptimeMs < reconnect.minUptimeMs;
      failures = short ? failures + 1 : 0;
      if (short) await reportRestartError(ctx, outcome.error, failures);
      const next = await reconnectCycle(ctx, {
        failures,
        closeMessage: outcome.closeMessage,
        error: short ? outcome.error : undefined,
        forced: outcome.restart,
      });
      session = next?.session;
      failures = next?.failures ?? failures;
    }
    if (lingering) await Promise.all(lingering);
  }

  private async doStop(run: RunState, signal: AbortSignal | undefined): Promise<void> {
    if (this.state !== 'idle') this.state = 'stopping';
    run.exitRequested = true;
    run.stop(new DOMException('the engine is stopping', 'AbortError'));
    this.session?.end('stop');
    const ms = this.opts.stopTimeoutMs;
    let fail: (error: unknown) => void = noop;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const cancelTimer =
      ms > 0
        ? schedule(this.clock, ms, () =>
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
