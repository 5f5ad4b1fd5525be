import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { WebSocketEngine } from '../../src/engine/index.js';
import { MessageType } from '../../src/index.js';
import { openTelemetry } from '../../src/otel/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { until } from '../engine/helpers.js';

describe('ENGINE.md Observability', () => {
  it('public operations and callbacks are spans with session ids and sizes; credentials in the URL never appear', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const { client: adapter, server } = createInMemoryPair();
    const client = new WebSocketClientMock();
    client.onMessage.implementation(({ conn }) => conn.write(MessageType.Text, 'pong'));
    const secretUrl = new URL(server.url);
    secretUrl.username = 'bob';
    secretUrl.password = 'hunter2';
    secretUrl.search = '?token=s3cr3t';
    const telemetry = openTelemetry({ tracerProvider });
    const engine = new WebSocketEngine({ url: secretUrl, adapter, client, telemetry, readers: 1 });
    try {
      await engine.start();
      const peer = await server.accept();
      await peer.send({ type: MessageType.Text, data: 'ping' });
      await peer.nextMessage();
      await engine.stop();
    } finally {
      await engine.stop();
      await server.close();
    }
    await until(() => exporter.getFinishedSpans().some((s) => s.name === 'wscengine.stop'), 'stop span');
    const spans = exporter.getFinishedSpans();
    const names = new Set(spans.map((s) => s.name));
    for (const name of [
      'wscengine.start',
      'wscengine.dial',
      'wscengine.on_open',
      'wscengine.on_message',
      'wscengine.write',
      'wscengine.on_close',
      'wscengine.close',
      'wscengine.stop',
    ]) {
      assert.ok(names.has(name), `span ${name}`);
    }
    const onMessage = spans.find((s) => s.name === 'wscengine.on_message');
    assert.equal(typeof onMessage?.attributes['wscengine.session.id'], 'string');
    assert.equal(onMessage?.attributes['messaging.message.body.size'], 4);
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    assert.ok(!everything.includes('s3cr3t'), 'no token in any span');
    assert.ok(!everything.includes('hunter2'), 'no password in any span');
    await tracerProvider.shutdown();
  });
});
