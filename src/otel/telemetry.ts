import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Histogram,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { Attr, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, MetricName } from './constants.js';
import { runDetached, runInSpan } from './span.js';
import type { EngineTelemetry } from './types.js';

/** Where the engine's telemetry goes. */
export interface TelemetryOptions {
  /**
   * Tracer provider for the engine's spans. Default: the global one
   * (`trace.getTracerProvider()`), looked up when the telemetry is created: register the
   * SDK before creating the engine.
   */
  tracerProvider?: TracerProvider;
  /** Meter provider for the engine's metrics. Default: the global one, looked up at creation. */
  meterProvider?: MeterProvider;
}

function noop(): void {}

/**
 * The telemetry of an engine without an SDK: `enabled` is false and every method does
 * nothing, so the engine's hot path costs one boolean check.
 */
export const DISABLED_TELEMETRY: EngineTelemetry = Object.freeze({
  enabled: false,
  span: (_name, _attributes, fn) => fn(undefined),
  detached: (fn) => fn(),
  messageIn: noop,
  messageOut: noop,
  reconnect: noop,
  pingRtt: noop,
} satisfies EngineTelemetry);

/**
 * Builds the engine's instrumentation over OpenTelemetry: a tracer and a meter named
 * `wscengine` (with the package version), and the six metric instruments, created once.
 *
 * `enabled` is false, and {@link DISABLED_TELEMETRY} is returned, when neither provider
 * leads to an SDK: no provider passed and none registered globally (the global tracer
 * provider is then a proxy whose delegate is the API's no-op provider, and the global
 * meter provider hands out the no-op meter). Nothing is started or exported to find out.
 * When only one of the two is live, the other half is a no-op.
 *
 * @example
 * ```ts
 * const telemetry = createEngineTelemetry({ tracerProvider, meterProvider });
 * await telemetry.span('wscengine.on_message', { 'wscengine.session.id': id }, () => handle(msg));
 * ```
 */
export function createEngineTelemetry(options: TelemetryOptions = {}): EngineTelemetry {
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = isTracerProviderLive(tracerProvider)
    ? tracerProvider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION)
    : undefined;
  const instruments = createInstruments(options.meterProvider ?? metrics.getMeterProvider());
  if (!tracer && !instruments) return DISABLED_TELEMETRY;
  return {
    enabled: true,
    span: tracer
      ? (name, attributes, fn) => runInSpan(tracer, name, attributes, fn)
      : DISABLED_TELEMETRY.span,
    detached: tracer ? runDetached : DISABLED_TELEMETRY.detached,
    messageIn: instruments
      ? (bytes) => {
          instruments.messagesReceived.add(1);
          instruments.bytesReceived.add(bytes);
        }
      : noop,
    messageOut: instruments
      ? (bytes) => {
          instruments.messagesSent.add(1);
          instruments.bytesSent.add(bytes);
        }
      : noop,
    reconnect: instruments
      ? (ok) => instruments.reconnects.add(1, ok ? RECONNECT_OK : RECONNECT_FAILED)
      : noop,
    pingRtt: instruments ? (ms) => instruments.pingRtt.record(ms) : noop,
  };
}

/**
 * Whether spans from `provider` can reach an SDK. Proxies (the global provider is one, and
 * may come from another copy of the API package) are unwrapped by duck typing; what is
 * behind them is compared with the API's own no-op provider.
 */
function isTracerProviderLive(provider: TracerProvider): boolean {
  const noopProvider = new ProxyTracerProvider().getDelegate();
  let current = provider;
  for (let depth = 0; depth < 8 && hasDelegate(current); depth++) current = current.getDelegate();
  return current !== noopProvider;
}

function hasDelegate(
  provider: TracerProvider,
): provider is TracerProvider & { getDelegate(): TracerProvider } {
  return typeof (provider as { getDelegate?: unknown }).getDelegate === 'function';
}

// Shared, frozen attribute sets: the reconnect counter allocates nothing per call.
const RECONNECT_OK: Attributes = Object.freeze({ [Attr.ReconnectOk]: true });
const RECONNECT_FAILED: Attributes = Object.freeze({ [Attr.ReconnectOk]: false });

interface Instruments {
  messagesReceived: Counter;
  messagesSent: Counter;
  bytesReceived: Counter;
  bytesSent: Counter;
  reconnects: Counter;
  pingRtt: Histogram;
}

/** The metric instruments, or `undefined` when `provider` hands out the API's no-op meter. */
function createInstruments(provider: MeterProvider): Instruments | undefined {
  const noopMeter = createNoopMeter();
  const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  if (meter === noopMeter) return undefined;
  const messagesReceived = meter.createCounter(MetricName.MessagesReceived, {
    description: 'WebSocket messages read from the server.',
    unit: '{message}',
  });
  // Another no-op meter instance of this API hands out the same shared no-op instruments.
  if (messagesReceived === noopMeter.createCounter(MetricName.MessagesReceived)) return undefined;
  return {
    messagesReceived,
    messagesSent: meter.createCounter(MetricName.MessagesSent, {
      description: 'WebSocket messages written to the server.',
      unit: '{message}',
    }),
    bytesReceived: meter.createCounter(MetricName.BytesReceived, {
      description: 'Payload bytes of the messages read (UTF-8 bytes for text).',
      unit: 'By',
    }),
    bytesSent: meter.createCounter(MetricName.BytesSent, {
      description: 'Payload bytes of the messages written (UTF-8 bytes for text).',
      unit: 'By',
    }),
    reconnects: meter.createCounter(MetricName.Reconnects, {
      description: `Reconnect attempts; \`${Attr.ReconnectOk}\` tells whether each succeeded.`,
      unit: '{attempt}',
    }),
    pingRtt: meter.createHistogram(MetricName.PingRtt, {
      description: 'Round-trip time of keepalive pings, from ping sent to pong received.',
      unit: 'ms',
    }),
  };
}
