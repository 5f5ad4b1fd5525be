import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { INBOUND_OVERFLOW_REASON, WhatwgWebSocketAdapter } from '../../../src/adapters/whatwg/index.js';
import { type ReadWatcher, WebSocketCloseError } from '../../../src/index.js';
import { CountingWebSocket, startServer, startStallingServer, type TestServer } from './helpers.js';

const closeError = (code: number, reason: string) => (e: unknown) =>
  e instanceof WebSocketCloseError && e.code === code && e.reason === reason;

/** A watcher that records its calls; `when(n)` resolves once `n` calls were recorded. */
interface Recorder extends ReadWatcher {
  readonly events: string[];
  when(count: number): Promise<void>;
}

function recorder(onQueued?: () => void): Recorder {
  const events: string[] = [];
  const waiting: { count: number; resolve(): void }[] = [];
  const record = (event: string) => {
    events.push(event);
    for (const w of waiting.filter((w) => events.length >= w.count)) w.resolve();
  };
  return {
    events,
    queued: () => {
      record('queued');
      onQueued?.();
    },
    ended: () => record('ended'),
    when: (count) =>
      events.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve })),
  };
}

describe('WhatwgWebSocketAdapter watchReads', () => {
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

  it('calls ended() at once before any dial; watchReads(undefined) is harmless', () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    const watcher = recorder();
    adapter.watchReads(watcher);
    assert.deepEqual(watcher.events, ['ended']);
    adapter.watchReads(undefined);
    assert.equal(adapter.readQueued(), undefined);
  });

  it('calls ended() at once while a dial is still in progress', async () => {
    const stalling = await startStallingServer();
    try {
      const adapter = new WhatwgWebSocketAdapter({ WebSocket });
      const controller = new AbortController();
      const dialling = adapter.dial(stalling.url, { signal: controller.signal });
      await stalling.upgrades();
      const watcher = recorder();
      adapter.watchReads(watcher);
      assert.deepEqual(watcher.events, ['ended']);
      controller.abort(new Error('gave up'));
      await assert.rejects(dialling, /gave up/);
    } finally {
      await stalling.close();
    }
  });

  it('calls queued() from the message event, once per queued message; readQueued() returns it from inside', async () => {
    const { adapter, side } = await connect();
    const taken: string[] = [];
    const watcher = recorder(() => taken.push(adapter.readQueued()?.data as string));
    adapter.watchReads(watcher);
    for (let i = 0; i < 20; i++) side.socket.send(String(i));
    await watcher.when(20);
    assert.deepEqual(
      taken,
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    assert.equal(adapter.readQueued(), undefined);
    await adapter.close(1000);
  });

  it('does not call queued() for a message a pending read takes', async () => {
    const { adapter, side } = await connect();
    const watcher = recorder();
    adapter.watchReads(watcher);
    const pending = adapter.read();
    side.socket.send('direct');
    assert.equal((await pending).data, 'direct');
    side.socket.send('queued');
    await watcher.when(1);
    assert.deepEqual(watcher.events, ['queued']);
    assert.equal(adapter.readQueued()?.data, 'queued');
    await adapter.close(1000);
  });

  it("on the peer's close: ended() once after the queued() calls; readQueued drains, then read rejects", async () => {
    const { adapter, side } = await connect();
    const watcher = recorder();
    adapter.watchReads(watcher);
    for (const data of ['a', 'b', 'c']) side.socket.send(data);
    side.socket.close(4000, 'done');
    await watcher.when(4);
    assert.deepEqual(watcher.events, ['queued', 'queued', 'queued', 'ended']);
    assert.deepEqual(
      [adapter.readQueued(), adapter.readQueued(), adapter.readQueued(), adapter.readQueued()].map(
        (m) => m?.data,
      ),
      ['a', 'b', 'c', undefined],
    );
    await assert.rejects(adapter.read(), closeError(4000, 'done'));
    await side.closed;
    assert.deepEqual(watcher.events, ['queued', 'queued', 'queued', 'ended'], 'ended() only once');
    // Registered after the end: ended() at once.
    const late = recorder();
    adapter.watchReads(late);
    assert.deepEqual(late.events, ['ended']);
  });

  it('on a local close: ended() once, synchronously inside close(); read then rejects with the close error', async () => {
    const { adapter, side } = await connect();
    const watcher = recorder();
    adapter.watchReads(watcher);
    const closing = adapter.close(4001, 'bye');
    assert.deepEqual(watcher.events, ['ended']);
    await closing;
    assert.deepEqual(await side.closed, { code: 4001, reason: 'bye' });
    assert.equal(adapter.readQueued(), undefined);
    await assert.rejects(adapter.read(), closeError(4001, 'bye'));
    assert.deepEqual(watcher.events, ['ended']);
    const late = recorder();
    adapter.watchReads(late);
    assert.deepEqual(late.events, ['ended']);
  });

  it('on a lost connection: ended(), then read rejects with 1006', async () => {
    const { adapter, side } = await connect();
    const watcher = recorder();
    adapter.watchReads(watcher);
    side.socket.terminate();
    await watcher.when(1);
    assert.deepEqual(watcher.events, ['ended']);
    await assert.rejects(adapter.read(), (e) => e instanceof WebSocketCloseError && e.code === 1006);
  });

  it('on an inbound overflow: queued() up to the bound, then ended(); reads deliver what was queued, then 1008', async () => {
    const { adapter, side } = await connect({ inboundQueue: { maxMessages: 4 } });
    const watcher = recorder();
    adapter.watchReads(watcher);
    for (let i = 0; i < 10; i++) side.socket.send(String(i));
    assert.deepEqual(await side.closed, { code: 1000, reason: INBOUND_OVERFLOW_REASON });
    await watcher.when(5);
    assert.deepEqual(watcher.events, ['queued', 'queued', 'queued', 'queued', 'ended']);
    for (let i = 0; i < 4; i++) assert.equal(adapter.readQueued()?.data, String(i));
    assert.equal(adapter.readQueued(), undefined);
    await assert.rejects(adapter.read(), closeError(1008, INBOUND_OVERFLOW_REASON));
  });

  it('a new dial replaces the watch: the old watcher hears the old connection end, nothing of the new one', async () => {
    const before = CountingWebSocket.live;
    const adapter = new WhatwgWebSocketAdapter({ WebSocket: CountingWebSocket });
    const firstSide = server.accept();
    await adapter.dial(server.url);
    await firstSide;
    const old = recorder();
    adapter.watchReads(old);
    const secondSide = server.accept();
    await adapter.dial(server.url);
    const second = await secondSide;
    assert.deepEqual(old.events, ['ended'], 'the old connection ended');
    second.socket.send('new');
    assert.equal((await adapter.read()).data, 'new');
    const current = recorder();
    adapter.watchReads(current);
    second.socket.send('watched');
    await current.when(1);
    assert.equal(adapter.readQueued()?.data, 'watched');
    await adapter.close(1000);
    assert.deepEqual(current.events, ['queued', 'ended']);
    assert.deepEqual(old.events, ['ended'], 'the old watcher heard nothing of the new connection');
    assert.equal(CountingWebSocket.live, before, 'every listener removed');
  });

  it('watchReads(undefined) stops the notifications; messages stay queued', async () => {
    const { adapter, side } = await connect();
    const watcher = recorder();
    adapter.watchReads(watcher);
    side.socket.send('1');
    await watcher.when(1);
    adapter.watchReads(undefined);
    side.socket.send('2');
    assert.equal((await adapter.read()).data, '1');
    assert.equal((await adapter.read()).data, '2');
    await adapter.close(1000);
    assert.deepEqual(watcher.events, ['queued']);
  });
});
