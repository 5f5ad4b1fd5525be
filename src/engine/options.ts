import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { InvalidOptionsError } from '../core/errors.js';
import { DISABLED_TELEMETRY } from '../otel/telemetry.js';
import type { EngineTelemetry } from '../otel/types.js';
import { realClock } from './clock.js';
import type { ReadMode } from './dispatch.js';
import type { Clock, CloseMessage, WebSocketClient } from './types.js';

/** Where to connect: a URL, or a function called at every (re)connect (e.g. to put a fresh token in it). */
export type EngineUrl = string | URL | (() => string | URL | Promise<string | URL>);

/** What {@link ReconnectOptions.shouldReconnect} is told before a reconnect attempt. */
export interface ReconnectContext {
  /** How the session ended, when the peer closed or the connection dropped (1006 for a keepalive timeout). */
  closeMessage?: CloseMessage;
  /** Why the previous attempt failed (e.g. a `HandshakeError` with `status` 401), if one did. */
  error?: unknown;
  /** Number of the attempt about to be made in this reconnect cycle, starting at 1. */
  attempt: number;
}

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
   * Decides whether to make the next attempt (e.g. stop on a 401 handshake or a 4401 close).
   * Not asked before the first attempt after `restart()`, which always reconnects. A throw
   * counts as `false`. Default: always reconnect, bounded by `maxRetries`.
   */
  shouldReconnect?(context: ReconnectContext): boolean | Promise<boolean>;
}

/** Keepalive: ping the server and drop a connection that stays silent. Off unless given. */
export interface KeepaliveOptions {
  /** Time between pings when nothing arrived, > 0. Required. */
  intervalMs: number;
  /** How long to wait for a pong (or any message) before declaring the connection dead, > 0. Required. */
  timeoutMs: number;
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
  /** Bound on URL resolution + dial + `onOpen`, per attempt; `0` disables. Default `300_000` ms. */
  openTimeoutMs?: number;
  /** Bound on `stop()`; `0` disables. Default `300_000` ms. */
  stopTimeoutMs?: number;
  /** Ping/pong keepalive. Default: off. */
  keepalive?: KeepaliveOptions;
  /** OpenTelemetry tracer provider. Default: the global one. */
  tracerProvider?: TracerProvider;
  /** OpenTelemetry meter provider. Default: the global one. */
  meterProvider?: MeterProvider;
  /** Timers and wall time. Default: the real ones (`Date.now`, `setTimeout`); inject a `FakeClock` in tests. */
  clock?: Clock;
}

/** The engine's defaults; each one is documented on its option. */
export const ENGINE_DEFAULTS = Object.freeze({
  readers: 4,
  autoReconnect: true,
  startRetries: 0,
  openTimeoutMs: 300_000,
  stopTimeoutMs: 300_000,
  reconnect: Object.freeze({
    initialDelayMs: 1_000,
    maxDelayMs: 30_000,
    multiplier: 2,
    jitter: 1,
    maxRetries: Number.POSITIVE_INFINITY,
    minUptimeMs: 1_000,
  }),
});

/** `reconnect` after defaults and validation. @internal */
export type ResolvedReconnect = Required<Omit<ReconnectOptions, 'shouldReconnect'>> &
  Pick<ReconnectOptions, 'shouldReconnect'>;

/** Options after defaults and validation. @internal */
export interface ResolvedEngineOptions {
  url: EngineUrl;
  adapter: WebSocketConnectionAdapter;
  client: WebSocketClient;
  readers: number;
  autoReconnect: boolean;
  startRetries: number;
  openTimeoutMs: number;
  stopTimeoutMs: number;
  reconnect: ResolvedReconnect;
  keepalive: KeepaliveOptions | undefined;
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  clock: Clock | undefined;
}

/**
 * What an engine reads from its options besides `url`, `adapter` and `client`, with the
 * clock and telemetry it resolved and how it reads its adapter. Frozen, and one object for
 * every engine whose settings are the same (see {@link engineSettings}).
 * @internal
 */
export interface EngineSettings {
  readonly readers: number;
  readonly autoReconnect: boolean;
  readonly startRetries: number;
  readonly openTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly reconnect: ResolvedReconnect;
  readonly keepalive: KeepaliveOptions | undefined;
  readonly clock: Clock;
  readonly telemetry: EngineTelemetry;
  readonly readMode: ReadMode;
}

/** Settings shared by engines, by value; bounded, as options may come from anywhere. */
const sharedSettings = new Map<string, EngineSettings>();
const MAX_SHARED_SETTINGS = 64;

/**
 * The settings of an engine. A process with thousands of engines usually builds them all
 * alike, so engines with equal settings get the same frozen object: an engine holds one
 * reference instead of a dozen fields (and an idle connection's memory is mostly fields).
 * Only plain values are compared; a custom clock, live telemetry or a `shouldReconnect`
 * function makes the engine's settings its own.
 * @internal
 */
export function engineSettings(
  resolved: ResolvedEngineOptions,
  clock: Clock,
  telemetry: EngineTelemetry,
  readMode: ReadMode,
): EngineSettings {
  const {
    readers,
    autoReconnect,
    startRetries,
    openTimeoutMs,
    stopTimeoutMs,
    reconnect: r,
    keepalive: k,
  } = resolved;
  const settings: EngineSettings = Object.freeze({
    readers,
    autoReconnect,
    startRetries,
    openTimeoutMs,
    stopTimeoutMs,
    reconnect: Object.isFrozen(r) ? r : Object.freeze({ ...r }),
    keepalive: k && Object.freeze({ intervalMs: k.intervalMs, timeoutMs: k.timeoutMs }),
    clock,
    telemetry,
    readMode,
  });
  if (clock !== realClock || telemetry !== DISABLED_TELEMETRY || r.shouldReconnect !== undefined) {
    return settings;
  }
  const key = [
    readers,
    autoReconnect,
    startRetries,
    openTimeoutMs,
    stopTimeoutMs,
    r.initialDelayMs,
    r.maxDelayMs,
    r.multiplier,
    r.jitter,
    r.maxRetries,
    r.minUptimeMs,
    k?.intervalMs,
    k?.timeoutMs,
    readMode,
  ].join();
  const shared = sharedSettings.get(key);
  if (shared !== undefined) return shared;
  if (sharedSettings.size < MAX_SHARED_SETTINGS) sharedSettings.set(key, settings);
  return settings;
}

type Issues = string[];

/**
 * Applies {@link ENGINE_DEFAULTS} and validates every option.
 * @throws InvalidOptionsError listing every problem found, not only the first.
 */
export function resolveEngineOptions(options: WebSocketEngineOptions): ResolvedEngineOptions {
  const issues: Issues = [];
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionsError(['options: expected an object'], 'WebSocketEngine options');
  }
  checkRequired(options, issues);
  const d = ENGINE_DEFAULTS;
  const readers = options.readers ?? d.readers;
  check(issues, isInt(readers) && readers >= 1, `readers: expected an integer >= 1, got ${show(readers)}`);
  const autoReconnect = options.autoReconnect ?? d.autoReconnect;
  check(
    issues,
    typeof autoReconnect === 'boolean',
    `autoReconnect: expected a boolean, got ${show(autoReconnect)}`,
  );
  const startRetries = options.startRetries ?? d.startRetries;
  check(
    issues,
    isCount(startRetries),
    `startRetries: expected an integer >= 0 or Infinity, got ${show(startRetries)}`,
  );
  const openTimeoutMs = options.openTimeoutMs ?? d.openTimeoutMs;
  checkMs(issues, 'openTimeoutMs', openTimeoutMs, '>= 0 (0 disables)');
  const stopTimeoutMs = options.stopTimeoutMs ?? d.stopTimeoutMs;
  checkMs(issues, 'stopTimeoutMs', stopTimeoutMs, '>= 0 (0 disables)');
  const reconnect = resolveReconnect(options.reconnect, issues);
  const keepalive = resolveKeepalive(options.keepalive, issues);
  if (options.clock !== undefined) {
    const c = options.clock as Partial<Clock>;
    const ok =
      typeof c?.now === 'function' &&
      typeof c.setTimeout === 'function' &&
      typeof c.clearTimeout === 'function';
    check(issues, ok, 'clock: expected an object with now(), setTimeout() and clearTimeout()');
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues, 'WebSocketEngine options');
  return {
    url: options.url,
    adapter: options.adapter,
    client: options.client,
    readers,
    autoReconnect,
    startRetries,
    openTimeoutMs,
    stopTimeoutMs,
    reconnect,
    keepalive,
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
    clock: options.clock,
  };
}

function checkRequired(options: WebSocketEngineOptions, issues: Issues): void {
  const { url, adapter, client } = options;
  const urlOk = typeof url === 'string' || url instanceof URL || typeof url === 'function';
  check(issues, urlOk, `url: expected a string, a URL or a function returning one, got ${show(url)}`);
  const methods = ['dial', 'close', 'ping', 'read', 'write', 'getUnderlyingConnection'] as const;
  const adapterOk =
    adapter !== null &&
    typeof adapter === 'object' &&
    methods.every((m) => typeof (adapter as unknown as Record<string, unknown>)[m] === 'function');
  check(issues, adapterOk, `adapter: expected a WebSocketConnectionAdapter (${methods.join(', ')})`);
  const clientOk = client !== null && typeof client === 'object' && typeof client.onMessage === 'function';
  check(issues, clientOk, 'client: expected an object with an onMessage() callback');
  if (clientOk) {
    for (const name of ['onOpen', 'onReadError', 'onClose', 'onCloseError', 'onRestartError'] as const) {
      const fn = client[name];
      check(issues, fn === undefined || typeof fn === 'function', `client.${name}: expected a function`);
    }
  }
}

function resolveReconnect(
  input: ReconnectOptions | undefined,
  issues: Issues,
): ResolvedEngineOptions['reconnect'] {
  const d = ENGINE_DEFAULTS.reconnect;
  if (input !== undefined && (input === null || typeof input !== 'object')) {
    issues.push('reconnect: expected an object');
    return { ...d };
  }
  // Most engines take the defaults: one frozen object shared by all of them.
  if (input === undefined) return d;
  const given = stripUndefined(input);
  // Built field by field (not spread), so it has fast in-object properties.
  const r = {
    initialDelayMs: given.initialDelayMs ?? d.initialDelayMs,
    maxDelayMs: given.maxDelayMs ?? d.maxDelayMs,
    multiplier: given.multiplier ?? d.multiplier,
    jitter: given.jitter ?? d.jitter,
    maxRetries: given.maxRetries ?? d.maxRetries,
    minUptimeMs: given.minUptimeMs ?? d.minUptimeMs,
    shouldReconnect: given.shouldReconnect,
  };
  checkMs(issues, 'reconnect.initialDelayMs', r.initialDelayMs, '>= 0');
  checkMs(issues, 'reconnect.maxDelayMs', r.maxDelayMs, '>= 0');
  if (isMs(r.initialDelayMs) && isMs(r.maxDelayMs) && r.maxDelayMs < r.initialDelayMs) {
    issues.push(
      `reconnect.maxDelayMs: expected >= reconnect.initialDelayMs (${r.initialDelayMs}), got ${r.maxDelayMs}`,
    );
  }
  const m = r.multiplier;
  check(
    issues,
    typeof m === 'number' && Number.isFinite(m) && m >= 1,
    `reconnect.multiplier: expected a number >= 1, got ${show(m)}`,
  );
  const j = r.jitter;
  check(
    issues,
    typeof j === 'number' && j >= 0 && j <= 1,
    `reconnect.jitter: expected a number in 0..1, got ${show(j)}`,
  );
  check(
    issues,
    isCount(r.maxRetries),
    `reconnect.maxRetries: expected an integer >= 0 or Infinity, got ${show(r.maxRetries)}`,
  );
  checkMs(issues, 'reconnect.minUptimeMs', r.minUptimeMs, '>= 0');
  const s = r.shouldReconnect;
  check(issues, s === undefined || typeof s === 'function', 'reconnect.shouldReconnect: expected a function');
  return r;
}

function resolveKeepalive(input: KeepaliveOptions | undefined, issues: Issues): KeepaliveOptions | undefined {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') {
    issues.push('keepalive: expected { intervalMs, timeoutMs } or undefined (off)');
    return undefined;
  }
  check(
    issues,
    isMs(input.intervalMs) && input.intervalMs > 0,
    `keepalive.intervalMs: expected a number of ms > 0, got ${show(input.intervalMs)}`,
  );
  check(
    issues,
    isMs(input.timeoutMs) && input.timeoutMs > 0,
    `keepalive.timeoutMs: expected a number of ms > 0, got ${show(input.timeoutMs)}`,
  );
  return { intervalMs: input.intervalMs, timeoutMs: input.timeoutMs };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function check(issues: Issues, ok: boolean, issue: string): void {
  if (!ok) issues.push(issue);
}

function checkMs(issues: Issues, name: string, value: unknown, expected: string): void {
  check(issues, isMs(value), `${name}: expected a number of ms ${expected}, got ${show(value)}`);
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isCount(value: unknown): value is number {
  return value === Number.POSITIVE_INFINITY || (isInt(value) && value >= 0);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value instanceof URL) return 'a URL';
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
