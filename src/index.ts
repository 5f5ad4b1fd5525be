/**
 * `wscengine`: core types, constants, errors, the adapter contract and the engine.
 * Imports nothing Node-specific, so it bundles for browsers.
 * @packageDocumentation
 */
export type { WebSocketConnectionAdapter } from './core/adapter.js';
export {
  CallbackError,
  ConnectionClosedError,
  DialError,
  EngineStartError,
  EngineStateError,
  EngineStopError,
  ErrorCode,
  HandshakeError,
  type InvalidArgumentCode,
  InvalidArgumentError,
  InvalidOptionsError,
  UnsupportedOperationError,
  WebSocketCloseError,
  WscEngineError,
} from './core/errors.js';
export { INBOUND_QUEUE_DEFAULTS, InboundQueue, type InboundQueueLimits } from './core/inbound-queue.js';
export { type CallOptions, type HandshakeResponse, type Message, MessageType } from './core/message.js';
export { RequestError, SendError } from './core/send-errors.js';
export { StatusCode } from './core/status.js';
export { validateClose, validateMessage, validateWebSocketUrl } from './core/validation.js';
export * from './engine/index.js';
