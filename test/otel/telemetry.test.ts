import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { metrics, ProxyTracerProvider, SpanStatusCode, trace } from '@opentelemetry/api';
import { DialError, WebSocketCloseError } from '../../src/core/errors.js';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from '../../src/otel/constants.js';
import { createEngineTelemetry, DISABLED_TELEMETRY } from '../../src/otel/telemetry.js';
import { createMetrics, createTracing, resetGlobals, useContextManager } from './helpers.js';

describe('createEngineTelemetry: enabled', () => {
  afterEach(resetGlobals);

  it('is disabled when no SDK is registered and no provider is passed', () => {
    const telemetry = createEngineTelemetry();
    assert.equal(telemetry.enabled, false);
    assert.equal(telemetry, DISABLED_TELEMETRY);
  });

  it('is disabled for a proxy tracer provider without a delegate', () => {
    assert.equal(createEngineTelemetry({ tracerProvider: new ProxyTracerProvider() }).enabled, false);
  });

  it('is enabled with a tracer provider passed', async () => {
    const tracing = createTracing();
    assert.equal(createEngineTelemetry({ tracerProvider: tracing.provider }).enabled, true);
    await tracing.shutdown();
  });

  it('is enabled with only a meter provider passed, and span() then just calls fn', async () => {
    const m = createMetrics();
    const telemetry = createEngineTelemetry({ meterProvider: m.provider });
    assert.equal(telemetry.enabled, true);
    assert.equal(
      telemetry.span('x', {}, (span) => span),
      undefined,
    );
    await m.shutdown();
  });

  it('is enabled when an SDK is registered globally before creation', async () => {
    const tracing = createTracing();
    assert.equal(trace.setGlobalTracerProvider(tracing.provider), true);
    const telemetry = createEngineTelemetry();
    assert.equal(telemetry.enabled, true);
    telemetry.span('wscengine.start', {}, () => {});
    assert.deepEqual(
      tracing.spans().map((s) => s.name),
      ['wscengine.start'],
    );
    await tracing.shutdown();
  });

  it('is enabled when only a global meter provider is registered', async () => {
    const m = createMetrics();
    assert.equal(metrics.setGlobalMeterProvider(m.provider), true);
    assert.equal(createEngineTelemetry().enabled, true);
    await m.shutdown();
  });

  it('the disabled telemetry runs fn without a span and returns its result', () => {
    const telemetry = createEngineTelemetry();
    const promise = Promise.resolve(1);
    assert.equal(
      telemetry.span('x', {}, () => promise),
      promise,
    );
    assert.throws(() => telemetry.span('x', {}, () => assert.fail('boom')), /boom/);
    telemetry.messageIn(1);
    telemetry.messageOut(1);
    telemetry.reconnect(true);
    telemetry.pingRtt(1);
  });

  it('names the instrumentation scope wscengine with the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(INSTRUMENTATION_VERSION, pkg.version);
    const tracing = createTracing();
    createEngineTelemetry({ tracerProvider: tracing.provider }).span('s', {}, () => {});
    const [span] = tracing.spans();
    assert.equal(span.instrumentationScope.name, INSTRUMENTATION_NAME);
    assert.equal(span.instrumentationScope.version, pkg.version);
    await tracing.shutdown();
  });
});

describe('createEngineTelemetry: span()', () => {
  let tracing: ReturnType<typeof createTracing>;
  let cleanupContext: () => void;
  beforeEach(() => {
    tracing = createTracing();
    cleanupContext = useContextManager();
  });
  afterEach(async () => {
    cleanupContext();
    await tracing.shutdown();
  });
  const telemetry = () => createEngineTelemetry({ tracerProvider: tracing.provider });

  it('returns a synchronous result as is and ends the span with its attributes', () => {
    const result = telemetry().span('wscengine.on_open', { 'wscengine.session.id': 'abc' }, (span) => {
      assert.ok(span?.isRecording());
      return 42;
    });
    assert.equal(result, 42);
    const [span] = tracing.spans();
    assert.equal(span.name, 'wscengine.on_open');
    assert.equal(span.attributes['wscengine.session.id'], 'abc');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.ended, true);
  });

  it('records a synchronous throw, sets status ERROR and rethrows the same error', () => {
    const error = new TypeError('bad thing');
    assert.throws(
      () =>
        telemetry().span('wscengine.on_message', {}, () => {
          throw error;
        }),
      (thrown) => thrown === error,
    );
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, 'bad thing');
    assert.equal(span.attributes['error.type'], 'TypeError');
    const [event] = span.events;
    assert.equal(event.name, 'exception');
    assert.equal(event.attributes?.['exception.type'], 'TypeError');
    assert.equal(event.attributes?.['exception.message'], 'bad thing');
    assert.match(String(event.attributes?.['exception.stacktrace']), /bad thing/);
  });

  it('ends the span only when a returned promise resolves, and resolves with its value', async () => {
    let release!: (value: string) => void;
    const result = telemetry().span(
      'wscengine.on_message',
      {},
      () => new Promise<string>((r) => (release = r)),
    );
    assert.ok(result instanceof Promise);
    assert.equal(tracing.spans().length, 0);
    release('done');
    assert.equal(await result, 'done');
    assert.equal(tracing.spans().length, 1);
    assert.equal(tracing.spans()[0].status.code, SpanStatusCode.UNSET);
  });

  it('records a rejection with its wscengine code and rejects with the same error', async () => {
    const error = new DialError('refused');
    await assert.rejects(
      telemetry().span('wscengine.dial', {}, async () => {
        throw error;
      }),
      (thrown) => thrown === error,
    );
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'DialError');
    assert.equal(span.attributes['wscengine.error.code'], 'ERR_DIAL');
    assert.equal(span.events[0].attributes?.['exception.type'], 'DialError');
  });

  it('records a thrown non-Error value', async () => {
    await assert.rejects(
      telemetry().span('x', {}, () => Promise.reject('plain string')),
      (thrown) => thrown === 'plain string',
    );
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.events[0].attributes?.['exception.message'], 'plain string');
  });

  it('treats an orderly close (1000, 1001) as no error, other closes as errors, with code and reason', async () => {
    const t = telemetry();
    await assert.rejects(
      t.span('wscengine.read', {}, () => Promise.reject(new WebSocketCloseError(1000, 'bye'))),
    );
    await assert.rejects(t.span('wscengine.read', {}, () => Promise.reject(new WebSocketCloseError(1006))));
    const [orderly, abnormal] = tracing.spans();
    assert.equal(orderly.status.code, SpanStatusCode.UNSET);
    assert.equal(orderly.events.length, 0);
    assert.equal(orderly.attributes['websocket.close.code'], 1000);
    assert.equal(orderly.attributes['websocket.close.reason'], 'bye');
    assert.equal(abnormal.status.code, SpanStatusCode.ERROR);
    assert.equal(abnormal.attributes['websocket.close.code'], 1006);
    assert.equal(abnormal.attributes['error.type'], 'WebSocketCloseError');
  });

  it('redacts URLs quoted in a recorded error', () => {
    const error = new Error('cannot reach wss://u:PASSWORD@h.example/?token=SECRET');
    assert.throws(() =>
      telemetry().span('x', {}, () => {
        throw error;
      }),
    );
    const serialized = JSON.stringify(tracing.spans()[0].events) + tracing.spans()[0].status.message;
    assert.ok(!serialized.includes('SECRET'));
    assert.ok(!serialized.includes('PASSWORD'));
    assert.match(serialized, /wss:\/\/h\.example\/\?token=REDACTED/);
    assert.equal(
      error.message,
      'cannot reach wss://u:PASSWORD@h.example/?token=SECRET',
      'error left untouched',
    );
  });

  it('makes its span the parent of spans the user starts inside fn', () => {
    const userTracer = tracing.provider.getTracer('user');
    telemetry().span('wscengine.on_message', {}, () => userTracer.startSpan('user.work').end());
    const [user, engine] = tracing.spans();
    assert.equal(user.name, 'user.work');
    assert.equal(user.parentSpanContext?.spanId, engine.spanContext().spanId);
    assert.equal(user.spanContext().traceId, engine.spanContext().traceId);
  });

  it('keeps its span active across an await inside fn', async () => {
    const userTracer = tracing.provider.getTracer('user');
    await telemetry().span('wscengine.on_message', {}, async () => {
      await Promise.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
      userTracer.startSpan('user.after-await').end();
    });
    const user = tracing.byName('user.after-await')[0];
    const engine = tracing.byName('wscengine.on_message')[0];
    assert.equal(user.parentSpanContext?.spanId, engine.spanContext().spanId);
  });

  it('nests under the span active when it is called, and restores it afterwards', async () => {
    const t = telemetry();
    await t.span('wscengine.start', {}, async () => {
      await t.span('wscengine.dial', {}, async () => {});
      assert.equal(trace.getActiveSpan()?.spanContext().spanId, tracing.spans()[0].parentSpanContext?.spanId);
    });
    const start = tracing.byName('wscengine.start')[0];
    const dial = tracing.byName('wscengine.dial')[0];
    assert.equal(dial.parentSpanContext?.spanId, start.spanContext().spanId);
    assert.equal(start.parentSpanContext, undefined);
    assert.equal(trace.getActiveSpan(), undefined);
  });
});

describe('createEngineTelemetry: metrics', () => {
  it('counts messages and bytes, reconnects by outcome, and records ping round trips', async () => {
    const m = createMetrics();
    const telemetry = createEngineTelemetry({ meterProvider: m.provider });
    telemetry.messageIn(10);
    telemetry.messageIn(5);
    telemetry.messageOut(7);
    telemetry.reconnect(false);
    telemetry.reconnect(false);
    telemetry.reconnect(true);
    telemetry.pingRtt(12);
    telemetry.pingRtt(30);

    assert.equal(await m.sum('wscengine.messages.received'), 2);
    assert.equal(await m.sum('wscengine.bytes.received'), 15);
    assert.equal(await m.sum('wscengine.messages.sent'), 1);
    assert.equal(await m.sum('wscengine.bytes.sent'), 7);
    const reconnects = await m.points('wscengine.reconnects');
    const byOk = new Map(reconnects.map((p) => [p.attributes['wscengine.reconnect.ok'], p.value]));
    assert.deepEqual(Object.fromEntries(byOk), { true: 1, false: 2 });
    const [rtt] = await m.points('wscengine.ping.rtt');
    const histogram = rtt.value as { count: number; sum?: number; min?: number; max?: number };
    assert.equal(histogram.count, 2);
    assert.equal(histogram.sum, 42);
    assert.equal(histogram.min, 12);
    assert.equal(histogram.max, 30);
    await m.shutdown();
  });

  it('declares units on the instruments', async () => {
    const m = createMetrics();
    const telemetry = createEngineTelemetry({ meterProvider: m.provider });
    telemetry.messageIn(1);
    telemetry.pingRtt(1);
    const units = new Map<string, string>();
    for (const scope of (await m.collect()).scopeMetrics) {
      for (const metric of scope.metrics) units.set(metric.descriptor.name, metric.descriptor.unit);
    }
    assert.equal(units.get('wscengine.bytes.received'), 'By');
    assert.equal(units.get('wscengine.ping.rtt'), 'ms');
    await m.shutdown();
  });
});
