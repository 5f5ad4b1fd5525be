/**
 * Every name this library puts on telemetry, in one place, so spans, metrics, docs and
 * dashboards agree. Where an OpenTelemetry semantic convention exists its name is used
 * as is (`url.full`, `server.address`, `messaging.message.body.size`, `error.type`);
 * the rest lives under `wscengine.` or `websocket.`.
 */

/** Instrumentation scope name of the tracer and the meter. */
export const INSTRUMENTATION_NAME = 'wscengine';

/**
 * Instrumentation scope version: the package version. Kept as a literal (a test checks it
 * against package.json) because reading package.json would not bundle for browsers.
 */
export const INSTRUMENTATION_VERSION = '0.1.0';

/** The text that replaces every redacted value (query parameter values, bare query keys). */
export const REDACTED = 'REDACTED';

/**
 * Span names. The engine's own operations and callbacks use the same `wscengine.` prefix,
 * so one query finds everything this library traced.
 */
export const SpanName = {
  Start: 'wscengine.start',
  Stop: 'wscengine.stop',
  Reconnect: 'wscengine.reconnect',
  Dial: 'wscengine.dial',
  Read: 'wscengine.read',
  Write: 'wscengine.write',
  Ping: 'wscengine.ping',
  Close: 'wscengine.close',
  OnOpen: 'wscengine.on_open',
  OnMessage: 'wscengine.on_message',
  OnReadError: 'wscengine.on_read_error',
  OnClose: 'wscengine.on_close',
  OnCloseError: 'wscengine.on_close_error',
  OnRestartError: 'wscengine.on_restart_error',
} as const;

/** Span and metric attribute names. */
export const Attr = {
  /** UUID of the engine session (one connection). */
  SessionId: 'wscengine.session.id',
  /** Reconnect attempt number, 1-based; resets after a successful reconnect. */
  RetryCount: 'wscengine.retry.count',
  /** `true` on reconnects, `false` on the first start (on `wscengine.on_open`). */
  Restarting: 'wscengine.restarting',
  /** Number of read loops. */
  Readers: 'wscengine.readers',
  /** On the `wscengine.reconnects` counter: whether the attempt succeeded. */
  ReconnectOk: 'wscengine.reconnect.ok',
  /** Measured ping round-trip time in milliseconds (on `wscengine.ping`). */
  PingRttMs: 'wscengine.ping.rtt_ms',
  /** Close status code sent or received. */
  CloseCode: 'websocket.close.code',
  /** Close reason sent or received (URLs inside it are redacted). */
  CloseReason: 'websocket.close.reason',
  /** `'text'` or `'binary'`. */
  MessageType: 'websocket.message.type',
  /** Negotiated subprotocol, `''` if none. */
  Protocol: 'websocket.protocol',
  /** Negotiated extensions, `''` if none. */
  Extensions: 'websocket.extensions',
  /** Message payload size in bytes (UTF-8 bytes for text). */
  BodySize: 'messaging.message.body.size',
  /** The target URL, always passed through `redactUrl` first. */
  UrlFull: 'url.full',
  /** Host name of the target. */
  ServerAddress: 'server.address',
  /** Port of the target (the scheme's default when the URL has none). */
  ServerPort: 'server.port',
  /** HTTP status of the handshake answer. */
  HttpStatus: 'http.response.status_code',
  /** Class name of the error that ended the span. */
  ErrorType: 'error.type',
  /** The stable `code` string of a wscengine error (e.g. `ERR_DIAL`), when it has one. */
  ErrorCode: 'wscengine.error.code',
} as const;

/** Metric instrument names. */
export const MetricName = {
  MessagesReceived: 'wscengine.messages.received',
  MessagesSent: 'wscengine.messages.sent',
  BytesReceived: 'wscengine.bytes.received',
  BytesSent: 'wscengine.bytes.sent',
  Reconnects: 'wscengine.reconnects',
  PingRtt: 'wscengine.ping.rtt',
} as const;
