import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import type { Message } from '../../../src/core/index.js';
import { startServer, type TestServer, waitUntil } from './helpers.js';

const COUNT = 2000;
const SIZE = 16 * 1024;

describe('WsAdapter inbound back-pressure', { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('pauses the socket while the queue is full, then delivers every message in order', async () => {
    const adapter = new WsAdapter({ inboundQueue: { maxMessages: 8, maxBytes: 64 * 1024 * 1024 } });
    await adapter.dial(server.url);
    const peer = await server.accept();
    const ws = adapter.getUnderlyingConnection()!;
    for (let i = 0; i < COUNT; i++) {
      const data = Buffer.alloc(SIZE, i & 0xff);
      data.writeUInt32BE(i, 0);
      peer.ws.send(data);
    }
    await waitUntil(() => ws.isPaused, 'the client pauses its socket');
    // Not a synchronisation sleep: the check is that nothing moves while nobody reads.
    await delay(100);
    assert.equal(ws.isPaused, true);
    assert.ok(peer.ws.bufferedAmount > 0, 'the server still holds unsent data');
    let next = 0;
    const check = (message: Message) => {
      assert.ok(message.data instanceof Uint8Array);
      assert.equal(message.data.byteLength, SIZE);
      assert.equal(Buffer.from(message.data.buffer, message.data.byteOffset, 4).readUInt32BE(0), next++);
    };
    while (next < COUNT) check(await adapter.read());
    assert.equal(ws.isPaused, false);
    await adapter.close(1000);
  });

  it('still completes the close handshake while the queue is full', async () => {
    const adapter = new WsAdapter({
      inboundQueue: { maxMessages: 2, maxBytes: 1024 * 1024 },
      closeTimeoutMs: 10_000,
    });
    await adapter.dial(server.url);
    const peer = await server.accept();
    const ws = adapter.getUnderlyingConnection()!;
    for (let i = 0; i < 200; i++) peer.ws.send(Buffer.alloc(SIZE));
    await waitUntil(() => ws.isPaused, 'the client pauses its socket');
    const started = performance.now();
    await adapter.close(1000);
    assert.ok(performance.now() - started < 5000, 'close waited for its timeout instead of the handshake');
    assert.equal((await peer.closed).code, 1000);
  });
});
