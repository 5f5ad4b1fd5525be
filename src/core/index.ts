export { noop, onAbort, raceAbort, throwIfAborted } from './abort.js';
export type { WebSocketConnectionAdapter } from './adapter.js';
export * from './errors.js';
export { INBOUND_QUEUE_DEFAULTS, InboundQueue, type InboundQueueLimits } from './inbound-queue.js';
export { type CallOptions, type HandshakeResponse, type Message, MessageType } from './message.js';
export { isSendableCloseCode, MAX_CLOSE_REASON_BYTES, StatusCode } from './status.js';
export { validateClose, validateMessage, validateWebSocketUrl } from './validation.js';
