// Run by hand: `node --import tsx test/otel/overhead.bench.ts`. Not a test (timings are
// machine-dependent); it prints the per-call cost of span() against a direct call, which is
// what an engine without the `telemetry` option does.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { EngineTelemetry } from '../../src/engine/telemetry.js';
import { openTelemetry } from '../../src/otel/index.js';

const ITERATIONS = 5_000_000;
const ATTRIBUTES = { 'wscengine.session.id': 'bench' };
let sink = 0;
const work = (): number => sink + 1;

function time(label: string, iterations: number, body: () => void): void {
  for (let i = 0; i < 100_000; i++) body(); // warm up (JIT)
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${label.padEnd(52)} ${ns.toFixed(2).padStart(8)} ns/call`);
}

async function timeAsync(label: string, iterations: number, body: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 10_000; i++) await body();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await body();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${label.padEnd(52)} ${ns.toFixed(2).padStart(8)} ns/call`);
}

// No SDK registered: the API's no-op tracer and meter.
const noSdk: EngineTelemetry = openTelemetry();
// An SDK with no span processor: the cost of creating and ending spans, no export.
const sdk: EngineTelemetry = openTelemetry({ tracerProvider: new BasicTracerProvider() });

time('direct call (no telemetry option)', ITERATIONS, () => {
  sink = work();
});
time('openTelemetry(), no SDK: span (sync)', ITERATIONS / 10, () => {
  sink = noSdk.span('wscengine.on_message', ATTRIBUTES, work);
});
time('openTelemetry(), SDK, no exporter: span (sync)', ITERATIONS / 10, () => {
  sink = sdk.span('wscengine.on_message', ATTRIBUTES, work);
});
const asyncWork = async (): Promise<number> => sink + 1;
await timeAsync('async direct call (no telemetry option)', ITERATIONS / 10, asyncWork);
await timeAsync('openTelemetry(), no SDK: span (async fn)', ITERATIONS / 10, () =>
  noSdk.span('wscengine.on_message', ATTRIBUTES, asyncWork),
);
await timeAsync('openTelemetry(), SDK, no exporter: span (async fn)', ITERATIONS / 10, () =>
  sdk.span('wscengine.on_message', ATTRIBUTES, asyncWork),
);
console.log(`(sink ${sink})`);
