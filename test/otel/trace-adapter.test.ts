import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import type { WebSocketConnectionAdapter } from '../../src/core/adapter.js';
import { DialError, HandshakeError, WebSocketCloseError } from '../../src/core/errors.js';
import { MessageType } from '../../src/core/message.js';
import { utf8ByteLength } from '../../src/core/message-size.js';
import { openTelemetry } from '../../src/otel/telemetry.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import { createMetrics, createTracing, serializeAll, useContextManager } from './helpers.js';

describe('openTelemetry().instrument(): the traced adapter', () => {
  let tracing: ReturnType<typeof createTracing>;
  let m: ReturnType<typeof createMetrics>;
  let cleanupContext: () => void;
  let mock: WebSocketConnectionAdapterMock;
  let conn: WebSocketConnectionAdapter;
  beforeEach(() => {
    tracing = createTracing();
    m = createMetrics();
    cleanupContext = useContextManager();
    mock = new WebSocketConnectionAdapterMock();
    conn = openTelemetry({ tracerProvider: tracing.provider, meterProvider: m.provider }).instrument(mock);
  });
  afterEach(async () => {
    cleanupContext();
    await tracing.shutdown();
    await m.shutdown();
  });

  it('traces dial with the redacted URL, server address and port, and the negotiated protocol', async () => {
    mock.dial.resolvesOnce({
      status: 101,
      headers: {},
      protocol: 'chat.v2',
      extensions: 'permessage-deflate',
    });
    const target = new URL('wss://user:pass@ws.example.com:8443/feed?token=SECRET');
    const response = await conn.dial(target);
    assert.equal(response.protocol, 'chat.v2');
    assert.equal(mock.dial.lastCall?.args[0], target, 'the original URL reaches the adapter');
    const [span] = tracing.byName('wscengine.dial');
    assert.deepEqual(span.attributes, {
      'url.full': 'wss://ws.example.com:8443/feed?token=REDACTED',
      'server.address': 'ws.example.com',
      'server.port': 8443,
      'http.response.status_code': 101,
      'websocket.protocol': 'chat.v2',
      'websocket.extensions': 'permessage-deflate',
    });
  });

  it('marks a failed dial as an error, with the handshake status', async () => {
    const error = new HandshakeError(401);
    mock.dial.rejectsOnce(error);
    await assert.rejects(conn.dial(new URL('wss://example.com/')), (thrown) => thrown === error);
    const [span] = tracing.byName('wscengine.dial');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['http.response.status_code'], 401);
    assert.equal(span.attributes['error.type'], 'HandshakeError');
    assert.equal(span.events[0].name, 'exception');
  });

  it('traces reads with type and size, and counts messages and bytes', async () => {
    await conn.dial(new URL('ws://example.com/'));
    mock.pushMessage({ type: MessageType.Text, data: 'héllo' });
    mock.pushMessage({ type: MessageType.Binary, data: new Uint8Array(10) });
    assert.deepEqual(await conn.read(), { type: MessageType.Text, data: 'héllo' });
    assert.equal((await conn.read()).data.length, 10);
    const reads = tracing.byName('wscengine.read');
    assert.deepEqual(
      reads.map((s) => [s.attributes['websocket.message.type'], s.attributes['messaging.message.body.size']]),
      [
        ['text', 6],
        ['binary', 10],
      ],
    );
    assert.equal(await m.sum('wscengine.messages.received'), 2);
    assert.equal(await m.sum('wscengine.bytes.received'), 16);
  });

  it('ends a read span with the close code when the peer closes', async () => {
    await conn.dial(new URL('ws://example.com/'));
    mock.pushClose(4001, 'kicked');
    await assert.rejects(conn.read(), (e) => e instanceof WebSocketCloseError && e.code === 4001);
    const [span] = tracing.byName('wscengine.read');
    assert.equal(span.attributes['websocket.close.code'], 4001);
    assert.equal(span.attributes['websocket.close.reason'], 'kicked');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(await m.sum('wscengine.messages.received'), 0);
  });

  it('traces writes with type and size and counts only successful ones', async () => {
    await conn.dial(new URL('ws://example.com/'));
    await conn.write(MessageType.Text, 'abc');
    await conn.write(MessageType.Binary, new Uint8Array(4));
    mock.write.rejectsOnce(new Error('broken pipe'));
    await assert.rejects(conn.write(MessageType.Text, 'lost'), /broken pipe/);
    assert.deepEqual(mock.writtenMessages().slice(0, 2), [
      { type: MessageType.Text, data: 'abc' },
      { type: MessageType.Binary, data: new Uint8Array(4) },
    ]);
    const writes = tracing.byName('wscengine.write');
    assert.deepEqual(
      writes.map((s) => [
        s.attributes['websocket.message.type'],
        s.attributes['messaging.message.body.size'],
      ]),
      [
        ['text', 3],
        ['binary', 4],
        ['text', 4],
      ],
    );
    assert.equal(writes[2].status.code, SpanStatusCode.ERROR);
    assert.equal(await m.sum('wscengine.messages.sent'), 2);
    assert.equal(await m.sum('wscengine.bytes.sent'), 7);
  });

  it('traces ping and records its round-trip time', async () => {
    await conn.dial(new URL('ws://example.com/'));
    await conn.ping();
    const [span] = tracing.byName('wscengine.ping');
    const rtt = span.attributes['wscengine.ping.rtt_ms'];
    assert.equal(typeof rtt, 'number');
    assert.ok((rtt as number) >= 0);
    const [point] = await m.points('wscengine.ping.rtt');
    assert.equal((point.value as { count: number }).count, 1);
  });

  it('traces close with code and reason', async () => {
    await conn.dial(new URL('ws://example.com/'));
    await conn.close(4000, 'done here');
    assert.deepEqual(mock.close.lastCall?.args.slice(0, 2), [4000, 'done here']);
    const [span] = tracing.byName('wscengine.close');
    assert.deepEqual(span.attributes, {
      'websocket.close.code': 4000,
      'websocket.close.reason': 'done here',
    });
  });

  it('passes getUnderlyingConnection through', () => {
    const socket = { fake: true };
    mock.getUnderlyingConnection.returns(socket);
    assert.equal(conn.getUnderlyingConnection(), socket);
  });

  it('traces every read, each message a span of its own, with concurrent reads', async () => {
    await conn.dial(new URL('ws://example.com/'));
    const reads = [conn.read(), conn.read(), conn.read()];
    for (const data of ['a', 'bb', 'ccc']) mock.pushMessage({ type: MessageType.Text, data });
    assert.deepEqual(
      (await Promise.all(reads)).map((message) => message.data),
      ['a', 'bb', 'ccc'],
    );
    assert.deepEqual(
      tracing.byName('wscengine.read').map((s) => s.attributes['messaging.message.body.size']),
      [1, 2, 3],
    );
    assert.equal(await m.sum('wscengine.messages.received'), 3);
  });

  it('nests adapter spans under the active span', async () => {
    const userTracer = tracing.provider.getTracer('user');
    await userTracer.startActiveSpan('user.parent', async (parent) => {
      await conn.dial(new URL('ws://example.com/'));
      parent.end();
    });
    const [dial] = tracing.byName('wscengine.dial');
    const [parent] = tracing.byName('user.parent');
    assert.equal(dial.parentSpanContext?.spanId, parent.spanContext().spanId);
  });

  it('never exports a credential from the URL, errors or close reasons', async () => {
    const raw = 'wss://alice:PASSW0RD@ws.example.com/feed?token=T0KEN&sig=S1GNATURE&api_key=K3Y#FRAGM3NT';
    mock.dial.rejectsOnce(new DialError(`cannot reach ${raw}`));
    await assert.rejects(conn.dial(new URL(raw)));
    await conn.dial(new URL(raw));
    mock.pushMessage({ type: MessageType.Text, data: 'x' });
    await conn.read();
    await conn.write(MessageType.Text, 'y');
    await conn.ping();
    await conn.close(4000, `moved to ${raw}`);
    const exported = serializeAll(tracing.spans(), await m.collect());
    assert.ok(
      exported.includes('wscengine.dial') && exported.includes('wscengine.bytes.sent'),
      'data was exported',
    );
    for (const secret of ['alice', 'PASSW0RD', 'T0KEN', 'S1GNATURE', 'K3Y', 'FRAGM3NT']) {
      assert.ok(!exported.includes(secret), `${secret} leaked`);
    }
  });
});

describe('utf8ByteLength', () => {
  it('matches TextEncoder for ASCII, 2-, 3- and 4-byte characters and lone surrogates', () => {
    const encoder = new TextEncoder();
    for (const text of ['', 'abc', 'héllo', '€uro', '😀 ok', 'a\ud800b', '\udc00', 'x\ud83d', '日本語😀é']) {
      assert.equal(utf8ByteLength(text), encoder.encode(text).byteLength, JSON.stringify(text));
    }
  });
});
