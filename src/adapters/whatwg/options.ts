import { InvalidOptionsError } from '../../core/errors.js';
import { INBOUND_QUEUE_DEFAULTS, type InboundQueueLimits } from '../../core/inbound-queue.js';
import { unknownKeyIssues } from '../../core/option-keys.js';
import { describeValue } from '../../core/validation.js';
import type { WhatwgWebSocketConstructor } from './types.js';

/**
 * What the adapter does when a message arrives while the inbound queue is full. The WHATWG
 * API cannot pause a socket, so the queue cannot push back on the server:
 * - `'fail'`: fail the connection clearly. The socket is closed (1000 on the wire, reason
 *   {@link INBOUND_OVERFLOW_REASON}, because WHATWG `close()` cannot send 1008), the
 *   message that did not fit and any later ones are dropped, reads deliver what was
 *   queued and then reject with `WebSocketCloseError` 1008.
 * - `'unbounded'`: keep queueing past the bound. Memory grows with a slow reader; choose
 *   it only when the server's rate is known to be bounded.
 */
export type InboundOverflowPolicy = 'fail' | 'unbounded';

/** Reason sent and reported when the inbound queue overflows under the `'fail'` policy. */
export const INBOUND_OVERFLOW_REASON = 'inbound queue full: reader too slow';

/** Options of {@link WhatwgWebSocketAdapter}. */
export interface WhatwgWebSocketAdapterOptions {
  /**
   * The WHATWG `WebSocket` constructor to use. Default: `globalThis.WebSocket`. Node 20
   * has none by default: pass `WebSocket` from `undici`.
   */
  WebSocket?: WhatwgWebSocketConstructor;
  /** Subprotocols offered in the handshake, most preferred first. Default: none. */
  protocols?: string | readonly string[];
  /**
   * Bound of the inbound queue (messages received and not yet read).
   * Default: {@link INBOUND_QUEUE_DEFAULTS} (1024 messages, 16 MiB).
   */
  inboundQueue?: InboundQueueLimits;
  /** What happens when the inbound queue is full; see {@link InboundOverflowPolicy}. Default `'fail'`. */
  inboundOverflow?: InboundOverflowPolicy;
  /**
   * How long `close()` waits for the server to finish the close handshake before it drops
   * the socket and resolves anyway. `0` resolves as soon as the close frame is queued.
   * Default 10 000 ms.
   */
  closeTimeoutMs?: number;
}

/** Defaults of {@link WhatwgWebSocketAdapterOptions} (the constructor defaults to `globalThis.WebSocket`). */
export const WHATWG_ADAPTER_DEFAULTS = Object.freeze({
  protocols: Object.freeze([]) as readonly string[],
  inboundQueue: Object.freeze({ ...INBOUND_QUEUE_DEFAULTS }),
  inboundOverflow: 'fail' as InboundOverflowPolicy,
  closeTimeoutMs: 10_000,
});

/** Options after defaults and checks. */
export interface ResolvedWhatwgOptions {
  WebSocket: WhatwgWebSocketConstructor;
  protocols: string[];
  inboundQueue: Required<InboundQueueLimits>;
  inboundOverflow: InboundOverflowPolicy;
  closeTimeoutMs: number;
}

// Every option there is: the WHATWG API takes nothing else, so any other key is a mistake.
const KNOWN_KEYS: readonly string[] = Object.freeze([
  'WebSocket',
  'protocols',
  'inboundQueue',
  'inboundOverflow',
  'closeTimeoutMs',
]);
const INBOUND_QUEUE_KEYS: readonly string[] = Object.freeze(['maxMessages', 'maxBytes']);
const CONTEXT = 'WhatwgWebSocketAdapter options';

// RFC 6455 4.1: a subprotocol is an HTTP token (RFC 7230 tchar).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Merges `options` over {@link WHATWG_ADAPTER_DEFAULTS} and checks them all.
 * @throws InvalidOptionsError listing every problem found.
 */
export function resolveOptions(options: WhatwgWebSocketAdapterOptions = {}): ResolvedWhatwgOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError([`expected an options object, got ${describeValue(options)}`], CONTEXT);
  }
  const issues = unknownKeyIssues(options, KNOWN_KEYS, '');
  const defaults = WHATWG_ADAPTER_DEFAULTS;
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (typeof WebSocket !== 'function') {
    issues.push(
      options.WebSocket === undefined
        ? "WebSocket: this runtime has no globalThis.WebSocket; pass a constructor, e.g. `import { WebSocket } from 'undici'` on Node 20"
        : `WebSocket: expected a WebSocket constructor, got ${show(options.WebSocket)}`,
    );
  }
  const protocols = checkProtocols(options.protocols ?? defaults.protocols, issues);
  const queue = { ...defaults.inboundQueue, ...checkQueue(options.inboundQueue, issues) };
  checkPositiveInteger('inboundQueue.maxMessages', queue.maxMessages, issues);
  checkPositiveInteger('inboundQueue.maxBytes', queue.maxBytes, issues);
  const inboundOverflow = options.inboundOverflow ?? defaults.inboundOverflow;
  if (inboundOverflow !== 'fail' && inboundOverflow !== 'unbounded') {
    issues.push(`inboundOverflow: expected 'fail' or 'unbounded', got ${show(inboundOverflow)}`);
  }
  const closeTimeoutMs = options.closeTimeoutMs ?? defaults.closeTimeoutMs;
  if (typeof closeTimeoutMs !== 'number' || !Number.isFinite(closeTimeoutMs) || closeTimeoutMs < 0) {
    issues.push(`closeTimeoutMs: expected a finite number >= 0, got ${show(closeTimeoutMs)}`);
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues, CONTEXT);
  return {
    WebSocket: WebSocket as WhatwgWebSocketConstructor,
    protocols,
    inboundQueue: Object.freeze(queue),
    inboundOverflow,
    closeTimeoutMs,
  };
}

/** An option's value in an issue: strings quoted (`got "5"` is not `got 5`), the rest described. */
function show(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)
    : describeValue(value);
}

function checkQueue(value: unknown, issues: string[]): InboundQueueLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push(`inboundQueue: expected an object such as { maxMessages, maxBytes }, got ${show(value)}`);
    return undefined;
  }
  issues.push(...unknownKeyIssues(value, INBOUND_QUEUE_KEYS, 'inboundQueue.'));
  return value as InboundQueueLimits;
}

function globalWebSocket(): unknown {
  return (globalThis as { WebSocket?: unknown }).WebSocket;
}

function checkProtocols(value: unknown, issues: string[]): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    issues.push(`protocols: expected a string or an array of strings, got ${show(value)}`);
    return [];
  }
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      issues.push(`protocols: ${JSON.stringify(protocol)} is not a valid subprotocol token`);
    } else if (seen.has(protocol)) {
      issues.push(`protocols: ${JSON.stringify(protocol)} is listed twice`);
    }
    seen.add(protocol as string);
  }
  return [...list] as string[];
}

function checkPositiveInteger(name: string, value: unknown, issues: string[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    issues.push(`${name}: expected an integer >= 1, got ${show(value)}`);
  }
}
