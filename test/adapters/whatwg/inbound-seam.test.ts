// The engine's read path without a promise per message: `inboundQueueOf(adapter)` is the
// current connection's queue, which the engine watches and drains with `shift()`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { INBOUND_OVERFLOW_REASON, WhatwgWebSocketAdapter } from '../../../src/adapters/whatwg/index.js';
import { inboundQueueOf } from '../../../src/core/inbound-seam.js';
import { WebSocketCloseError } from '../../../src/core/index.js';
import { consumerRecorder } from '../../support/consumer-recorder.js';
import { CountingWebSocket, startServer, startStallingServer, type TestServer } from './helpers.js';

const closeError = (code: number, reason: string) => (e: unknown) =>
  e instanceof WebSocketCloseError && e.code === code && e.reason === reason;

describe('WhatwgWebSocketAdapter inbound queue seam', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  async function connect(options: ConstructorParameters<typeof WhatwgWebSocketAdapter>[0] = {}) {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket, ...options });
    const side = server.accept();
    await adapter.dial(server.url);
    return { adapter, side: await side };
  }

  it('has no queue before the first dial, nor while a dial is in progress', async () => {
    const stalling = await startStallingServer();
    try {
      const adapter = new WhatwgWebSocketAdapter({ WebSocket });
      assert.equal(inboundQueueOf(adapter), undefined);
      const controller = new AbortController();
      const dialling = adapter.dial(stalling.url, { signal: controller.signal });
      await stalling.upgrades();
      assert.equal(inboundQueueOf(adapter), undefined);
      controller.abort(new Error('gave up'));
      await assert.rejects(dialling, /gave up/);
    } finally {
      await stalling.close();
    }
  });

  it("gives the connection's queue: queued() from the message event, shift() returns the message from inside", async () => {
    const { adapter, side } = await connect();
    const queue = inboundQueueOf(adapter)!;
    const taken: string[] = [];
    const consumer = consumerRecorder(() => taken.push(queue.shift()?.data as string));
    queue.watch(consumer);
    const pending = adapter.read();
    side.socket.send('direct');
    assert.equal((await pending).data, 'direct');
    for (let i = 0; i < 20; i++) side.socket.send(String(i));
    await consumer.when(20);
    assert.deepEqual(
      taken,
      Array.from({ length: 20 }, (_, i) => String(i)),
      'not for the message the pending read took',
    );
    assert.equal(queue.shift(), undefined);
    await adapter.close(1000);
    assert.deepEqual(consumer.events.slice(-1), ['ended']);
  });

  it("ends the queue on the peer's close: shift() drains it, then read rejects with the peer's code", async () => {
    const { adapter, side } = await connect();
    const queue = inboundQueueOf(adapter)!;
    const consumer = consumerRecorder();
    queue.watch(consumer);
    for (const data of ['a', 'b', 'c']) side.socket.send(data);
    side.socket.close(4000, 'done');
    await consumer.when(4);
    assert.deepEqual(consumer.events, ['queued', 'queued', 'queued', 'ended']);
    assert.equal(inboundQueueOf(adapter), queue, 'kept after the end, so it can be drained');
    assert.deepEqual(
      [queue.shift(), queue.shift(), queue.shift(), queue.shift()].map((m) => m?.data),
      ['a', 'b', 'c', undefined],
    );
    await assert.rejects(adapter.read(), closeError(4000, 'done'));
    const late = consumerRecorder();
    queue.watch(late);
    assert.deepEqual(late.events, ['ended'], 'a consumer watching an ended queue hears ended() at once');
  });

  it('ends the queue synchronously on a local close, and with 1006 on a lost connection', async () => {
    const local = await connect();
    const consumer = consumerRecorder();
    inboundQueueOf(local.adapter)!.watch(consumer);
    const closing = local.adapter.close(4001, 'bye');
    assert.deepEqual(consumer.events, ['ended']);
    await closing;
    const lost = await connect();
    const dropped = consumerRecorder();
    inboundQueueOf(lost.adapter)!.watch(dropped);
    lost.side.socket.terminate();
    await dropped.when(1);
    await assert.rejects(lost.adapter.read(), (e) => e instanceof WebSocketCloseError && e.code === 1006);
  });

  it('on an inbound overflow: queued() up to the bound, then ended(); shift() gets what was queued, then 1008', async () => {
    const { adapter, side } = await connect({ inboundQueue: { maxMessages: 4 } });
    const queue = inboundQueueOf(adapter)!;
    const consumer = consumerRecorder();
    queue.watch(consumer);
    for (let i = 0; i < 10; i++) side.socket.send(String(i));
    assert.deepEqual(await side.closed, { code: 1000, reason: INBOUND_OVERFLOW_REASON });
    await consumer.when(5);
    assert.deepEqual(consumer.events, ['queued', 'queued', 'queued', 'queued', 'ended']);
    for (let i = 0; i < 4; i++) assert.equal(queue.shift()?.data, String(i));
    assert.equal(queue.shift(), undefined);
    await assert.rejects(adapter.read(), closeError(1008, INBOUND_OVERFLOW_REASON));
  });

  it("gives the new connection's queue after a new dial; the old consumer hears nothing of it", async () => {
    const before = CountingWebSocket.live;
    const { adapter } = await connect({ WebSocket: CountingWebSocket });
    const first = inboundQueueOf(adapter)!;
    const old = consumerRecorder();
    first.watch(old);
    const secondSide = server.accept();
    await adapter.dial(server.url);
    const second = await secondSide;
    assert.deepEqual(old.events, ['ended'], 'the old connection ended');
    const queue = inboundQueueOf(adapter);
    assert.ok(queue && queue !== first);
    second.socket.send('new');
    assert.equal((await adapter.read()).data, 'new');
    await adapter.close(1000);
    assert.deepEqual(old.events, ['ended']);
    assert.equal(CountingWebSocket.live, before, 'every listener removed');
  });
});
