// The engine's read path without a promise per message: `inboundQueueOf(adapter)` is the
// current connection's queue, which the engine watches and drains with `shift()`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import { inboundQueueOf, type QueueConsumer } from '../../../src/core/inbound-seam.js';
import { MessageType, WebSocketCloseError } from '../../../src/core/index.js';
import { connect, startServer, type TestServer, waitUntil } from './helpers.js';

/** A consumer that counts its calls, and optionally runs `onQueued` from `queued()`. */
function counting(onQueued?: () => void): QueueConsumer & { queuedCalls: number; endedCalls: number } {
  return {
    queuedCalls: 0,
    endedCalls: 0,
    queued() {
      this.queuedCalls++;
      onQueued?.();
    },
    ended() {
      this.endedCalls++;
    },
  };
}

function isCloseError(code: number) {
  return (error: unknown) => error instanceof WebSocketCloseError && error.code === code;
}

describe('WsAdapter inbound queue seam', { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('has no queue before the first dial', () => {
    assert.equal(inboundQueueOf(new WsAdapter()), undefined);
  });

  it("gives the connection's queue: watched, it hears each queued message, which shift() returns in order", async () => {
    const { adapter, peer } = await connect(server);
    const queue = inboundQueueOf(adapter);
    assert.ok(queue);
    const consumer = counting();
    queue.watch(consumer);
    const read = adapter.read();
    peer.ws.send('to the pending read');
    assert.equal((await read).data, 'to the pending read');
    for (const data of ['one', 'two']) peer.ws.send(data);
    peer.ws.send(Buffer.from([3]));
    await adapter.ping(); // the pong comes after the messages
    assert.equal(consumer.queuedCalls, 3, 'not for the message the pending read took');
    assert.deepEqual(queue.shift(), { type: MessageType.Text, data: 'one' });
    assert.deepEqual(queue.shift(), { type: MessageType.Text, data: 'two' });
    const binary = queue.shift();
    assert.ok(binary?.type === MessageType.Binary);
    assert.deepEqual([...binary.data], [3]);
    assert.equal(queue.shift(), undefined);
    assert.equal(consumer.endedCalls, 0);
    await adapter.close(1000);
    assert.equal(consumer.endedCalls, 1);
  });

  it("ends the queue on the peer's close: shift() drains it, then read rejects with the peer's code", async () => {
    const { adapter, peer } = await connect(server);
    const queue = inboundQueueOf(adapter)!;
    const consumer = counting();
    queue.watch(consumer);
    peer.ws.send('last words');
    peer.ws.close(4001, 'bye');
    await waitUntil(() => consumer.endedCalls > 0, 'ended() is called');
    assert.equal(queue.isEnded, true);
    assert.equal(inboundQueueOf(adapter), queue, 'kept after the end, so it can be drained');
    assert.equal(queue.shift()?.data, 'last words');
    assert.equal(queue.shift(), undefined);
    await assert.rejects(queue.read(), isCloseError(4001));
    await assert.rejects(adapter.read(), isCloseError(4001));
    await peer.closed;
    assert.equal(consumer.endedCalls, 1);
    const late = counting();
    queue.watch(late);
    assert.equal(late.endedCalls, 1, 'a consumer watching an ended queue hears ended() at once');
  });

  it('ends the queue synchronously on a local close', async () => {
    const { adapter } = await connect(server);
    const consumer = counting();
    inboundQueueOf(adapter)!.watch(consumer);
    const closing = adapter.close(1000, 'done');
    assert.equal(consumer.endedCalls, 1);
    await closing;
    assert.equal(consumer.endedCalls, 1);
  });

  it("gives the new connection's queue after a new dial; the old one ends and its consumer hears nothing new", async () => {
    const { adapter, peer } = await connect(server);
    const first = inboundQueueOf(adapter)!;
    const old = counting();
    first.watch(old);
    await adapter.dial(server.url);
    const second = await server.accept();
    assert.equal((await peer.closed).code, 1001);
    const queue = inboundQueueOf(adapter);
    assert.ok(queue && queue !== first);
    assert.equal(queue.isEnded, false);
    assert.equal(old.endedCalls, 1);
    second.ws.send('on the new connection');
    await adapter.ping();
    assert.equal(old.queuedCalls, 0);
    assert.equal(queue.shift()?.data, 'on the new connection');
    await adapter.close(1000);
  });

  it('keeps back-pressure: pauses the socket while full, resumes as shift() drains', async () => {
    const count = 500;
    const size = 16 * 1024;
    const { adapter, peer } = await connect(server, {
      inboundQueue: { maxMessages: 8, maxBytes: 64 * 1024 * 1024 },
    });
    const ws = adapter.getUnderlyingConnection()!;
    const queue = inboundQueueOf(adapter)!;
    let wake: (() => void) | undefined;
    const consumer = counting(() => {
      wake?.();
      wake = undefined;
    });
    queue.watch(consumer);
    for (let i = 0; i < count; i++) {
      const data = Buffer.alloc(size);
      data.writeUInt32BE(i, 0);
      peer.ws.send(data);
    }
    await waitUntil(() => ws.isPaused, 'the client pauses its socket');
    assert.equal(queue.isPaused, true);
    assert.ok(peer.ws.bufferedAmount > 0, 'the server still holds unsent data');
    let next = 0;
    while (next < count) {
      for (let message = queue.shift(); message; message = queue.shift()) {
        const data = message.data as Uint8Array;
        assert.equal(Buffer.from(data.buffer, data.byteOffset, 4).readUInt32BE(0), next++);
      }
      if (next < count) await new Promise<void>((resolve) => (wake = resolve));
    }
    assert.equal(consumer.queuedCalls, count);
    assert.equal(ws.isPaused, false);
    assert.equal(queue.isPaused, false);
    assert.equal(queue.size, 0);
    await adapter.close(1000);
  });
});
