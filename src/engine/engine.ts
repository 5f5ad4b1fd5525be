import { noop, onAbort } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { EngineStartError, EngineStateError, EngineStopError } from '../core/errors.js';
import type { CallOptions } from '../core/message.js';
import { detached, traced } from './callbacks.js';
import { schedule } from './clock.js';
import { timeoutError } from './open.js';
import type { ResolvedOptions, WebSocketEngineOptions } from './options.js';
import { EngineReadMutex } from './read-mutex.js';
import { resolveOptions } from './resolve-options.js';
import { Run, type RunHost } from './run.js';
import { Attr, SpanName, type TelemetryAttributes } from './telemetry.js';
import type { ReadMutex } from './types.js';

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
export class WebSocketEngine implements RunHost {
  /** @internal The read mutex with its reader's side. */
  readonly mutex: EngineReadMutex;
  /** @internal The options, resolved. */
  readonly options: ResolvedOptions;
  /** @internal The adapter as the reader uses it and callbacks see it (`conn`): instrumented with telemetry. */
  readonly conn: WebSocketConnectionAdapter;
  private state: State = 'idle';
  private run: Run | undefined;

  /** @throws InvalidOptionsError listing every invalid option. */
  constructor(options: WebSocketEngineOptions) {
    this.options = resolveOptions(options);
    const { adapter, telemetry } = this.options;
    this.conn = telemetry ? telemetry.instrument(adapter) : adapter;
    this.mutex = new EngineReadMutex();
  }

  /** The pause switch: while it is locked nothing is read, so the holder owns the connection. */
  get readMutex(): ReadMutex {
    return this.mutex;
  }

  /** Whether the engine is connected or reconnecting; `false` before `start()` and from `stop()` on. */
  get isStarted(): boolean {
    return this.state === 'running';
  }

  /** UUID of the current session (connection), `undefined` when there is none. */
  get sessionId(): string | undefined {
    return this.run?.session?.id;
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
    const attributes = () => ({ [Attr.Readers]: this.options.readers });
    return traced(this.options.telemetry, SpanName.Start, attributes, () => this.doStart(options.signal));
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
      this.options.telemetry,
      SpanName.Stop,
      () => this.sessionAttributes(),
      () => this.doStop(run, options.signal),
    );
  }

  private async doStart(signal: AbortSignal | undefined): Promise<void> {
    const run = new Run(this);
    this.run = run;
    this.state = 'starting';
    let session: Awaited<ReturnType<Run['openFirst']>>;
    try {
      session = await run.openFirst(signal);
    } catch (error) {
      run.abandon();
      throw new EngineStartError('engine failed to start', { cause: error });
    }
    if (this.state === 'starting') this.state = 'running';
    // Detached: the spans of a long-lived engine start their own traces, not under `start`.
    detached(this.options.telemetry, () => run.runSession(session));
    // exit() inside onOpen: the engine is over before start() resolves.
    if (session.exiting) await run.ended();
  }

  /** @internal Run host: the run is over. */
  runEnded(run: Run): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.state = 'idle';
  }

  private async doStop(run: Run, signal: AbortSignal | undefined): Promise<void> {
    if (this.state !== 'idle') this.state = 'stopping';
    run.stop(new DOMException('the engine is stopping', 'AbortError'));
    const { stopTimeoutMs: ms, clock } = this.options;
    let fail: (error: unknown) => void = noop;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const timeout = () =>
      fail(new EngineStopError(`stop timed out after ${ms} ms`, { cause: timeoutError('stop timed out') }));
    const cancelTimer = ms > 0 ? schedule(clock, ms, timeout) : noop;
    const off = onAbort(signal, (reason) => fail(new EngineStopError('stop aborted', { cause: reason })));
    try {
      if (signal?.aborted) throw new EngineStopError('stop aborted', { cause: signal.reason });
      await Promise.race([run.ended(), failed]);
    } finally {
      cancelTimer();
      off();
    }
  }

  private sessionAttributes(): TelemetryAttributes {
    const id = this.sessionId;
    return id === undefined ? {} : { [Attr.SessionId]: id };
  }
}
