import { InvalidOptionsError } from '../core/errors.js';
import { closestName, unknownKeyIssues } from '../core/option-keys.js';
import { checkWebSocketUrl, describeValue } from '../core/validation.js';
import { realClock } from './clock.js';
import {
  CALLBACKS,
  check,
  checkCount,
  checkMs,
  checkTimer,
  HEARTBEAT_KEYS,
  type Issues,
  isInt,
  isMs,
  KEEPALIVE_KEYS,
  OUTBOX_KEYS,
  RECONNECT_KEYS,
  REQUESTS_KEYS,
  show,
  TOP_KEYS,
} from './option-checks.js';
import {
  ENGINE_DEFAULTS,
  type HeartbeatOptions,
  type KeepaliveOptions,
  type OutboxOptions,
  type ReconnectOptions,
  type RequestsOptions,
  type ResolvedOptions,
  type ResolvedReconnect,
  type WebSocketEngineOptions,
} from './options.js';
import type { Clock, WebSocketClient } from './types.js';

/**
 * Applies {@link ENGINE_DEFAULTS} and validates every option.
 * @throws InvalidOptionsError listing every problem found, not only the first.
 * @internal
 */
export function resolveOptions(options: WebSocketEngineOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionsError(['options: expected an object'], 'WebSocketEngine options');
  }
  const issues: Issues = unknownKeyIssues(options, TOP_KEYS, '');
  const d = ENGINE_DEFAULTS;
  checkRequired(options, issues);
  const readers = options.readers ?? d.readers;
  check(issues, isInt(readers) && readers >= 1, `readers: expected an integer >= 1, got ${show(readers)}`);
  const autoReconnect = options.autoReconnect ?? d.autoReconnect;
  check(
    issues,
    typeof autoReconnect === 'boolean',
    `autoReconnect: expected a boolean, got ${show(autoReconnect)}`,
  );
  const startRetries = options.startRetries ?? d.startRetries;
  checkCount(issues, 'startRetries', startRetries);
  const openTimeoutMs = options.openTimeoutMs ?? d.openTimeoutMs;
  checkTimer(issues, 'openTimeoutMs', openTimeoutMs, 0, '(0 disables)');
  const stopTimeoutMs = options.stopTimeoutMs ?? d.stopTimeoutMs;
  checkTimer(issues, 'stopTimeoutMs', stopTimeoutMs, 0, '(0 disables)');
  const reconnect = resolveReconnect(options.reconnect, issues);
  const keepalive = resolveKeepalive(options.keepalive, issues);
  const outbox = resolveOutbox(options.outbox, issues);
  const requests = resolveRequests(options.requests, issues);
  const clock = options.clock ?? realClock;
  checkClock(clock, issues);
  const telemetry = options.telemetry;
  if (telemetry !== undefined) {
    const ok = ['instrument', 'span', 'detached', 'reconnect'].every(
      (m) => typeof (telemetry as unknown as Record<string, unknown>)?.[m] === 'function',
    );
    check(issues, ok, "telemetry: expected the result of openTelemetry() from 'wscengine/otel'");
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues, 'WebSocketEngine options');
  return Object.freeze({
    url: options.url,
    adapter: options.adapter,
    client: options.client,
    readers,
    autoReconnect,
    startRetries,
    openTimeoutMs,
    stopTimeoutMs,
    reconnect,
    keepaliveIntervalMs: keepalive?.intervalMs ?? 0,
    keepaliveTimeoutMs: keepalive?.timeoutMs ?? 0,
    heartbeat: keepalive?.heartbeat,
    outbox,
    requests,
    clock,
    telemetry,
  });
}

function checkRequired(options: WebSocketEngineOptions, issues: Issues): void {
  const { url, adapter, client } = options;
  if (typeof url === 'string' || url instanceof URL) {
    const checked = checkWebSocketUrl(url);
    if (typeof checked === 'string') issues.push(`url: ${checked}`);
  } else if (typeof url !== 'function') {
    issues.push(`url: expected a string, a URL or a function returning one, got ${show(url)}`);
  }
  const methods = ['dial', 'close', 'ping', 'read', 'write', 'getUnderlyingConnection'] as const;
  const adapterOk =
    adapter !== null &&
    typeof adapter === 'object' &&
    methods.every((m) => typeof (adapter as unknown as Record<string, unknown>)[m] === 'function');
  check(issues, adapterOk, `adapter: expected a WebSocketConnectionAdapter (${methods.join(', ')})`);
  checkClient(client, issues);
}

function checkClient(client: WebSocketClient, issues: Issues): void {
  if (client === null || typeof client !== 'object') {
    issues.push('client: expected an object of callbacks (onMessage, or none and engine.messages())');
    return;
  }
  checkCallbackNames(client, issues);
  for (const name of CALLBACKS) {
    const fn = (client as unknown as Record<string, unknown>)[name];
    if (fn === undefined || typeof fn === 'function') continue;
    issues.push(`client.${name}: expected a function, got ${describeValue(fn)}`);
  }
}

/**
 * A misspelt callback (`onMesage`, `onclose`) would never be called: report methods named
 * like one. Only those: a client may be a class instance with fields and helpers of its own.
 */
function checkCallbackNames(client: object, issues: Issues): void {
  const seen = new Set<string>();
  for (let o: object | null = client; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (seen.has(key) || !/^on/i.test(key) || (CALLBACKS as readonly string[]).includes(key)) continue;
      seen.add(key);
      if (typeof Object.getOwnPropertyDescriptor(o, key)?.value !== 'function') continue;
      const close = closestName(key, CALLBACKS);
      if (close !== undefined)
        issues.push(`unknown callback \`client.${key}\`: did you mean \`client.${close}\`?`);
    }
  }
}

function resolveReconnect(input: ReconnectOptions | undefined, issues: Issues): ResolvedReconnect {
  const d = ENGINE_DEFAULTS.reconnect;
  if (input === undefined) return d;
  if (input === null || typeof input !== 'object') {
    issues.push('reconnect: expected an object');
    return d;
  }
  issues.push(...unknownKeyIssues(input, RECONNECT_KEYS, 'reconnect.'));
  const r: ResolvedReconnect = Object.freeze({
    initialDelayMs: input.initialDelayMs ?? d.initialDelayMs,
    maxDelayMs: input.maxDelayMs ?? d.maxDelayMs,
    multiplier: input.multiplier ?? d.multiplier,
    jitter: input.jitter ?? d.jitter,
    maxRetries: input.maxRetries ?? d.maxRetries,
    minUptimeMs: input.minUptimeMs ?? d.minUptimeMs,
    shouldReconnect: input.shouldReconnect,
  });
  // Backoff waits are cut into short timers (wall-time checks), so any finite delay works.
  checkMs(issues, 'reconnect.initialDelayMs', r.initialDelayMs);
  checkMs(issues, 'reconnect.maxDelayMs', r.maxDelayMs);
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
  checkCount(issues, 'reconnect.maxRetries', r.maxRetries);
  checkMs(issues, 'reconnect.minUptimeMs', r.minUptimeMs);
  const s = r.shouldReconnect;
  check(issues, s === undefined || typeof s === 'function', 'reconnect.shouldReconnect: expected a function');
  return r;
}

function resolveKeepalive(input: KeepaliveOptions | undefined, issues: Issues): KeepaliveOptions | undefined {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') {
    issues.push('keepalive: expected { intervalMs, timeoutMs, heartbeat? } or undefined (off)');
    return undefined;
  }
  issues.push(...unknownKeyIssues(input, KEEPALIVE_KEYS, 'keepalive.'));
  checkTimer(issues, 'keepalive.intervalMs', input.intervalMs, 1);
  checkTimer(issues, 'keepalive.timeoutMs', input.timeoutMs, 1);
  const heartbeat = resolveHeartbeat((input as { heartbeat?: unknown }).heartbeat, issues);
  return { intervalMs: input.intervalMs, timeoutMs: input.timeoutMs, heartbeat };
}

function resolveHeartbeat(input: unknown, issues: Issues): HeartbeatOptions | undefined {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') {
    issues.push(
      `keepalive.heartbeat: expected { message, isReply(message) } or undefined (pings), got ${describeValue(input)}`,
    );
    return undefined;
  }
  issues.push(...unknownKeyIssues(input, HEARTBEAT_KEYS, 'keepalive.heartbeat.'));
  const { message, isReply } = input as Partial<HeartbeatOptions>;
  const messageOk =
    typeof message === 'string' || message instanceof Uint8Array || typeof message === 'function';
  check(
    issues,
    messageOk,
    `keepalive.heartbeat.message: expected a string, a Uint8Array or a function returning one, got ${describeValue(message)}`,
  );
  check(
    issues,
    typeof isReply === 'function',
    `keepalive.heartbeat.isReply: expected a function (message) => boolean that recognises the reply, got ${describeValue(isReply)}`,
  );
  return messageOk && typeof isReply === 'function' ? Object.freeze({ message, isReply }) : undefined;
}

function resolveOutbox(input: OutboxOptions | undefined, issues: Issues): ResolvedOptions['outbox'] {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') {
    issues.push('outbox: expected { maxMessages?, maxBytes?, ttlMs? } or undefined (off)');
    return undefined;
  }
  issues.push(...unknownKeyIssues(input, OUTBOX_KEYS, 'outbox.'));
  const d = ENGINE_DEFAULTS.outbox;
  const outbox = Object.freeze({
    maxMessages: input.maxMessages ?? d.maxMessages,
    maxBytes: input.maxBytes ?? d.maxBytes,
    ttlMs: input.ttlMs ?? d.ttlMs,
  });
  checkCount(issues, 'outbox.maxMessages', outbox.maxMessages);
  checkCount(issues, 'outbox.maxBytes', outbox.maxBytes);
  checkTimer(issues, 'outbox.ttlMs', outbox.ttlMs, 1);
  return outbox;
}

function resolveRequests(input: RequestsOptions | undefined, issues: Issues): ResolvedOptions['requests'] {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') {
    issues.push('requests: expected { idOf(message) => string | undefined, timeoutMs? } or undefined (off)');
    return undefined;
  }
  issues.push(...unknownKeyIssues(input, REQUESTS_KEYS, 'requests.'));
  if (typeof input.idOf !== 'function') {
    issues.push(
      `requests.idOf: expected a function (message) => string | undefined, got ${describeValue(input.idOf)}`,
    );
    return undefined;
  }
  const requests = Object.freeze({
    idOf: input.idOf,
    timeoutMs: input.timeoutMs ?? ENGINE_DEFAULTS.requests.timeoutMs,
  });
  checkTimer(issues, 'requests.timeoutMs', requests.timeoutMs, 1);
  return requests;
}

function checkClock(clock: Clock, issues: Issues): void {
  const c = clock as Partial<Clock> | null;
  const ok =
    typeof c?.now === 'function' &&
    typeof c.setTimeout === 'function' &&
    typeof c.clearTimeout === 'function';
  check(issues, ok, 'clock: expected an object with now(), setTimeout() and clearTimeout()');
}

export { MAX_TIMER_MS } from './option-checks.js';
