import type {
  KeepaliveOptions,
  OutboxOptions,
  ReconnectOptions,
  RequestsOptions,
  WebSocketEngineOptions,
} from './options.js';
import type { WebSocketClient } from './types.js';

/** The longest delay a runtime timer takes: Node and browsers fire a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The problems found so far, one line each. @internal */
export type Issues = string[];

// Records over each options type, so a key added to a type and not here fails to compile.
export const TOP_KEYS = keys<WebSocketEngineOptions>({
  url: 1,
  adapter: 1,
  client: 1,
  readers: 1,
  autoReconnect: 1,
  reconnect: 1,
  startRetries: 1,
  openTimeoutMs: 1,
  stopTimeoutMs: 1,
  keepalive: 1,
  outbox: 1,
  requests: 1,
  telemetry: 1,
  clock: 1,
});
export const RECONNECT_KEYS = keys<ReconnectOptions>({
  initialDelayMs: 1,
  maxDelayMs: 1,
  multiplier: 1,
  jitter: 1,
  maxRetries: 1,
  minUptimeMs: 1,
  shouldReconnect: 1,
});
export const KEEPALIVE_KEYS = keys<KeepaliveOptions>({
  intervalMs: 1,
  timeoutMs: 1,
  heartbeat: 1,
});
export const HEARTBEAT_KEYS = ['message', 'isReply'] as const;
export const OUTBOX_KEYS = keys<OutboxOptions>({ maxMessages: 1, maxBytes: 1, ttlMs: 1 });
export const REQUESTS_KEYS = keys<RequestsOptions>({ idOf: 1, timeoutMs: 1 });
export const CALLBACKS = keys<WebSocketClient>({
  onOpen: 1,
  onMessage: 1,
  onReadError: 1,
  onClose: 1,
  onCloseError: 1,
  onRestartError: 1,
  onExit: 1,
});

export function check(issues: Issues, ok: boolean, issue: string): void {
  if (!ok) issues.push(issue);
}

export function checkMs(issues: Issues, name: string, value: unknown): void {
  check(issues, isMs(value), `${name}: expected a number of ms >= 0, got ${show(value)}`);
}

/** A delay that one runtime timer holds: `min` to 2^31-1 ms. */
export function checkTimer(issues: Issues, name: string, value: unknown, min: number, note = ''): void {
  const ok = isMs(value) && value >= min && value <= MAX_TIMER_MS;
  const suffix = note ? ` ${note}` : '';
  check(
    issues,
    ok,
    `${name}: expected a number of ms from ${min} to ${MAX_TIMER_MS}${suffix}, got ${show(value)}`,
  );
}

export function checkCount(issues: Issues, name: string, value: unknown): void {
  const ok = value === Number.POSITIVE_INFINITY || (isInt(value) && value >= 0);
  check(issues, ok, `${name}: expected an integer >= 0 or Infinity, got ${show(value)}`);
}

export function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value instanceof URL) return 'a URL';
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** The keys of `T`, from a record that must name every one of them. */
function keys<T>(record: Record<keyof T, 1>): readonly string[] {
  return Object.freeze(Object.keys(record));
}
