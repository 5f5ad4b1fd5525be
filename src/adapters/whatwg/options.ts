import { INBOUND_QUEUE_DEFAULTS, type InboundQueueLimits } from '../../core/inbound-queue.js';
import {
  got,
  group,
  integer,
  is,
  isFunction,
  oneOf,
  type Rule,
  type Rules,
  resolveAll,
  timer,
} from '../../core/option-rules.js';
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
   * the socket and resolves anyway. `0` resolves as soon as the close frame is queued; at
   * most 2^31-1 (what one timer holds). Default 10 000 ms.
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

// RFC 6455 4.1: a subprotocol is an HTTP token (RFC 7230 tchar).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const checkProtocols: Rule = (value, path, issues) => {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    issues.push(`${path}: expected a string or an array of strings, got ${got(value)}`);
    return [];
  }
  const seen = new Set<unknown>();
  for (const protocol of list) {
    const problem =
      typeof protocol !== 'string' || !TOKEN.test(protocol)
        ? 'is not a valid subprotocol token'
        : seen.has(protocol) && 'is listed twice';
    if (problem) issues.push(`${path}: ${JSON.stringify(protocol)} ${problem}`);
    seen.add(protocol);
  }
  return [...list];
};

// Every option there is: the WHATWG API takes nothing else, so any other key is a mistake.
const RULES: Rules<WhatwgWebSocketAdapterOptions> = {
  // Undefined when the runtime has no global WebSocket and none was given.
  WebSocket: is(
    "a WebSocket constructor (on Node 20, which has no global one, pass `WebSocket` from 'undici')",
    isFunction,
  ),
  protocols: checkProtocols,
  inboundQueue: group<InboundQueueLimits>(
    { maxMessages: integer(1), maxBytes: integer(1) },
    WHATWG_ADAPTER_DEFAULTS.inboundQueue,
  ),
  inboundOverflow: oneOf('fail', 'unbounded'),
  closeTimeoutMs: timer(0),
};

/**
 * Merges `options` over {@link WHATWG_ADAPTER_DEFAULTS} and checks them all.
 * @throws InvalidOptionsError listing every problem found.
 */
export function resolveOptions(options: WhatwgWebSocketAdapterOptions = {}): ResolvedWhatwgOptions {
  // Read at each call, not once: a runtime or a test may install a global WebSocket later.
  const WebSocket = (globalThis as { WebSocket?: WhatwgWebSocketConstructor }).WebSocket;
  const defaults = { ...WHATWG_ADAPTER_DEFAULTS, WebSocket };
  return resolveAll(options, RULES, defaults, 'WhatwgWebSocketAdapter options') as ResolvedWhatwgOptions;
}
