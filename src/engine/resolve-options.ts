import { InvalidOptionsError } from '../core/errors.js';
import { realClock } from './clock.js';
import {
  ENGINE_DEFAULTS,
  type KeepaliveOptions,
  type ReconnectOptions,
  type ResolvedOptions,
  type ResolvedReconnect,
  type WebSocketEngineOptions,
} from './options.js';
import type { Clock } from './types.js';

/** The longest delay a runtime timer takes: Node and browsers fire a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

type Issues = string[];

/**
 * Applies {@link ENGINE_DEFAULTS} and validates every option.
 * @throws InvalidOptionsError listing every problem found, not only the first.
 * @internal
 */
export function resolveOptions(options: WebSocketEngineOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionsError(['options: expected an object'], 'WebSocketEngine options');
  }
  const issues: Issues = [];
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
    keepalive,
    clock,
    telemetry,
  });
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
  if (!clientOk) return;
  for (const name of ['onOpen', 'onReadError', 'onClose', 'onCloseError', 'onRestartError'] as const) {
    const fn = client[name];
    check(issues, fn === undefined || typeof fn === 'function', `client.${name}: expected a function`);
  }
}

function resolveReconnect(input: ReconnectOptions | undefined, issues: Issues): ResolvedReconnect {
  const d = ENGINE_DEFAULTS.reconnect;
  if (input === undefined) return d;
  if (input === null || typeof input !== 'object') {
    issues.push('reconnect: expected an object');
    return d;
  }
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
    issues.push('keepalive: expected { intervalMs, timeoutMs } or undefined (off)');
    return undefined;
  }
  checkTimer(issues, 'keepalive.intervalMs', input.intervalMs, 1);
  checkTimer(issues, 'keepalive.timeoutMs', input.timeoutMs, 1);
  return Object.freeze({ intervalMs: input.intervalMs, timeoutMs: input.timeoutMs });
}

function checkClock(clock: Clock, issues: Issues): void {
  const c = clock as Partial<Clock> | null;
  const ok =
    typeof c?.now === 'function' &&
    typeof c.setTimeout === 'function' &&
    typeof c.clearTimeout === 'function';
  check(issues, ok, 'clock: expected an object with now(), setTimeout() and clearTimeout()');
}

function check(issues: Issues, ok: boolean, issue: string): void {
  if (!ok) issues.push(issue);
}

function checkMs(issues: Issues, name: string, value: unknown): void {
  check(issues, isMs(value), `${name}: expected a number of ms >= 0, got ${show(value)}`);
}

/** A delay that one runtime timer holds: `min` to 2^31-1 ms. */
function checkTimer(issues: Issues, name: string, value: unknown, min: number, note = ''): void {
  const ok = isMs(value) && value >= min && value <= MAX_TIMER_MS;
  const suffix = note ? ` ${note}` : '';
  check(
    issues,
    ok,
    `${name}: expected a number of ms from ${min} to ${MAX_TIMER_MS}${suffix}, got ${show(value)}`,
  );
}

function checkCount(issues: Issues, name: string, value: unknown): void {
  const ok = value === Number.POSITIVE_INFINITY || (isInt(value) && value >= 0);
  check(issues, ok, `${name}: expected an integer >= 0 or Infinity, got ${show(value)}`);
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
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
