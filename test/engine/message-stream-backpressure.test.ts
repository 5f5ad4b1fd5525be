// ENGINE.md "Iterate": messages() has the back-pressure of onMessage. While nothing pulls,
// the engine takes no more than its `readers` messages from the adapter, the adapter's
// bounded queue fills and the server waits; pulling then yields everything, in order.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { INBOUND_QUEUE } from '../../src/core/inbound-seam.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { MessageType } from '../../src/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import { text, URL_, until } from './helpers.js';

const READERS = 2;
const COUNT = 20;
const payloads = Array.from({ length: COUNT }, (_, i) => String(i));

/** Event-loop turns to give an engine that should stay idle the chance to read on (it must not). */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function pullAll(iterator: AsyncIterator<{ data: unknown }>): Promise<unknown[]> {
  const got: unknown[] = [];
  for (let i = 0; i < COUNT; i++) got.push((await iterator.next()).value?.data);
  return got;
}

describe('ENGINE.md Iterate: messages() is back-pressured', { timeout: 10_000 }, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  it('over a bounded inbound queue: while nothing pulls the engine takes at most readers messages, the queue fills and the server waits', async () => {
    const QUEUE = 4;
    const { client: adapter, server } = createInMemoryPair({ inboundQueue: { maxMessages: QUEUE } });
    const engine = new WebSocketEngine({ url: server.url, adapter, client: {}, readers: READERS });
    cleanup.push(
      () => engine.stop(),
      () => server.close(),
    );
    await engine.start();
    const peer = await server.accept();
    let delivered = 0;
    const sends = payloads.map((data) => peer.send({ type: MessageType.Text, data }).then(() => delivered++));
    for (const send of sends) send.catch(() => undefined); // rejected if the test fails early
    await until(() => delivered >= READERS + QUEUE, 'the queue to fill');
    await turns();
    const queued = adapter[INBOUND_QUEUE]()!.size;
    assert.equal(queued, QUEUE, 'the adapter queue is full');
    assert.equal(delivered - queued, READERS, 'the engine took only its readers slots');
    const rest = payloads.slice(READERS + QUEUE).join('').length;
    assert.equal(peer.bufferedAmount(), rest, 'the rest waits on the server');

    const iterator = engine.messages();
    assert.deepEqual(await pullAll(iterator), payloads);
    await Promise.all(sends);
    await engine.stop();
    assert.equal((await iterator.next()).done, true);
  });

  it('over read() (an adapter without a queue, or telemetry on): while nothing pulls the engine makes at most readers reads', async () => {
    const adapter = new WebSocketConnectionAdapterMock();
    const engine = new WebSocketEngine({
      url: URL_,
      adapter,
      client: {},
      clock: new FakeClock(1_000_000),
      readers: READERS,
    });
    cleanup.push(() => engine.stop());
    for (const data of payloads) adapter.pushMessage(text(data));
    await engine.start();
    await adapter.read.waitForCall(READERS);
    await turns();
    assert.equal(adapter.read.callCount, READERS, 'no read past the readers slots');

    const iterator = engine.messages();
    assert.deepEqual(await pullAll(iterator), payloads);
    await engine.stop();
    assert.equal((await iterator.next()).done, true);
  });
});
