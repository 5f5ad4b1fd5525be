import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocketEngine } from '../../src/engine/index.js';
import { type Message, MessageType } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { until } from './helpers.js';

describe('engine over the in-memory pair', () => {
  it('every message reaches onMessage exactly once, in order, across a peer close and reconnect', async () => {
    const { client: adapter, server } = createInMemoryPair();
    const client = new WebSocketClientMock();
    const engine = new WebSocketEngine({
      url: server.url,
      adapter,
      client,
      readers: 4,
      reconnect: { minUptimeMs: 0 },
    });
    try {
      await engine.start();
      let peer = await server.accept();
      const sent: string[] = [];
      for (let i = 0; i < 200; i++) {
        sent.push(String(i));
        await peer.send({ type: MessageType.Text, data: String(i) });
      }
      peer.close(4000, 'rotate');
      peer = await server.accept();
      for (let i = 200; i < 400; i++) {
        sent.push(String(i));
        await peer.send({ type: MessageType.Text, data: String(i) });
      }
      await until(() => client.onMessage.callCount === 400, '400 messages');
      assert.deepEqual(
        client.receivedMessages().map((m: Message) => m.data),
        sent,
      );
      assert.deepEqual(client.onClose.calls[0].args[0].closeMessage, { code: 4000, reason: 'rotate' });
      await engine.stop();
      assert.equal((await peer.closed).code, 1001);
    } finally {
      await engine.stop();
      await server.close();
    }
  });
});
