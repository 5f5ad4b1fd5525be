import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { ClientOptions } from 'ws';
import { InvalidOptionsError } from '../../core/errors.js';
import { INBOUND_QUEUE_DEFAULTS, type InboundQueueLimits } from '../../core/inbound-queue.js';
import { closestName, unknownKeyIssues } from '../../core/option-keys.js';
import { WS_KNOWN_KEYS } from './known-keys.js';

/**
 * Options of {@link WsAdapter}: `ws`'s own client options (TLS `ca`/`cert`/`key`/
 * `passphrase`/`rejectUnauthorized`/`servername`, `agent`, `maxPayload`,
 * `perMessageDeflate`, `handshakeTimeout`, `origin`, `followRedirects`, ...) passed through
 * unchanged, plus the handshake's subprotocols and headers and this adapter's own bounds.
 *
 * @example
 * ```ts
 * const adapter = new WsAdapter({
 *   protocols: ['v2.chat'],
 *   headers: { authorization: `Bearer ${token}` },
 *   handshakeTimeout: 10_000,
 *   maxPayload: 1024 * 1024,
 *   inboundQueue: { maxMessages: 256 },
 * });
 * ```
 */
export interface WsAdapterOptions extends Omit<ClientOptions, 'headers' | 'protocol'> {
  /** Subprotocols offered in the handshake, most preferred first. Default: none. */
  protocols?: string | readonly string[];
  /** Extra request headers sent with the handshake (e.g. `authorization`). Default: none. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Bound of the inbound queue (messages received and not yet read). Once it is full the
   * socket stops being read, so TCP back-pressure reaches the server; reading resumes once
   * it has drained to half. Default: 1024 messages, 16 MiB ({@link INBOUND_QUEUE_DEFAULTS}).
   */
  inboundQueue?: InboundQueueLimits;
  /**
   * How long `close()` (and a close started by the server) waits for the close handshake
   * to finish before the socket is destroyed. `0` destroys it right after the close frame
   * is queued. A connection failed on a bad frame does not wait: its socket is destroyed
   * once the close frame is sent. Default 5000 ms.
   */
  closeTimeoutMs?: number;
}

/** Defaults of {@link WsAdapterOptions}; every other `ws` option keeps `ws`'s own default. */
export const WS_ADAPTER_DEFAULTS = Object.freeze({
  protocols: Object.freeze([]) as readonly string[],
  headers: Object.freeze({}) as Readonly<Record<string, string>>,
  inboundQueue: Object.freeze({ ...INBOUND_QUEUE_DEFAULTS }),
  closeTimeoutMs: 5000,
});

/**
 * {@link WsAdapterOptions} after defaults and checks. Read-only: the parts the user did not
 * set are shared by every adapter (and all of it when no option is set at all).
 */
export interface ResolvedWsOptions {
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly inboundQueue: Readonly<Required<InboundQueueLimits>>;
  readonly closeTimeoutMs: number;
  /** What is handed to `ws` besides protocols and headers. */
  readonly client: Readonly<ClientOptions>;
}

// RFC 6455 4.1: a subprotocol is an HTTP token (RFC 7230 tchar); ws throws on anything else.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Node's timers cap delays at 2^31-1 ms and turn anything larger into 1 ms.
const MAX_DELAY_MS = 2 ** 31 - 1;

const INBOUND_QUEUE_KEYS: readonly string[] = Object.freeze(['maxMessages', 'maxBytes']);

const NO_CLIENT_OPTIONS: Readonly<ClientOptions> = Object.freeze({});

// What `new WsAdapter()` resolves to: one object for every adapter built without options,
// so an adapter costs no copy of unchanged defaults.
const RESOLVED_DEFAULTS: ResolvedWsOptions = Object.freeze({
  protocols: WS_ADAPTER_DEFAULTS.protocols,
  headers: WS_ADAPTER_DEFAULTS.headers,
  inboundQueue: WS_ADAPTER_DEFAULTS.inboundQueue,
  closeTimeoutMs: WS_ADAPTER_DEFAULTS.closeTimeoutMs,
  client: NO_CLIENT_OPTIONS,
});

/**
 * Merges `options` over {@link WS_ADAPTER_DEFAULTS} and checks them all at once. Parts left
 * unset are the shared, frozen defaults rather than copies.
 * @throws InvalidOptionsError listing every problem found.
 */
export function resolveOptions(options: WsAdapterOptions = {}): ResolvedWsOptions {
  const issues: string[] = [];
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError(
      [`expected an options object, got ${typeOf(options)}`],
      'WsAdapter options',
    );
  }
  issues.push(...nearMissIssues(options));
  const { protocols, headers, inboundQueue, closeTimeoutMs, ...rest } = options;
  const client = hasOwnKeys(rest) ? rest : NO_CLIENT_OPTIONS;
  const resolved: ResolvedWsOptions = {
    protocols: protocols === undefined ? WS_ADAPTER_DEFAULTS.protocols : checkProtocols(protocols, issues),
    headers: headers === undefined ? WS_ADAPTER_DEFAULTS.headers : checkHeaders(headers, issues),
    inboundQueue:
      inboundQueue === undefined
        ? WS_ADAPTER_DEFAULTS.inboundQueue
        : Object.freeze({ ...WS_ADAPTER_DEFAULTS.inboundQueue, ...inboundQueue }),
    closeTimeoutMs: closeTimeoutMs ?? WS_ADAPTER_DEFAULTS.closeTimeoutMs,
    client,
  };
  if (inboundQueue !== undefined && (typeof inboundQueue !== 'object' || inboundQueue === null)) {
    issues.push(`inboundQueue: expected an object, got ${typeOf(inboundQueue)}`);
  } else if (inboundQueue !== undefined) {
    issues.push(...unknownKeyIssues(inboundQueue, INBOUND_QUEUE_KEYS, 'inboundQueue.'));
  }
  checkInteger('inboundQueue.maxMessages', resolved.inboundQueue.maxMessages, 1, issues);
  checkInteger('inboundQueue.maxBytes', resolved.inboundQueue.maxBytes, 1, issues);
  checkDelay('closeTimeoutMs', resolved.closeTimeoutMs, issues);
  checkClient(client, issues);
  if (issues.length > 0) throw new InvalidOptionsError(issues, 'WsAdapter options');
  const isDefault =
    resolved.protocols === RESOLVED_DEFAULTS.protocols &&
    resolved.headers === RESOLVED_DEFAULTS.headers &&
    resolved.inboundQueue === RESOLVED_DEFAULTS.inboundQueue &&
    resolved.closeTimeoutMs === RESOLVED_DEFAULTS.closeTimeoutMs &&
    client === NO_CLIENT_OPTIONS;
  return isDefault ? RESOLVED_DEFAULTS : resolved;
}

/**
 * The keys that are near misses of a known one (`handshakeTimout`, `rejectUnauthorised`,
 * `protocol`). Any other unknown key goes to `ws` as before: Node adds request options
 * over time, and refusing one would break a working call.
 */
function nearMissIssues(options: object): string[] {
  const nearMisses: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!WS_KNOWN_KEYS.includes(key) && closestName(key, WS_KNOWN_KEYS) !== undefined) nearMisses[key] = true;
  }
  return unknownKeyIssues(nearMisses, WS_KNOWN_KEYS, '');
}

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return Object.getOwnPropertySymbols(object).length > 0;
}

/** Checks the `ws` options that are easy to get wrong; `ws` itself would fail late or oddly. */
function checkClient(client: ClientOptions, issues: string[]): void {
  if (client.handshakeTimeout !== undefined) checkDelay('handshakeTimeout', client.handshakeTimeout, issues);
  if (client.maxPayload !== undefined) checkInteger('maxPayload', client.maxPayload, 0, issues);
  if (client.maxRedirects !== undefined) checkInteger('maxRedirects', client.maxRedirects, 0, issues);
  if (client.origin !== undefined && typeof client.origin !== 'string') {
    issues.push(`origin: expected a string, got ${typeOf(client.origin)}`);
  }
  if (client.followRedirects !== undefined && typeof client.followRedirects !== 'boolean') {
    issues.push(`followRedirects: expected a boolean, got ${typeOf(client.followRedirects)}`);
  }
  const deflate = client.perMessageDeflate;
  if (deflate !== undefined && typeof deflate !== 'boolean' && (typeof deflate !== 'object' || !deflate)) {
    issues.push(`perMessageDeflate: expected a boolean or an options object, got ${typeOf(deflate)}`);
  }
}

function checkProtocols(value: unknown, issues: string[]): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    issues.push(`protocols: expected a string or an array of strings, got ${typeOf(value)}`);
    return [];
  }
  const seen = new Set<unknown>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      issues.push(`protocols: ${describe(protocol)} is not a valid subprotocol token`);
    } else if (seen.has(protocol)) {
      issues.push(`protocols: ${JSON.stringify(protocol)} is listed twice`);
    }
    seen.add(protocol);
  }
  return [...list] as string[];
}

function checkHeaders(value: unknown, issues: string[]): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push(`headers: expected an object of header names to string values, got ${typeOf(value)}`);
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== 'string') {
      issues.push(`headers.${name}: expected a string value, got ${typeOf(headerValue)}`);
      continue;
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, headerValue);
    } catch (error) {
      issues.push(`headers.${name}: ${(error as Error).message}`);
      continue;
    }
    headers[name] = headerValue;
  }
  return headers;
}

function checkInteger(name: string, value: unknown, min: number, issues: string[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    issues.push(`${name}: expected an integer >= ${min}, got ${describe(value)}`);
  }
}

function checkDelay(name: string, value: unknown, issues: string[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
    issues.push(`${name}: expected a number of milliseconds in 0..${MAX_DELAY_MS}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
