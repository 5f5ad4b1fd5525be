/**
 * OpenTelemetry instrumentation of the engine and of adapters: traces, metrics, and the
 * URL redaction every span, metric, log line and error message goes through.
 * Imports only `@opentelemetry/api` and the core, so it bundles for browsers.
 * @packageDocumentation
 */
export {
  Attr,
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  MetricName,
  REDACTED,
  SpanName,
} from './constants.js';
export { redactUrl, redactUrlsInText, urlAttributes } from './redact.js';
export { createEngineTelemetry, DISABLED_TELEMETRY, type TelemetryOptions } from './telemetry.js';
export { messageSize, traceAdapter, utf8ByteLength } from './trace-adapter.js';
export type { EngineTelemetry } from './types.js';
