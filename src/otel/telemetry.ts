import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { EngineTelemetry } from './types.js';

/** Where the engine's telemetry goes. */
export interface TelemetryOptions {
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider. */
  meterProvider?: MeterProvider;
}

// Placeholder being replaced by the OpenTelemetry implementation (src/otel owner).
/** @internal */
export function createEngineTelemetry(_options: TelemetryOptions = {}): EngineTelemetry {
  return {
    enabled: false,
    span: (_name, _attributes, fn) => fn(undefined),
    messageIn() {},
    messageOut() {},
    reconnect() {},
    pingRtt() {},
  };
}
