/**
 * The engine: `WebSocketEngine`, its options and callback types, and a fake clock for tests.
 * @packageDocumentation
 */
export { backoffDelay } from './backoff.js';
export { WebSocketEngine } from './engine.js';
export { FakeClock } from './fake-clock.js';
export {
  ENGINE_DEFAULTS,
  type EngineUrl,
  type KeepaliveOptions,
  type ReconnectContext,
  type ReconnectOptions,
  resolveEngineOptions,
  type WebSocketEngineOptions,
} from './options.js';
export type {
  Clock,
  CloseMessage,
  OnCloseArgs,
  OnCloseErrorArgs,
  OnMessageArgs,
  OnOpenArgs,
  OnReadErrorArgs,
  OnRestartErrorArgs,
  ReadMutex,
  WebSocketClient,
} from './types.js';
