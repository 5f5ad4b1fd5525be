// The engine's read path without a promise per message: `inboundQueueOf(client)` is the
// current connection's queue, which the engine watches and drains with `shift()`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inboundQueueOf } from '../../src/core/inbound-seam.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { consumerRecorder } from '../support/consumer-recorder.js';
import { closeServersAfterEach, connect, isClose, servers, settle, text } from './in-memory-helpers.js';

closeServersAfterEach();

describe('createInMemoryPair: inbound queue seam', () => {
  it('has no queue before the first dial, nor while a dial is in progress', async () => {
    const { client, server } = createInMemoryPair();
    servers.push(server);
    assert.equal(inboundQueueOf(client), undefined);
    server.stallNextHandshake();
    const controller = new AbortController();
    const dialling = client.dial(server.url, { signal: controller.signal });
    assert.equal(inboundQueueOf(client), undefined);
    controller.abort(new Error('gave up'));
    await assert.rejects(dialling, /gave up/);
  });

  it("gives the connection's queue: queued() per queued message, not for one a pending read takes", async () => {
    const { client, peer } = await connect();
    const queue = inboundQueueOf(client)!;
    const taken: string[] = [];
    const consumer = consumerRecorder(() => taken.push(queue.shift()?.data as string));
    queue.watch(consumer);
    const pending = client.read();
    await peer.send(text('direct'));
    assert.equal((await pending).data, 'direct');
    for (const data of ['a', 'b', 'c']) await peer.send(text(data));
    assert.deepEqual(consumer.events, ['queued', 'queued', 'queued']);
    assert.deepEqual(taken, ['a', 'b', 'c']);
    assert.equal(queue.shift(), undefined);
  });

  it('a consumer that drains with shift() gets every message in order through back-pressure pauses', async () => {
    const { client, peer } = await connect({ inboundQueue: { maxMessages: 3 } });
    const queue = inboundQueueOf(client)!;
    const got: string[] = [];
    let calls = 0;
    const drain = () => {
      for (let m = queue.shift(); m; m = queue.shift()) got.push(m.data as string);
    };
    // Drains only when the queue is full (every third call), so it pauses the server's outbox each time.
    queue.watch({ queued: () => (++calls % 3 === 0 ? drain() : undefined), ended: drain });
    const sends = Array.from({ length: 50 }, (_, i) => peer.send(text(`m${i}`)));
    await Promise.all(sends);
    await settle();
    drain();
    assert.deepEqual(
      got,
      Array.from({ length: 50 }, (_, i) => `m${i}`),
    );
    assert.equal(peer.bufferedAmount(), 0);
  });

  it("ends the queue on the server's close: shift() drains it, then read rejects with the server's code", async () => {
    const { client, peer } = await connect();
    const queue = inboundQueueOf(client)!;
    const consumer = consumerRecorder();
    queue.watch(consumer);
    void peer.send(text('1'));
    void peer.send(text('2'));
    peer.close(4000, 'done');
    await consumer.when(3);
    assert.deepEqual(consumer.events, ['queued', 'queued', 'ended']);
    assert.equal(inboundQueueOf(client), queue, 'kept after the end, so it can be drained');
    assert.deepEqual(
      [queue.shift(), queue.shift(), queue.shift()].map((m) => m?.data),
      ['1', '2', undefined],
    );
    await assert.rejects(client.read(), isClose(4000, 'done'));
    await peer.closed;
    await settle();
    assert.deepEqual(consumer.events, ['queued', 'queued', 'ended']);
    const late = consumerRecorder();
    queue.watch(late);
    assert.deepEqual(late.events, ['ended'], 'a consumer watching an ended queue hears ended() at once');
  });

  it('ends the queue synchronously on a local close, dropping what was queued; with 1006 on a drop', async () => {
    const { client, peer } = await connect();
    const consumer = consumerRecorder();
    inboundQueueOf(client)!.watch(consumer);
    await peer.send(text('dropped'));
    const closing = client.close(4001, 'bye');
    assert.deepEqual(consumer.events, ['queued', 'ended']);
    await closing;
    assert.equal(inboundQueueOf(client)?.shift(), undefined);
    await assert.rejects(client.read(), isClose(4001, 'bye'));
    const dropped = await connect();
    const lost = consumerRecorder();
    inboundQueueOf(dropped.client)!.watch(lost);
    dropped.peer.drop();
    await lost.when(1);
    await assert.rejects(dropped.client.read(), isClose(1006, ''));
  });

  it("gives the new connection's queue after a new dial; the old consumer hears nothing of it", async () => {
    const { client, server } = await connect();
    const first = inboundQueueOf(client)!;
    const old = consumerRecorder();
    first.watch(old);
    await client.dial(server.url);
    const second = await server.accept();
    assert.deepEqual(old.events, ['ended']);
    const queue = inboundQueueOf(client);
    assert.ok(queue && queue !== first);
    await second.send(text('new'));
    assert.equal(queue.shift()?.data, 'new');
    second.close(4002, 'end');
    await settle();
    assert.deepEqual(old.events, ['ended']);
  });
});
