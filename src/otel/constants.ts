/**
 * Every name this library puts on telemetry, in one place, so spans, metrics, docs and
 * dashboards agree. The engine names its own spans and attributes (`src/engine/telemetry.ts`,
 * since it may not import this layer); this file adds those of the adapter calls, of errors
 * and of the metrics. Where an OpenTelemetry semantic convention exists its name is used
 * as is (`url.full`, `server.address`, `messaging.message.body.size`, `error.type`); the
 * rest lives under `wscengine.` or `websocket.`.
 */
import { Attr as EngineAttr, SpanName as EngineSpanName } from '../engine/telemetry.js';

/** Instrumentation scope name of the tracer and the meter. */
export const INSTRUMENTATION_NAME = 'wscengine';

/**
 * Instrumentation scope version: the package version. Kept as a literal (a test checks it
 * against package.json) because reading package.json would not bundle for browsers.
 */
export const INSTRUMENTATION_VERSION = '0.1.0';

/**
 * The names of every span `openTelemetry()` produces: the engine's operations and callbacks
 * (`wscengine.start`, `wscengine.on_message`, ...) and the adapter calls of the connection
 * it instruments. One `wscengine.` prefix, so one query finds everything this library traced.
 *
 * @example
 * ```ts
 * const onMessage = spans.filter((span) => span.name === SpanName.OnMessage);
 * ```
 */
export const SpanName = {
  ...EngineSpanName,
  /** `conn.dial()`: each connect, first start and reconnects alike. */
  Dial: 'wscengine.dial',
  /** `conn.read()`: one message read, or the close that ended the reads. */
  Read: 'wscengine.read',
  /** `conn.write()`: one message written. */
  Write: 'wscengine.write',
  /** `conn.ping()`: from ping sent to pong received. */
  Ping: 'wscengine.ping',
  /** `conn.close()`: the close handshake. */
  Close: 'wscengine.close',
} as const;

/** The names of the span and metric attributes `openTelemetry()` sets. */
export const Attr = {
  ...EngineAttr,
  /** On the `wscengine.reconnects` counter: whether the attempt succeeded. */
  ReconnectOk: 'wscengine.reconnect.ok',
  /** Measured ping round-trip time in milliseconds (on `wscengine.ping`). */
  PingRttMs: 'wscengine.ping.rtt_ms',
  /** Negotiated subprotocol, `''` if none. */
  Protocol: 'websocket.protocol',
  /** Negotiated extensions, `''` if none. */
  Extensions: 'websocket.extensions',
  /** The target URL, always passed through `redactUrl` first. */
  UrlFull: 'url.full',
  /** Host name of the target. */
  ServerAddress: 'server.address',
  /** Port of the target (the scheme's default when the URL has none). */
  ServerPort: 'server.port',
  /** Class name of the error that ended the span. */
  ErrorType: 'error.type',
  /** The stable `code` string of a wscengine error (e.g. `ERR_DIAL`), when it has one. */
  ErrorCode: 'wscengine.error.code',
} as const;

/** The names of the metric instruments `openTelemetry()` creates. */
export const MetricName = {
  /** Counter: messages read from the server. */
  MessagesReceived: 'wscengine.messages.received',
  /** Counter: messages written to the server. */
  MessagesSent: 'wscengine.messages.sent',
  /** Counter: payload bytes read (UTF-8 bytes for text). */
  BytesReceived: 'wscengine.bytes.received',
  /** Counter: payload bytes written (UTF-8 bytes for text). */
  BytesSent: 'wscengine.bytes.sent',
  /** Counter: reconnect attempts, with `wscengine.reconnect.ok`. */
  Reconnects: 'wscengine.reconnects',
  /** Histogram: ping round-trip time in milliseconds. */
  PingRtt: 'wscengine.ping.rtt',
} as const;
