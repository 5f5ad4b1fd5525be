import { noop, onAbort } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { canPing } from '../core/adapter-traits.js';
import {
  ConnectionClosedError,
  EngineStartError,
  EngineStateError,
  EngineStopError,
  InvalidOptionsError,
} from '../core/errors.js';
import type { CallOptions, Message } from '../core/message.js';
import { checkCallOptions, validateMessage } from '../core/validation.js';
import { detached, traced } from './callbacks.js';
import { schedule } from './clock.js';
import { timeoutError } from './open.js';
import type { RequestCallOptions, ResolvedOptions, WebSocketEngineOptions } from './options.js';
import { EngineReadMutex } from './read-mutex.js';
import { resolveOptions } from './resolve-options.js';
import { Run, type RunHost } from './run.js';
import { Messaging } from './send/messaging.js';
import { Outbox } from './send/outbox.js';
import { checkRequestOptions } from './send/requests.js';
import type { Session } from './session/session.js';
import { Attr, SpanName, type TelemetryAttributes } from './telemetry.js';
import type { EngineExit, ReadMutex, WebSocketClient } from './types.js';

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
  /** The current run, or the last one once it is over. */
  #run: Run | undefined;
  /** Replies to requests and pulled messages, for an engine that has them. */
  readonly #messaging: Messaging | undefined;
  /**
   * @internal Run host: sends waiting for a ready session, with the `outbox` option. The
   * engine's, not a run's: a send made before `start()`, or after a run ended, waits for
   * the next.
   */
  readonly outbox: Outbox<Session> | undefined;

  /** @throws InvalidOptionsError listing every invalid option. */
  constructor(options: WebSocketEngineOptions) {
    const resolved = resolveOptions(options);
    const { adapter, telemetry } = resolved;
    // With telemetry the engine drives (and callbacks get) the instrumented adapter.
    this.options = telemetry
      ? Object.freeze({ ...resolved, adapter: telemetry.instrument(adapter) })
      : resolved;
    this.mutex = new EngineReadMutex();
    this.#messaging = Messaging.for(this.options);
    const { outbox, clock } = this.options;
    this.outbox = outbox && new Outbox(outbox, clock);
  }

  /** @internal The callbacks the sessions call: the user's, with replies to requests taken out. */
  get client(): WebSocketClient {
    return this.#messaging?.client ?? this.options.client;
  }

  /** @internal The adapter as the reader uses it and callbacks see it (`conn`). */
  get conn(): WebSocketConnectionAdapter {
    return this.options.adapter;
  }

  /** The pause switch: while it is locked nothing is read, so the holder owns the connection. */
  get readMutex(): ReadMutex {
    return this.mutex;
  }

  /** Whether the engine is connected or reconnecting; `false` before `start()` and from `stop()` on. */
  get isStarted(): boolean {
    const phase = this.#run?.phase;
    return phase === 'running' || phase === 'exiting';
  }

  /** UUID of the current session (connection), `undefined` when there is none. */
  get sessionId(): string | undefined {
    return this.#run?.session?.id;
  }

  /**
   * How the current run ends (or the last one ended): `{ reason, error? }`, the value
   * `onExit` gets. Never rejects. Before the first `start()` nothing runs: `{ reason: 'stop' }`.
   */
  get closed(): Promise<EngineExit> {
    return this.#run?.closed() ?? Promise.resolve({ reason: 'stop' });
  }

  /**
   * Connects, runs `onOpen({ restarting: false })`, starts reading, then resolves.
   * @throws EngineStartError when the dial fails, `onOpen` throws, `openTimeoutMs` passes or
   * `signal` aborts (`cause` says which); nothing is left open.
   * @throws EngineStateError when the engine is already started, starting or stopping.
   */
  start(options: CallOptions = {}): Promise<void> {
    try {
      this.checkStart(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const attributes = () => ({ [Attr.Readers]: this.options.readers });
    return traced(this.options.telemetry, SpanName.Start, attributes, () => this.doStart(options.signal));
  }

  /**
   * Shuts the session down (in-flight `onMessage` finish, `onClose` runs, the connection is
   * closed) and ends the engine; no reconnect. Sends waiting in the outbox reject with
   * `ERR_SEND_ABORTED`. Resolves at once on a stopped engine. A locked `readMutex` delays
   * it until released.
   * @throws EngineStopError after `stopTimeoutMs`, or when `signal` aborts (the shutdown goes on).
   */
  stop(options: CallOptions = {}): Promise<void> {
    try {
      checkCallOptions(options, 'stop');
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#run;
    if (run === undefined || run.phase === 'over') {
      // Nothing runs, but sends made since may wait for a next start: stop() ends that too.
      this.outbox?.abortAll('the engine was stopped');
      return Promise.resolve();
    }
    return traced(
      this.options.telemetry,
      SpanName.Stop,
      () => this.sessionAttributes(),
      () => this.doStop(run, options.signal),
    );
  }

  /**
   * Sends `data`: a string as a text message, a `Uint8Array` as a binary one. Written at once
   * on the ready session (its `onOpen` has resolved); resolves once written. While no session
   * is ready (before `start()` too): with `outbox`, waits there (bounded) and goes out in
   * order after the next `onOpen`; without it, rejects with `ConnectionClosedError`.
   * @throws InvalidArgumentError for data that is neither a string nor a `Uint8Array`.
   * @throws SendError `ERR_OUTBOX_FULL`, `ERR_SEND_EXPIRED`, `ERR_SEND_ABORTED` (payload as `data`).
   */
  send(data: string | Uint8Array, options?: CallOptions): Promise<void> {
    const run = this.runFor(data, options, 'send');
    return run instanceof Run ? run.sendNow(data, options?.signal) : run.then(noop);
  }

  /**
   * Sends `data` like {@link send} and resolves with its reply: the first message whose
   * `requests.idOf(message)` is `options.id`. The reply does not reach `onMessage` nor
   * `messages()`. Needs the `requests` option.
   * @throws RequestError `ERR_REQUEST_TIMEOUT` after the timeout, `ERR_REQUEST_CLOSED` as soon
   * as the session it was sent on ends; `signal.reason` on abort; what `send` throws.
   */
  request(data: string | Uint8Array, options: RequestCallOptions): Promise<Message> {
    return traced(this.options.telemetry, SpanName.Request, noAttributes, () =>
      this.doRequest(data, options),
    );
  }

  /**
   * The messages of every session, in order, for an engine created without `onMessage`.
   * Back-pressured: while nothing pulls, the engine reads no further. Ends when the engine
   * stops or `signal` aborts; throws the exit's error when the run ends on one.
   * @throws InvalidOptionsError when the engine has an `onMessage` callback.
   */
  messages(options: CallOptions = {}): AsyncIterableIterator<Message> {
    checkCallOptions(options, 'messages');
    const stream = this.#messaging?.stream;
    if (stream === undefined) {
      throw new InvalidOptionsError(
        ['client.onMessage: messages() is for an engine created without onMessage; use one or the other'],
        'messages()',
      );
    }
    return stream.iterate(options.signal);
  }

  /** @internal Run host: a session started to end; requests written on it fail now. */
  sessionEnding(session: Session): void {
    this.#messaging?.sessionEnding(session);
  }

  /** @internal Run host: the run is over. */
  runEnded(_run: Run, exit: EngineExit): void {
    this.#messaging?.runEnded(exit);
  }

  /** Throws what keeps `start()` from starting now. */
  private checkStart(options: CallOptions): void {
    checkCallOptions(options, 'start');
    const { keepaliveIntervalMs, heartbeat } = this.options;
    if (keepaliveIntervalMs > 0 && !heartbeat && !canPing(this.conn)) {
      const issue =
        'keepalive: this adapter cannot send pings (the WHATWG WebSocket API has none): add ' +
        'keepalive.heartbeat { message, isReply } for an application-level ping, or leave keepalive out';
      throw new InvalidOptionsError([issue], 'WebSocketEngine options');
    }
    const phase = this.#run?.phase;
    if (phase !== undefined && phase !== 'over') {
      const state = phase === 'starting' || phase === 'stopping' ? phase : 'running';
      throw new EngineStateError(`start() called while the engine is ${state}`);
    }
  }

  private sendOn(data: string | Uint8Array, options: CallOptions, method: string): Promise<Session> {
    const run = this.runFor(data, options, method);
    return run instanceof Run ? run.send(data, options.signal) : run;
  }

  /**
   * The run that sends `data`; or, with no run going on, the send waiting in the outbox for
   * the next one, or the rejection that says why nothing is sent.
   */
  private runFor(data: unknown, options: CallOptions | undefined, method: string): Run | Promise<Session> {
    try {
      checkCallOptions(options, method);
      validateMessage(typeof data === 'string' ? 1 : 2, data);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#run;
    if (run !== undefined && !run.exitRequested) return run;
    if (this.outbox !== undefined) {
      // A run that is ending rejects what waits when it ends; after it, the next run writes it.
      return this.outbox.add(data as string | Uint8Array, options?.signal);
    }
    return Promise.reject(
      new ConnectionClosedError(`${method}(): the engine is not started; call start() first`),
    );
  }

  private async doRequest(data: string | Uint8Array, options: RequestCallOptions): Promise<Message> {
    const requests = this.options.requests;
    if (requests === undefined) {
      throw new InvalidOptionsError(
        ['requests: request() needs the requests option, e.g. { idOf: (m) => JSON.parse(m.data).id }'],
        'request()',
      );
    }
    const { id, timeoutMs, signal } = checkRequestOptions(options, requests.timeoutMs);
    const pending = this.#messaging!.pendingRequests().open(id, timeoutMs, signal);
    this.sendOn(data, { signal }, 'request').then(
      (session) => pending.written(session, session.isEnding),
      (error: unknown) => pending.failed(error),
    );
    return pending.reply;
  }

  private async doStart(signal: AbortSignal | undefined): Promise<void> {
    const run = new Run(this);
    this.#run = run;
    this.#messaging?.runStarting();
    let session: Awaited<ReturnType<Run['openFirst']>>;
    try {
      session = await run.openFirst(signal);
    } catch (error) {
      const failure = new EngineStartError('engine failed to start', { cause: error });
      await run.abandon(failure);
      throw failure;
    }
    // Detached: the spans of a long-lived engine start their own traces, not under `start`.
    detached(this.options.telemetry, () => run.runSession(session));
    // exit() inside onOpen: the engine is over before start() resolves.
    if (session.exiting) await run.closed();
  }

  private async doStop(run: Run, signal: AbortSignal | undefined): Promise<void> {
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
      await Promise.race([run.closed(), failed]);
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

function noAttributes(): TelemetryAttributes {
  return {};
}
