// ENGINE.md "Observability": "every public operation ... is a span". request() is a
// `wscengine.request` span from the call to the reply; send() and messages() are what they
// do on the wire, traced through the instrumented adapter (docs/observability.md, the span
// table: `wscengine.write` for `engine.send()`, `wscengine.read` for each message read).
// Mock adapter, spans in memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WebSocketEngineOptions } from '../../src/engine/index.js';
import { Attr, openTelemetry, SpanName } from '../../src/otel/index.js';
import { setup, text, until } from '../engine/helpers.js';
import { tracingForEachTest } from './helpers.js';

const tracing = tracingForEachTest();

const engineWith = (options: Partial<WebSocketEngineOptions> = {}) =>
  setup({ telemetry: openTelemetry({ tracerProvider: tracing().provider }), ...options });

/** Waits for `n` finished spans named `name`, and returns them. */
async function spans(name: string, n = 1): Promise<ReadableSpan[]> {
  await until(() => tracing().byName(name).length >= n, `${n} ${name} span(s)`);
  return tracing().byName(name);
}

/** The sizes of the `wscengine.read` spans that read a message (not the close). */
const readSizes = () =>
  tracing()
    .byName(SpanName.Read)
    .map((read) => read.attributes[Attr.BodySize])
    .filter((size) => size !== undefined);

describe('ENGINE.md Observability: send(), request() and messages()', () => {
  it('each send() is one wscengine.write span, child of the span active where send() was called', async () => {
    const s = engineWith();
    await s.engine.start();
    await tracing()
      .provider.getTracer('user')
      .startActiveSpan('user.publish', async (span) => {
        await s.engine.send('hello');
        await s.engine.send(new Uint8Array(3));
        span.end();
      });
    const writes = await spans(SpanName.Write, 2);
    assert.deepEqual(
      writes.map((w) => [w.attributes[Attr.MessageType], w.attributes[Attr.BodySize]]),
      [
        ['text', 5],
        ['binary', 3],
      ],
    );
    const [user] = await spans('user.publish');
    for (const write of writes) assert.equal(write.parentSpanContext?.spanId, user.spanContext().spanId);
    await s.engine.stop();
  });

  it('request() is a wscengine.request span until its reply, parent of the write; the reply is a read', async () => {
    const s = engineWith({ requests: { idOf: (m) => String(m.data).split(':')[0] } });
    await s.engine.start();
    const reply = s.engine.request('r1:get', { id: 'r1' });
    await s.adapter.write.waitForCall(1);
    assert.equal(tracing().byName(SpanName.Request).length, 0, 'still open while the reply is awaited');
    s.adapter.pushMessage(text('r1:answer'));
    assert.equal((await reply).data, 'r1:answer');
    const [request] = await spans(SpanName.Request);
    const [write] = await spans(SpanName.Write);
    assert.equal(write.attributes[Attr.BodySize], 6);
    assert.equal(write.parentSpanContext?.spanId, request.spanContext().spanId);
    await until(() => readSizes().length > 0, 'the read of the reply');
    assert.deepEqual(readSizes(), [9]);
    assert.equal(s.client.onMessage.callCount, 0, 'the reply went to its request only');
    await s.engine.stop();
  });

  it('a request that times out ends its wscengine.request span as an error', async () => {
    const s = engineWith({ requests: { idOf: () => undefined, timeoutMs: 1_000 } });
    await s.engine.start();
    const reply = s.engine.request('r2:get', { id: 'r2' });
    const outcome = assert.rejects(reply, { code: 'ERR_REQUEST_TIMEOUT' });
    await s.adapter.write.waitForCall(1);
    await s.clock.advance(1_000);
    await outcome;
    const [request] = await spans(SpanName.Request);
    assert.equal(request.status.code, 2, 'status ERROR');
    assert.equal(request.attributes['wscengine.error.code'], 'ERR_REQUEST_TIMEOUT');
    await s.engine.stop();
  });

  it('each message messages() yields is one wscengine.read span', async () => {
    const s = engineWith({ client: {} });
    await s.engine.start();
    s.adapter.pushMessage(text('one'));
    s.adapter.pushMessage(text('three'));
    const pulled: unknown[] = [];
    for await (const message of s.engine.messages()) {
      pulled.push(message.data);
      if (pulled.length === 2) break;
    }
    assert.deepEqual(pulled, ['one', 'three']);
    await s.engine.stop();
    assert.deepEqual(readSizes(), [3, 5]);
  });
});
