/**
 * `wscengine/otel`: the OpenTelemetry instrumentation of the engine, opt-in through its
 * `telemetry` option. The only entry that imports `@opentelemetry/api` (an optional peer
 * dependency): without it nothing of OpenTelemetry is loaded or bundled. Imports nothing
 * Node-specific, so it bundles for browsers.
 * @packageDocumentation
 */
export { Attr, MetricName, SpanName } from './constants.js';
export { redactUrl } from './redact.js';
export { type OpenTelemetryOptions, openTelemetry } from './telemetry.js';
