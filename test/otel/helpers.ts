import { afterEach, beforeEach } from 'node:test';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports only when the test calls `collect()`: no timers, no sleeps. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A tracer provider recording finished spans in memory. */
export function createTracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    provider,
    exporter,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    byName: (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name),
    shutdown: () => provider.shutdown(),
  };
}

/** A meter provider whose metrics the test collects by hand. */
export function createMetrics() {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  async function collect(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    return resourceMetrics;
  }
  /** The data points of the metric named `name` (empty when it has none). */
  async function points(name: string): Promise<DataPoint<number | Histogram>[]> {
    const resourceMetrics = await collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name === name) return metric.dataPoints as DataPoint<number | Histogram>[];
      }
    }
    return [];
  }
  /** Sum of a counter's data points. */
  async function sum(name: string): Promise<number> {
    return (await points(name)).reduce((total, point) => total + (point.value as number), 0);
  }
  return { provider, reader, collect, points, sum, shutdown: () => provider.shutdown() };
}

/**
 * Registers an AsyncLocalStorage context manager for the duration of a test; returns the
 * cleanup that disables it again (the API falls back to its no-op manager).
 */
export function useContextManager(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => {
    manager.disable();
    context.disable();
  };
}

/**
 * A fresh in-memory tracer provider and context manager for each test of the file or suite
 * that calls it (registered with `beforeEach`/`afterEach`); call the result for the current
 * test's.
 */
export function tracingForEachTest(): () => ReturnType<typeof createTracing> {
  let tracing: ReturnType<typeof createTracing> | undefined;
  let cleanupContext: () => void = () => {};
  beforeEach(() => {
    tracing = createTracing();
    cleanupContext = useContextManager();
  });
  afterEach(async () => {
    cleanupContext();
    await tracing?.shutdown();
  });
  return () => {
    if (tracing === undefined) throw new Error('tracingForEachTest(): only inside a test');
    return tracing;
  };
}

/** Unregisters any global tracer/meter provider a test may have set. */
export function resetGlobals(): void {
  trace.disable();
  metrics.disable();
}

/**
 * Everything an exporter would send, as one string: span names, attributes, events,
 * status, links and scope, plus every metric's descriptor and data-point attributes.
 * Tests search it for secrets.
 */
export function serializeAll(spans: readonly ReadableSpan[], resourceMetrics?: ResourceMetrics): string {
  const spanData = spans.map((span) => ({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
    links: span.links,
    scope: span.instrumentationScope,
    resource: span.resource.attributes,
  }));
  const metricData = resourceMetrics?.scopeMetrics.map((scope) => ({
    scope: scope.scope,
    metrics: scope.metrics.map((metric) => ({
      descriptor: metric.descriptor,
      points: metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value })),
    })),
  }));
  return JSON.stringify({ spanData, metricData });
}
