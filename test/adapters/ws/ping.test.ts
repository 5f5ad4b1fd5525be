import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { WsConnection } from '../../../src/adapters/ws/connection.js';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import { MessageType, WebSocketCloseError } from '../../../src/core/index.js';
import { rawSocket, startServer, type TestServer } from './helpers.js';

/** Pings waiting for a pong on the adapter's connection (private, read for the test). */
function pendingPings(adapter: WsAdapter): number {
  return (adapter as unknown as { connection: WsConnection }).connection.pendingPings;
}

describe('WsAdapter ping', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('resolves on the pong without any concurrent read', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(server.url);
    const peer = await server.accept();
    const pinged = once(peer.ws, 'ping');
    await adapter.ping();
    await pinged;
    assert.equal(pendingPings(adapter), 0);
    await adapter.close(1000);
  });

  it('resolves while a read is pending, and the read still gets the next message', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(server.url);
    const peer = await server.accept();
    const read = adapter.read();
    await Promise.all([adapter.ping(), adapter.ping()]);
    peer.ws.send('after pings');
    assert.deepEqual(await read, { type: MessageType.Text, data: 'after pings' });
    await adapter.close(1000);
  });

  it('sends a distinct payload per ping and resolves older pings on a later pong', async () => {
    const quiet = await startServer({ autoPong: false });
    try {
      const adapter = new WsAdapter();
      await adapter.dial(quiet.url);
      const peer = await quiet.accept();
      const payloads: string[] = [];
      const third = new Promise<void>((resolve) => {
        peer.ws.on('ping', (data) => {
          payloads.push(data.toString());
          if (payloads.length === 3) resolve();
        });
      });
      const pings = [adapter.ping(), adapter.ping(), adapter.ping()];
      await third;
      assert.equal(new Set(payloads).size, 3);
      peer.ws.pong('unrelated');
      peer.ws.pong(payloads[2]);
      await Promise.all(pings);
      assert.equal(pendingPings(adapter), 0);
      await adapter.close(1000);
    } finally {
      await quiet.close();
    }
  });

  it('rejects with the TimeoutError when no pong comes, removing the pending ping', async () => {
    const adapter = new WsAdapter({ closeTimeoutMs: 100 });
    await adapter.dial(server.url);
    const peer = await server.accept();
    rawSocket(peer.ws).pause();
    await assert.rejects(adapter.ping({ signal: AbortSignal.timeout(150) }), { name: 'TimeoutError' });
    assert.equal(pendingPings(adapter), 0);
    rawSocket(peer.ws).resume();
    await adapter.ping();
    await adapter.close(1000);
  });

  it('rejects with signal.reason at once when the signal is already aborted', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(server.url);
    const peer = await server.accept();
    let pinged = false;
    peer.ws.on('ping', () => {
      pinged = true;
    });
    const reason = new Error('no ping');
    await assert.rejects(adapter.ping({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    await adapter.write(MessageType.Text, 'marker');
    await once(peer.ws, 'message');
    assert.equal(pinged, false);
    await adapter.close(1000);
  });

  it('rejects pending pings with WebSocketCloseError when the peer closes first', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(server.url);
    const peer = await server.accept();
    const quietPeer = rawSocket(peer.ws);
    quietPeer.pause();
    const ping = adapter.ping();
    // The server ignores what the client sent and goes away without a close frame.
    quietPeer.destroy();
    await assert.rejects(ping, (e: unknown) => e instanceof WebSocketCloseError && e.code === 1006);
  });
});
