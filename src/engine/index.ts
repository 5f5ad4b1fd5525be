/**
 * The engine: `WebSocketEngine`, its options and callback types.
 * @packageDocumentation
 */
export { WebSocketEngine } from './engine.js';
export {
  ENGINE_DEFAULTS,
  type EngineUrl,
  type HeartbeatOptions,
  type KeepaliveOptions,
  type OutboxOptions,
  type ReconnectContext,
  type ReconnectDecision,
  type ReconnectOptions,
  type RequestCallOptions,
  type RequestsOptions,
  type WebSocketEngineOptions,
} from './options.js';
export type { EngineTelemetry, TelemetryAttributes } from './telemetry.js';
export type {
  Clock,
  CloseMessage,
  EngineExit,
  EngineExitReason,
  OnCloseArgs,
  OnCloseErrorArgs,
  OnMessageArgs,
  OnOpenArgs,
  OnReadErrorArgs,
  OnRestartErrorArgs,
  ReadMutex,
  WebSocketClient,
} from './types.js';
