import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api';
import type { EngineTelemetry } from '../engine/telemetry.js';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './constants.js';
import { createInstruments, RECONNECT_FAILED, RECONNECT_OK } from './metrics.js';
import { runDetached, runInSpan } from './span.js';
import { TracedAdapter } from './trace-adapter.js';

/** Where the spans and metrics of {@link openTelemetry} go. */
export interface OpenTelemetryOptions {
  /**
   * Tracer provider for the spans. Default: the global one (`trace.getTracerProvider()`),
   * looked up when `openTelemetry()` is called. The global provider is a proxy, so an SDK
   * registered later still receives the spans.
   */
  tracerProvider?: TracerProvider;
  /**
   * Meter provider for the metrics. Default: the global one (`metrics.getMeterProvider()`),
   * looked up when `openTelemetry()` is called: register the SDK's meter provider first.
   */
  meterProvider?: MeterProvider;
}

/**
 * The OpenTelemetry instrumentation of an engine, for its `telemetry` option: every
 * public operation, callback and adapter call is a span (user spans started inside a
 * callback nest under it), and messages, bytes, reconnects and ping round trips are
 * metrics. URLs are redacted (`redactUrl`) before they reach a span, a metric or a
 * recorded error. The tracer and the meter are named `wscengine`, with the package
 * version; the instruments are created once, here.
 *
 * Without this option an engine calls nothing of it, and nothing of OpenTelemetry is
 * loaded: this entry is the only one that imports `@opentelemetry/api`.
 *
 * @example
 * ```ts
 * import { WebSocketEngine } from 'wscengine';
 * import { openTelemetry } from 'wscengine/otel';
 *
 * const engine = new WebSocketEngine({
 *   url, adapter, client,
 *   telemetry: openTelemetry({ tracerProvider, meterProvider }), // or openTelemetry() for the globals
 * });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): EngineTelemetry {
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const instruments = createInstruments(meterProvider);
  return {
    instrument: (adapter) => new TracedAdapter(adapter, tracer, instruments),
    span: (name, attributes, fn) => runInSpan(tracer, name, attributes, fn),
    detached: runDetached,
    reconnect: (ok) => instruments.reconnects.add(1, ok ? RECONNECT_OK : RECONNECT_FAILED),
  };
}
