import {
  group,
  integer,
  is,
  isFunction,
  methods,
  optional,
  type Rules,
  range,
  resolveAll,
  timer,
} from '../core/option-rules.js';
import { realClock } from './clock.js';
import { callback, checkClient, checkUrl, count, orderedDelays } from './option-checks.js';
import {
  ENGINE_DEFAULTS,
  type HeartbeatOptions,
  type KeepaliveOptions,
  type OutboxOptions,
  type ReconnectOptions,
  type RequestsOptions,
  type ResolvedOptions,
  type WebSocketEngineOptions,
} from './options.js';

const ADAPTER_METHODS = ['dial', 'close', 'ping', 'read', 'write', 'getUnderlyingConnection'];

// Backoff waits are cut into short timers (wall-time checks), so any finite delay works.
const delay = range(0, undefined, 'a number of ms');

const RECONNECT: Rules<ReconnectOptions> = {
  initialDelayMs: delay,
  maxDelayMs: delay,
  multiplier: range(1),
  jitter: range(0, 1),
  maxRetries: count,
  minUptimeMs: delay,
  shouldReconnect: callback,
};

const HEARTBEAT: Rules<HeartbeatOptions> = {
  message: is(
    'a string, a Uint8Array or a function returning one',
    (v) => typeof v === 'string' || v instanceof Uint8Array || isFunction(v),
  ),
  isReply: is('a function (message) => boolean that recognises the reply', isFunction),
};

const KEEPALIVE: Rules<KeepaliveOptions> = {
  intervalMs: timer(1),
  timeoutMs: timer(1),
  heartbeat: optional(group(HEARTBEAT)),
};

const OUTBOX: Rules<OutboxOptions> = { maxMessages: count, maxBytes: count, ttlMs: timer(1) };

const REQUESTS: Rules<RequestsOptions> = {
  idOf: is('a function (message) => string | undefined', isFunction),
  timeoutMs: timer(1),
};

// In the order of WebSocketEngineOptions, which is the order issues come in.
const OPTIONS: Rules<WebSocketEngineOptions> = {
  url: checkUrl,
  adapter: methods(`a WebSocketConnectionAdapter (${ADAPTER_METHODS.join(', ')})`, ADAPTER_METHODS),
  client: checkClient,
  readers: integer(1),
  autoReconnect: is('a boolean', (v) => typeof v === 'boolean'),
  reconnect: orderedDelays(group(RECONNECT, ENGINE_DEFAULTS.reconnect)),
  startRetries: count,
  openTimeoutMs: timer(0, ' (0 disables)'),
  stopTimeoutMs: timer(0, ' (0 disables)'),
  keepalive: optional(group(KEEPALIVE)),
  outbox: optional(group(OUTBOX, ENGINE_DEFAULTS.outbox)),
  requests: optional(group(REQUESTS, ENGINE_DEFAULTS.requests)),
  telemetry: optional(
    methods("the result of openTelemetry() from 'wscengine/otel'", [
      'instrument',
      'span',
      'detached',
      'reconnect',
    ]),
  ),
  clock: methods('a clock with now(), setTimeout() and clearTimeout()', [
    'now',
    'setTimeout',
    'clearTimeout',
  ]),
};

// Outbox and requests are off unless given: ENGINE_DEFAULTS holds the defaults of their fields.
const DEFAULTS: Partial<WebSocketEngineOptions> = {
  ...ENGINE_DEFAULTS,
  outbox: undefined,
  requests: undefined,
  clock: realClock,
};

/**
 * Applies {@link ENGINE_DEFAULTS} and validates every option.
 * @throws InvalidOptionsError listing every problem found, not only the first.
 * @internal
 */
export function resolveOptions(options: WebSocketEngineOptions): ResolvedOptions {
  const o = resolveAll(options, OPTIONS, DEFAULTS, 'WebSocketEngine options');
  // Spelled out, not spread: an object literal gets one shape shared by every engine, where
  // a spread of the checked copy made a shape per engine (the memory target in bench/README.md).
  return Object.freeze({
    url: o.url,
    adapter: o.adapter,
    client: o.client,
    readers: o.readers as number,
    autoReconnect: o.autoReconnect as boolean,
    startRetries: o.startRetries as number,
    openTimeoutMs: o.openTimeoutMs as number,
    stopTimeoutMs: o.stopTimeoutMs as number,
    reconnect: o.reconnect as ResolvedOptions['reconnect'],
    keepaliveIntervalMs: o.keepalive?.intervalMs ?? 0,
    keepaliveTimeoutMs: o.keepalive?.timeoutMs ?? 0,
    heartbeat: o.keepalive?.heartbeat,
    outbox: o.outbox as ResolvedOptions['outbox'],
    requests: o.requests as ResolvedOptions['requests'],
    clock: o.clock as ResolvedOptions['clock'],
    telemetry: o.telemetry,
  });
}

export { MAX_TIMER_MS } from '../core/option-rules.js';
