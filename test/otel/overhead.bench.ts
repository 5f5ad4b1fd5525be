// Run by hand: `node --import tsx test/otel/overhead.bench.ts`. Not a test (timings are
// machine-dependent); it prints the per-call cost of span() against a direct call.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createEngineTelemetry } from '../../src/otel/telemetry.js';
import type { EngineTelemetry } from '../../src/otel/types.js';

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

const disabled: EngineTelemetry = createEngineTelemetry();
// An SDK with no span processor: the cost of creating and ending spans, no export.
const sdk: EngineTelemetry = createEngineTelemetry({ tracerProvider: new BasicTracerProvider() });
console.log(`disabled.enabled=${disabled.enabled} sdk.enabled=${sdk.enabled}`);

time('direct call', ITERATIONS, () => {
  sink = work();
});
time('no SDK: telemetry.span(name, attrs, fn)', ITERATIONS, () => {
  sink = disabled.span('wscengine.on_message', ATTRIBUTES, work);
});
time('no SDK: enabled ? span(...) : fn() (engine style)', ITERATIONS, () => {
  sink = disabled.enabled ? disabled.span('wscengine.on_message', ATTRIBUTES, work) : work();
});
time('SDK, no exporter: telemetry.span (sync)', ITERATIONS / 10, () => {
  sink = sdk.span('wscengine.on_message', ATTRIBUTES, work);
});
const asyncWork = async (): Promise<number> => sink + 1;
await timeAsync('async direct call', ITERATIONS / 10, asyncWork);
await timeAsync('no SDK: telemetry.span (async fn)', ITERATIONS / 10, () =>
  disabled.span('wscengine.on_message', ATTRIBUTES, asyncWork),
);
await timeAsync('SDK, no exporter: telemetry.span (async fn)', ITERATIONS / 10, () =>
  sdk.span('wscengine.on_message', ATTRIBUTES, asyncWork),
);
console.log(`(sink ${sink})`);
