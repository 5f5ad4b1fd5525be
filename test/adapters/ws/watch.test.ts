import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import type { ReadWatcher } from '../../../src/core/adapter.js';
import { type Message, MessageType, WebSocketCloseError } from '../../../src/core/index.js';
import { connect, startServer, type TestServer, waitUntil } from './helpers.js';

/** A watcher that counts its calls, and optionally runs `onQueued` from `queued()`. */
function countingWatcher(onQueued?: () => void): ReadWatcher & { queuedCalls: number; endedCalls: number } {
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

describe('WsAdapter watchReads', { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('calls queued() for each message that arrives while no read waits; readQueued returns them in order', async () => {
    const { adapter, peer } = await connect(server);
    const watcher = countingWatcher();
    adapter.watchReads(watcher);
    for (const data of ['one', 'two', 'three']) peer.ws.send(data);
    peer.ws.send(Buffer.from([4]));
    // The pong comes after the four messages.
    await adapter.ping();
    assert.equal(watcher.queuedCalls, 4);
    assert.deepEqual(adapter.readQueued(), { type: MessageType.Text, data: 'one' });
    assert.deepEqual(adapter.readQueued(), { type: MessageType.Text, data: 'two' });
    assert.deepEqual(adapter.readQueued(), { type: MessageType.Text, data: 'three' });
    const binary = adapter.readQueued();
    assert.ok(binary?.data instanceof Uint8Array);
    assert.equal(binary.type, MessageType.Binary);
    assert.deepEqual([...binary.data], [4]);
    assert.equal(adapter.readQueued(), undefined);
    assert.equal(watcher.endedCalls, 0);
    await adapter.close(1000);
  });

  it('lets the watcher take each message from inside queued()', async () => {
    const { adapter, peer } = await connect(server);
    const taken: Message[] = [];
    const watcher = countingWatcher(() => {
      const message = adapter.readQueued();
      assert.ok(message, 'queued() is called once the message is queued');
      taken.push(message);
    });
    adapter.watchReads(watcher);
    for (let i = 0; i < 50; i++) peer.ws.send(`m${i}`);
    await adapter.ping();
    assert.equal(watcher.queuedCalls, 50);
    assert.deepEqual(
      taken.map((m) => m.data),
      Array.from({ length: 50 }, (_, i) => `m${i}`),
    );
    assert.equal(adapter.readQueued(), undefined);
    await adapter.close(1000);
  });

  it('does not call queued() for a message handed to a pending read', async () => {
    const { adapter, peer } = await connect(server);
    const watcher = countingWatcher();
    adapter.watchReads(watcher);
    const read = adapter.read();
    peer.ws.send('direct');
    assert.equal((await read).data, 'direct');
    assert.equal(watcher.queuedCalls, 0);
    peer.ws.send('queued');
    await adapter.ping();
    assert.equal(watcher.queuedCalls, 1);
    assert.equal(adapter.readQueued()?.data, 'queued');
    await adapter.close(1000);
  });

  it('calls ended() once when the peer closes; queued messages are still read, then read rejects', async () => {
    const { adapter, peer } = await connect(server);
    const watcher = countingWatcher();
    adapter.watchReads(watcher);
    peer.ws.send('last words');
    peer.ws.close(4001, 'bye');
    await waitUntil(() => watcher.endedCalls > 0, 'ended() is called');
    assert.equal(watcher.queuedCalls, 1);
    assert.equal(adapter.readQueued()?.data, 'last words');
    assert.equal(adapter.readQueued(), undefined);
    await assert.rejects(adapter.read(), isCloseError(4001));
    await peer.closed;
    assert.equal(watcher.endedCalls, 1);
    // Registered again after the end: ended() at once.
    const late = countingWatcher();
    adapter.watchReads(late);
    assert.equal(late.endedCalls, 1);
  });

  it('calls ended() once on a local close, synchronously, and at once for a watcher registered after it', async () => {
    const { adapter, peer } = await connect(server);
    const watcher = countingWatcher();
    adapter.watchReads(watcher);
    const closing = adapter.close(1000, 'done');
    assert.equal(watcher.endedCalls, 1);
    await closing;
    assert.equal((await peer.closed).code, 1000);
    assert.equal(watcher.endedCalls, 1);
    const late = countingWatcher();
    adapter.watchReads(late);
    assert.equal(late.endedCalls, 1);
    assert.equal(late.queuedCalls, 0);
    await assert.rejects(adapter.read(), isCloseError(1000));
  });

  it('calls ended() at once when there is no connection', () => {
    const watcher = countingWatcher();
    new WsAdapter().watchReads(watcher);
    assert.equal(watcher.endedCalls, 1);
    assert.equal(watcher.queuedCalls, 0);
    assert.doesNotThrow(() => new WsAdapter().watchReads(undefined));
  });

  it('stops notifying after watchReads(undefined)', async () => {
    const { adapter, peer } = await connect(server);
    const watcher = countingWatcher();
    adapter.watchReads(watcher);
    peer.ws.send('seen');
    await adapter.ping();
    assert.equal(watcher.queuedCalls, 1);
    adapter.watchReads(undefined);
    peer.ws.send('unseen');
    await adapter.ping();
    assert.equal(watcher.queuedCalls, 1);
    assert.equal(adapter.readQueued()?.data, 'seen');
    assert.equal(adapter.readQueued()?.data, 'unseen');
    await adapter.close(1000);
    assert.equal(watcher.endedCalls, 0);
  });

  it('replaces the watch on a new dial: the old watcher hears ended(), the new connection starts unwatched', async () => {
    const { adapter, peer } = await connect(server);
    const first = countingWatcher();
    adapter.watchReads(first);
    await adapter.dial(server.url);
    const second = await server.accept();
    assert.equal(first.endedCalls, 1);
    assert.equal((await peer.closed).code, 1001);
    second.ws.send('on the new connection');
    await adapter.ping();
    assert.equal(first.queuedCalls, 0);
    assert.equal(adapter.readQueued()?.data, 'on the new connection');
    const next = countingWatcher();
    adapter.watchReads(next);
    second.ws.send('watched');
    await adapter.ping();
    assert.equal(next.queuedCalls, 1);
    await adapter.close(1000);
    assert.equal(next.endedCalls, 1);
    assert.equal(first.endedCalls, 1);
  });

  it('keeps back-pressure: pauses the socket while full, resumes as readQueued drains', async () => {
    const count = 500;
    const size = 16 * 1024;
    const { adapter, peer } = await connect(server, {
      inboundQueue: { maxMessages: 8, maxBytes: 64 * 1024 * 1024 },
    });
    const ws = adapter.getUnderlyingConnection()!;
    let wake: (() => void) | undefined;
    const watcher = countingWatcher(() => {
      wake?.();
      wake = undefined;
    });
    adapter.watchReads(watcher);
    for (let i = 0; i < count; i++) {
      const data = Buffer.alloc(size);
      data.writeUInt32BE(i, 0);
      peer.ws.send(data);
    }
    await waitUntil(() => ws.isPaused, 'the client pauses its socket');
    assert.ok(peer.ws.bufferedAmount > 0, 'the server still holds unsent data');
    let next = 0;
    while (next < count) {
      for (let message = adapter.readQueued(); message; message = adapter.readQueued()) {
        const data = message.data as Uint8Array;
        assert.equal(Buffer.from(data.buffer, data.byteOffset, 4).readUInt32BE(0), next++);
      }
      if (next < count) await new Promise<void>((resolve) => (wake = resolve));
    }
    assert.equal(watcher.queuedCalls, count);
    assert.equal(ws.isPaused, false);
    assert.equal(adapter.readQueued(), undefined);
    await adapter.close(1000);
    assert.equal(watcher.endedCalls, 1);
  });
});
