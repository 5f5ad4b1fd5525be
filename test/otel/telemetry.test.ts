import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { DialError, WebSocketCloseError } from '../../src/core/errors.js';
import { inboundQueueOf } from '../../src/core/inbound-seam.js';
import { MessageType } from '../../src/core/message.js';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from '../../src/otel/constants.js';
import { openTelemetry } from '../../src/otel/telemetry.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import {
  createMetrics,
  createTracing,
  resetGlobals,
  tracingForEachTest,
  useContextManager,
} from './helpers.js';

describe('openTelemetry: providers', () => {
  afterEach(resetGlobals);

  it('names the instrumentation scope wscengine with the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(INSTRUMENTATION_VERSION, pkg.version);
    const tracing = createTracing();
    openTelemetry({ tracerProvider: tracing.provider }).span('s', {}, () => {});
    const [span] = tracing.spans();
    assert.equal(span.instrumentationScope.name, INSTRUMENTATION_NAME);
    assert.equal(span.instrumentationScope.version, pkg.version);
    await tracing.shutdown();
  });

  it('uses the global tracer and meter providers when none is passed', async () => {
    const tracing = createTracing();
    const m = createMetrics();
    assert.equal(trace.setGlobalTracerProvider(tracing.provider), true);
    assert.equal(metrics.setGlobalMeterProvider(m.provider), true);
    const telemetry = openTelemetry();
    telemetry.span('wscengine.start', {}, () => {});
    telemetry.reconnect(true);
    assert.deepEqual(
      tracing.spans().map((s) => s.name),
      ['wscengine.start'],
    );
    assert.equal(await m.sum('wscengine.reconnects'), 1);
    await tracing.shutdown();
    await m.shutdown();
  });

  it('sends spans to a global tracer provider registered after it was created', async () => {
    const telemetry = openTelemetry();
    const tracing = createTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    telemetry.span('wscengine.start', {}, () => {});
    assert.deepEqual(
      tracing.spans().map((s) => s.name),
      ['wscengine.start'],
    );
    await tracing.shutdown();
  });

  it('without an SDK anywhere, runs fn and passes its result and errors through', async () => {
    const telemetry = openTelemetry();
    const promise = Promise.resolve(1);
    assert.equal(await telemetry.span('x', {}, () => promise), 1);
    assert.equal(
      telemetry.span('x', {}, () => 7),
      7,
    );
    const error = new Error('boom');
    assert.throws(
      () =>
        telemetry.span('x', {}, () => {
          throw error;
        }),
      (thrown) => thrown === error,
    );
    telemetry.reconnect(false);
    const mock = new WebSocketConnectionAdapterMock();
    const conn = telemetry.instrument(mock);
    await conn.dial(new URL('ws://example.com/'));
    mock.pushMessage({ type: MessageType.Text, data: 'hi' });
    assert.deepEqual(await conn.read(), { type: MessageType.Text, data: 'hi' });
  });

  it('uses only the meter provider passed when no tracer provider is, and the other way round', async () => {
    const m = createMetrics();
    openTelemetry({ meterProvider: m.provider }).reconnect(true);
    assert.equal(await m.sum('wscengine.reconnects'), 1);
    const tracing = createTracing();
    openTelemetry({ tracerProvider: tracing.provider }).span('wscengine.stop', {}, () => {});
    assert.equal(tracing.spans().length, 1);
    await tracing.shutdown();
    await m.shutdown();
  });
});

describe('openTelemetry: instrument()', () => {
  it('returns a new adapter with the six methods of the contract, not the adapter itself', () => {
    const mock = new WebSocketConnectionAdapterMock();
    const conn = openTelemetry().instrument(mock);
    assert.notEqual(conn, mock);
    for (const method of ['dial', 'close', 'ping', 'read', 'write', 'getUnderlyingConnection'] as const) {
      assert.equal(typeof conn[method], 'function', method);
    }
  });

  it("hides the engine's inbound seam of the inner adapter, so the engine reads (and traces) through read()", () => {
    const queue = { fake: 'queue' };
    const inner = Object.assign(new WebSocketConnectionAdapterMock(), {
      [Symbol.for('wscengine.inboundQueue')]: () => queue,
      readQueued: () => undefined,
      watchReads: () => {},
    });
    assert.equal(inboundQueueOf(inner), queue, 'the inner adapter exposes a queue');
    const conn = openTelemetry().instrument(inner);
    assert.equal(inboundQueueOf(conn), undefined);
    assert.equal('readQueued' in conn, false);
    assert.equal('watchReads' in conn, false);
  });
});

describe('openTelemetry: span()', () => {
  const tracing = tracingForEachTest();
  const telemetry = () => openTelemetry({ tracerProvider: tracing().provider });

  it('returns a synchronous result as is and ends the span with its attributes', () => {
    const result = telemetry().span('wscengine.on_open', { 'wscengine.session.id': 'abc' }, () => {
      assert.ok(trace.getActiveSpan()?.isRecording(), 'its span is the active one');
      return 42;
    });
    assert.equal(result, 42);
    const [span] = tracing().spans();
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
    const [span] = tracing().spans();
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
    assert.equal(tracing().spans().length, 0);
    release('done');
    assert.equal(await result, 'done');
    assert.equal(tracing().spans().length, 1);
    assert.equal(tracing().spans()[0].status.code, SpanStatusCode.UNSET);
  });

  it('records a rejection with its wscengine code and rejects with the same error', async () => {
    const error = new DialError('refused');
    await assert.rejects(
      telemetry().span('wscengine.dial', {}, async () => {
        throw error;
      }),
      (thrown) => thrown === error,
    );
    const [span] = tracing().spans();
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
    const [span] = tracing().spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.events[0].attributes?.['exception.message'], 'plain string');
  });

  it('treats an orderly close (1000, 1001) as no error, other closes as errors, with code and reason', async () => {
    const t = telemetry();
    await assert.rejects(
      t.span('wscengine.read', {}, () => Promise.reject(new WebSocketCloseError(1000, 'bye'))),
    );
    await assert.rejects(t.span('wscengine.read', {}, () => Promise.reject(new WebSocketCloseError(1006))));
    const [orderly, abnormal] = tracing().spans();
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
    const serialized = JSON.stringify(tracing().spans()[0].events) + tracing().spans()[0].status.message;
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
    const userTracer = tracing().provider.getTracer('user');
    telemetry().span('wscengine.on_message', {}, () => userTracer.startSpan('user.work').end());
    const [user, engine] = tracing().spans();
    assert.equal(user.name, 'user.work');
    assert.equal(user.parentSpanContext?.spanId, engine.spanContext().spanId);
    assert.equal(user.spanContext().traceId, engine.spanContext().traceId);
  });

  it('keeps its span active across an await inside fn', async () => {
    const userTracer = tracing().provider.getTracer('user');
    await telemetry().span('wscengine.on_message', {}, async () => {
      await Promise.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
      userTracer.startSpan('user.after-await').end();
    });
    const user = tracing().byName('user.after-await')[0];
    const engine = tracing().byName('wscengine.on_message')[0];
    assert.equal(user.parentSpanContext?.spanId, engine.spanContext().spanId);
  });

  it('nests under the span active when it is called, and restores it afterwards', async () => {
    const t = telemetry();
    await t.span('wscengine.start', {}, async () => {
      await t.span('wscengine.dial', {}, async () => {});
      assert.equal(
        trace.getActiveSpan()?.spanContext().spanId,
        tracing().spans()[0].parentSpanContext?.spanId,
      );
    });
    const start = tracing().byName('wscengine.start')[0];
    const dial = tracing().byName('wscengine.dial')[0];
    assert.equal(dial.parentSpanContext?.spanId, start.spanContext().spanId);
    assert.equal(start.parentSpanContext, undefined);
    assert.equal(trace.getActiveSpan(), undefined);
  });
});

describe('openTelemetry: detached()', () => {
  it('runs fn without the active span, so spans started inside, also after an await, are roots', async () => {
    const tracing = createTracing();
    const cleanupContext = useContextManager();
    const telemetry = openTelemetry({ tracerProvider: tracing.provider });
    let background: Promise<void> | undefined;
    await telemetry.span('wscengine.start', {}, async () => {
      background = telemetry.detached(async () => {
        assert.equal(trace.getActiveSpan(), undefined);
        await new Promise<void>((resolve) => setImmediate(resolve));
        await telemetry.span('wscengine.on_message', {}, async () => {});
      });
      assert.ok(trace.getActiveSpan(), 'the caller keeps its span');
    });
    await background;
    assert.equal(tracing.byName('wscengine.on_message')[0].parentSpanContext, undefined);
    cleanupContext();
    await tracing.shutdown();
  });

  it('returns what fn returns', () => {
    assert.equal(
      openTelemetry().detached(() => 7),
      7,
    );
  });
});

describe('openTelemetry: metrics', () => {
  it('counts reconnect attempts by outcome', async () => {
    const m = createMetrics();
    const telemetry = openTelemetry({ meterProvider: m.provider });
    telemetry.reconnect(false);
    telemetry.reconnect(false);
    telemetry.reconnect(true);
    const reconnects = await m.points('wscengine.reconnects');
    const byOk = new Map(reconnects.map((p) => [p.attributes['wscengine.reconnect.ok'], p.value]));
    assert.deepEqual(Object.fromEntries(byOk), { true: 1, false: 2 });
    await m.shutdown();
  });

  it('declares units on the instruments', async () => {
    const m = createMetrics();
    const telemetry = openTelemetry({ meterProvider: m.provider });
    const mock = new WebSocketConnectionAdapterMock();
    const conn = telemetry.instrument(mock);
    await conn.dial(new URL('ws://example.com/'));
    mock.pushMessage({ type: MessageType.Text, data: 'x' });
    await conn.read();
    await conn.write(MessageType.Text, 'y');
    await conn.ping();
    telemetry.reconnect(true);
    const units = new Map<string, string>();
    for (const scope of (await m.collect()).scopeMetrics) {
      for (const metric of scope.metrics) units.set(metric.descriptor.name, metric.descriptor.unit);
    }
    assert.deepEqual(Object.fromEntries(units), {
      'wscengine.messages.received': '{message}',
      'wscengine.bytes.received': 'By',
      'wscengine.messages.sent': '{message}',
      'wscengine.bytes.sent': 'By',
      'wscengine.ping.rtt': 'ms',
      'wscengine.reconnects': '{attempt}',
    });
    await m.shutdown();
  });
});
