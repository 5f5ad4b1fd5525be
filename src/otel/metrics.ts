import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { Attr, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, MetricName } from './constants.js';

/** The metric instruments of one `openTelemetry()`, created once. @internal */
export interface Instruments {
  messagesReceived: Counter;
  messagesSent: Counter;
  bytesReceived: Counter;
  bytesSent: Counter;
  reconnects: Counter;
  pingRtt: Histogram;
}

// Shared, frozen attribute sets: the reconnect counter allocates nothing per call.
/** @internal */
export const RECONNECT_OK: Attributes = Object.freeze({ [Attr.ReconnectOk]: true });
/** @internal */
export const RECONNECT_FAILED: Attributes = Object.freeze({ [Attr.ReconnectOk]: false });

/**
 * Creates the six instruments on a meter named `wscengine`. Metrics carry no session id
 * and no URL, so their cardinality stays fixed however many sessions an engine runs.
 * @internal
 */
export function createInstruments(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  return {
    messagesReceived: meter.createCounter(MetricName.MessagesReceived, {
      description: 'WebSocket messages read from the server.',
      unit: '{message}',
    }),
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
      description: 'Round-trip time of pings, from ping sent to pong received.',
      unit: 'ms',
    }),
  };
}
