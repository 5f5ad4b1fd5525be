import type { WebSocketConnectionAdapter } from '../core/adapter.js';

/** Attribute values the engine puts on its spans. */
export type TelemetryAttributes = Record<string, string | number | boolean>;

/**
 * What the engine asks of an instrumentation. The engine imports no tracing library: it
 * names its operations and hands them to this record. `openTelemetry()` from
 * `wscengine/otel` builds one; without the `telemetry` option the engine calls nothing.
 */
export interface EngineTelemetry {
  /**
   * Wraps the adapter so each of its calls is a span and counted; the engine reads through
   * the result and hands it to callbacks as `conn`.
   */
  instrument(adapter: WebSocketConnectionAdapter): WebSocketConnectionAdapter;
  /**
   * Runs `fn` inside a span named `name`, as the active context (spans the user opens in
   * `fn` nest under it); ends the span when `fn` returns or its promise settles and records
   * a throw. Returns what `fn` returns.
   */
  span<T>(name: string, attributes: TelemetryAttributes, fn: () => T): T;
  /**
   * Runs `fn` with no active span, so the spans of work that outlives its caller (a
   * session's reader, keepalive, reconnects) start traces of their own.
   */
  detached<T>(fn: () => T): T;
  /** Counts a reconnect attempt; `ok` tells whether it succeeded. */
  reconnect(ok: boolean): void;
}

/** Names of the spans the engine opens (the adapter's own come from `instrument`). */
export const SpanName = {
  Start: 'wscengine.start',
  Stop: 'wscengine.stop',
  Reconnect: 'wscengine.reconnect',
  /** `engine.request()`: from the call to its reply or failure; the write is its child. */
  Request: 'wscengine.request',
  OnOpen: 'wscengine.on_open',
  OnMessage: 'wscengine.on_message',
  OnReadError: 'wscengine.on_read_error',
  OnClose: 'wscengine.on_close',
  OnCloseError: 'wscengine.on_close_error',
  OnRestartError: 'wscengine.on_restart_error',
  OnExit: 'wscengine.on_exit',
} as const;

/** Attribute names the engine sets on its spans. */
export const Attr = {
  /** UUID of the engine session (one connection). */
  SessionId: 'wscengine.session.id',
  /** Reconnect attempt number, 1-based; resets after a successful reconnect. */
  RetryCount: 'wscengine.retry.count',
  /** `true` on reconnects, `false` on the first start (on `wscengine.on_open`). */
  Restarting: 'wscengine.restarting',
  /** The `readers` option. */
  Readers: 'wscengine.readers',
  /** Close status code sent or received. */
  CloseCode: 'websocket.close.code',
  /** Close reason sent or received. */
  CloseReason: 'websocket.close.reason',
  /** `'text'` or `'binary'`. */
  MessageType: 'websocket.message.type',
  /** Message payload size in bytes (UTF-8 bytes of a text). */
  BodySize: 'messaging.message.body.size',
  /** HTTP status of the handshake answer. */
  HttpStatus: 'http.response.status_code',
  /** Why a run ended (`stop`, `exit`, `closed`, `retries`, `error`), on `wscengine.on_exit`. */
  ExitReason: 'wscengine.exit.reason',
  /** Class name of the error that ended a run or a span. */
  ErrorType: 'error.type',
} as const;
