/**
 * `wscengine/adapters/whatwg`: the adapter over any WHATWG `WebSocket` constructor
 * (browsers, Deno, Bun, Node's global, undici). Imports nothing Node-specific.
 * @packageDocumentation
 */
export { WhatwgWebSocketAdapter } from './adapter.js';
export {
  INBOUND_OVERFLOW_REASON,
  type InboundOverflowPolicy,
  WHATWG_ADAPTER_DEFAULTS,
  type WhatwgWebSocketAdapterOptions,
} from './options.js';
export type {
  WhatwgCloseEventLike,
  WhatwgErrorEventLike,
  WhatwgListener,
  WhatwgMessageEventLike,
  WhatwgWebSocketConstructor,
  WhatwgWebSocketLike,
} from './types.js';
