/**
 * `wscengine/adapters/ws`: the adapter over the `ws` library, for Node.js. The only entry
 * point of this package that imports `ws`.
 *
 * @packageDocumentation
 */
export { REDIAL_CLOSE_REASON, WsAdapter } from './adapter.js';
export { HANDSHAKE_BODY_LIMIT } from './handshake.js';
export { WS_ADAPTER_DEFAULTS, type WsAdapterOptions } from './options.js';
export { WS_ERROR_CLOSE_CODES } from './ws-errors.js';
