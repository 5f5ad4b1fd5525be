import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import type { CallOptions, Message } from '../core/message.js';
import type { EngineTelemetry } from './telemetry.js';
import type { Clock, CloseMessage, WebSocketClient } from './types.js';

/** Where to connect: a URL, or a function called at every (re)connect (e.g. to put a fresh token in it). */
export type EngineUrl = string | URL | (() => string | URL | Promise<string | URL>);

/** What {@link ReconnectOptions.shouldReconnect} is told before a reconnect attempt. */
export interface ReconnectContext {
  /** How the session ended, when the peer closed or the connection dropped (1006 for a keepalive timeout). */
  closeMessage?: CloseMessage;
  /** Why the previous attempt failed (e.g. a `HandshakeError` with `status` 401), if one did. */
  error?: unknown;
  /** The HTTP status of a refused handshake (`error` is then a `HandshakeError`). */
  status?: number;
  /** Failed attempts so far in this reconnect cycle (0 before the first attempt after a drop). */
  retryCount: number;
  /** Number of the attempt about to be made in this reconnect cycle, starting at 1. */
  attempt: number;
}

/**
 * What {@link ReconnectOptions.shouldReconnect} decides: `true` (reconnect after the usual
 * backoff), `false` (give up: the engine ends), or `{ delayMs }` (reconnect after exactly
 * that wait instead of the backoff).
 */
export type ReconnectDecision = boolean | { delayMs: number };

/** How the engine reconnects: exponential backoff with full jitter, bounded. */
export interface ReconnectOptions {
  /** Wait before the second attempt (the first one after a drop is immediate). Default `1_000` ms. */
  initialDelayMs?: number;
  /** Upper bound of any wait. Default `30_000` ms. */
  maxDelayMs?: number;
  /** Growth of the wait per failed attempt, >= 1. Default `2`. */
  multiplier?: number;
  /**
   * Share of each wait that is random, 0..1: the wait is `base * (1 - jitter) + random * base * jitter`.
   * `1` is "full jitter" (uniform in `[0, base]`), so many clients never reconnect in lock-step. Default `1`.
   */
  jitter?: number;
  /** Failed attempts in a row after which the engine gives up and ends. Default `Infinity`. */
  maxRetries?: number;
  /**
   * A session that ends sooner than this after opening counts as a failed attempt, so a server
   * that accepts and closes at once is retried with backoff, not in a hot loop. Default `1_000` ms.
   */
  minUptimeMs?: number;
  /**
   * Decides whether to make the next attempt (e.g. stop on a 401 handshake or a 4401 close),
   * and may choose its delay (`{ delayMs }`). Not asked before the first attempt after
   * `restart()`, which always reconnects. A throw counts as `false`. Default: always
   * reconnect, bounded by `maxRetries`. A handshake answered 429 or 503 with `Retry-After`
   * waits at least that long whatever is decided here.
   */
  shouldReconnect?(context: ReconnectContext): ReconnectDecision | Promise<ReconnectDecision>;
}

/**
 * The outbox: where `engine.send()` puts messages while no session is ready, bounded by
 * count, bytes and age. Off unless given (then such a send rejects at once).
 */
export interface OutboxOptions {
  /** Messages waiting at most; one more is rejected with `ERR_OUTBOX_FULL`. Default `1_000`. */
  maxMessages?: number;
  /** Bytes waiting at most (a string counts its length); over it, `ERR_OUTBOX_FULL`. Default `1_048_576`. */
  maxBytes?: number;
  /** A message older than this is rejected with `ERR_SEND_EXPIRED` instead of sent. Default `30_000` ms. */
  ttlMs?: number;
}

/** How `engine.request()` matches replies. Off unless given (then `request()` throws). */
export interface RequestsOptions {
  /**
   * The id of a message, or `undefined` for one that answers no request. A message whose id
   * matches a pending request goes to that request only, not to `onMessage`. Required.
   */
  idOf(message: Message): string | undefined;
  /** Default timeout of `request()`, in ms. Default `10_000`. */
  timeoutMs?: number;
}

/**
 * An application-level heartbeat, for adapters that cannot ping (the WHATWG `WebSocket`):
 * the engine sends `message` where it would ping, and a message `isReply` recognises counts
 * as the pong. Replies are not delivered to `onMessage`.
 */
export interface HeartbeatOptions {
  /**
   * What to send: a string (text), a `Uint8Array` (binary), or a function returning one.
   * A function that throws sends nothing that time and is reported to `onReadError` as a
   * `CallbackError` (`callback: 'keepalive.heartbeat.message'`); one that always throws
   * leaves the connection unchecked, so those reports are the only sign.
   */
  message: string | Uint8Array | (() => string | Uint8Array);
  /** Whether `message` is the server's answer to a heartbeat. A throw counts as `false`. */
  isReply(message: Message): boolean;
}

/** Keepalive: ping the server and drop a connection that stays silent. Off unless given. */
export interface KeepaliveOptions {
  /** Time between pings when nothing arrived, > 0. Required. */
  intervalMs: number;
  /** How long to wait for a pong (or any message) before declaring the connection dead, > 0. Required. */
  timeoutMs: number;
  /**
   * Used instead of pings when the adapter cannot ping (the WHATWG adapter). Keepalive over
   * such an adapter without it is an `InvalidOptionsError` at `start()`.
   */
  heartbeat?: HeartbeatOptions;
}

/** Options of `new WebSocketEngine(options)`. */
export interface WebSocketEngineOptions {
  /** Where to connect; the function form is called at every (re)connect. Required. */
  url: EngineUrl;
  /** The adapter (one connection at a time) the engine drives. Required. */
  adapter: WebSocketConnectionAdapter;
  /** The callbacks. Required (`onMessage` at least). */
  client: WebSocketClient;
  /** `onMessage` calls in flight at most (one reader fills these slots), an integer >= 1. Default `4`. */
  readers?: number;
  /** Reconnect after a peer close, a drop or a keepalive timeout. Default `true`. */
  autoReconnect?: boolean;
  /** Backoff and reconnect policy. Defaults: see {@link ReconnectOptions}. */
  reconnect?: ReconnectOptions;
  /**
   * Failed first-start attempts to retry (with the reconnect backoff) before `start()`
   * rejects. Default `0`: the first start does not retry.
   */
  startRetries?: number;
  /** Bound on URL resolution + dial + `onOpen`, per attempt, in ms up to 2^31-1; `0` disables. Default `10_000` ms. */
  openTimeoutMs?: number;
  /** Bound on `stop()`, in ms up to 2^31-1; `0` disables. Default `10_000` ms. */
  stopTimeoutMs?: number;
  /** Ping/pong keepalive. Default: off. */
  keepalive?: KeepaliveOptions;
  /** Sends while no session is ready wait here, bounded. Default: off. */
  outbox?: OutboxOptions;
  /** Request/reply matching for `engine.request()`. Default: off. */
  requests?: RequestsOptions;
  /**
   * Tracing and metrics, opt-in: `telemetry: openTelemetry({ tracerProvider })` from
   * `wscengine/otel`. Default: none (the engine loads and calls nothing of it).
   */
  telemetry?: EngineTelemetry;
  /** Timers and wall time. Default: the real ones (`Date.now`, `setTimeout`); inject a `FakeClock` in tests. */
  clock?: Clock;
}

/** The engine's defaults; each one is documented on its option. */
export const ENGINE_DEFAULTS = Object.freeze({
  readers: 4,
  autoReconnect: true,
  startRetries: 0,
  openTimeoutMs: 10_000,
  stopTimeoutMs: 10_000,
  outbox: Object.freeze({ maxMessages: 1_000, maxBytes: 1_048_576, ttlMs: 30_000 }),
  requests: Object.freeze({ timeoutMs: 10_000 }),
  reconnect: Object.freeze({
    initialDelayMs: 1_000,
    maxDelayMs: 30_000,
    multiplier: 2,
    jitter: 1,
    maxRetries: Infinity,
    minUptimeMs: 1_000,
  }),
});

/** `reconnect` after defaults and validation. @internal */
export type ResolvedReconnect = Required<Omit<ReconnectOptions, 'shouldReconnect'>> &
  Pick<ReconnectOptions, 'shouldReconnect'>;

/** The options after defaults and validation: the one object an engine reads them from. @internal */
export interface ResolvedOptions {
  readonly url: EngineUrl;
  readonly adapter: WebSocketConnectionAdapter;
  readonly client: WebSocketClient;
  readonly readers: number;
  readonly autoReconnect: boolean;
  readonly startRetries: number;
  readonly openTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly reconnect: ResolvedReconnect;
  /** `keepalive.intervalMs`; `0` when keepalive is off. Flat, not a copied group: one per engine. */
  readonly keepaliveIntervalMs: number;
  /** `keepalive.timeoutMs` (meaningful with `keepaliveIntervalMs`). */
  readonly keepaliveTimeoutMs: number;
  /** `keepalive.heartbeat`, if given. */
  readonly heartbeat: HeartbeatOptions | undefined;
  readonly outbox: Readonly<Required<OutboxOptions>> | undefined;
  readonly requests: Readonly<Required<RequestsOptions>> | undefined;
  readonly clock: Clock;
  readonly telemetry: EngineTelemetry | undefined;
}

/** Options of `engine.request()`. */
export interface RequestCallOptions extends CallOptions {
  /** The id its reply carries (what `requests.idOf` returns for the reply). Required. */
  id: string;
  /** How long to wait for the reply, in ms. Default: `requests.timeoutMs`. */
  timeoutMs?: number;
}
