/**
 * The engine: `WebSocketEngine`, its options and callback types.
 * @packageDocumentation
 */
export { WebSocketEngine } from './engine.js';
export {
  ENGINE_DEFAULTS,
  type EngineUrl,
  type KeepaliveOptions,
  type ReconnectContext,
  type ReconnectOptions,
  type WebSocketEngineOptions,
} from './options.js';
export type { EngineTelemetry, TelemetryAttributes } from './telemetry.js';
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
