import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../../../src/adapters/whatwg/index.js';
import { DialError, ErrorCode, InvalidArgumentError, MessageType } from '../../../src/core/index.js';
import {
  CountingWebSocket,
  closedPort,
  startServer,
  startStallingServer,
  type TestServer,
} from './helpers.js';

describe('WhatwgWebSocketAdapter dial', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      echo: true,
      handleProtocols: (offered) => (offered.has('b') ? 'b' : false),
    });
  });
  after(() => server.close());

  it('resolves on open with status 101, no headers, and holds the socket', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    const response = await adapter.dial(server.url);
    assert.deepEqual(response, { status: 101, headers: {}, protocol: '', extensions: '' });
    assert.ok(adapter.getUnderlyingConnection() instanceof WebSocket);
    assert.equal(adapter.getUnderlyingConnection()?.binaryType, 'arraybuffer');
    await adapter.close(1000);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('reports the negotiated subprotocol', async () => {
    // A server of its own: no connection of another test can be the one accepted here.
    const own = await startServer({ handleProtocols: (offered) => (offered.has('b') ? 'b' : false) });
    const adapter = new WhatwgWebSocketAdapter({ WebSocket, protocols: ['a', 'b'] });
    const accepted = own.accept();
    const response = await adapter.dial(own.url);
    assert.equal(response.protocol, 'b');
    assert.equal((await accepted).request.headers['sec-websocket-protocol'], 'a, b');
    await adapter.close(1000);
    await own.close();
  });

  it('rejects a URL that is not ws: or wss: with InvalidArgumentError', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    for (const target of ['http://127.0.0.1/', 'not a url', 'ftp://x']) {
      await assert.rejects(
        adapter.dial(target as unknown as URL),
        (e) => e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidUrl,
      );
    }
  });

  it('rejects a refused connection with DialError and keeps secrets out of the message', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket: CountingWebSocket });
    const before = CountingWebSocket.live;
    const url = new URL(`ws://127.0.0.1:${await closedPort()}/x?token=secret`);
    await assert.rejects(adapter.dial(url), (e) => {
      assert.ok(e instanceof DialError);
      assert.equal(e.code, ErrorCode.Dial);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    assert.equal(CountingWebSocket.live, before, 'no listener left on the failed socket');
  });

  it('rejects a non-101 answer (401) with DialError and leaves nothing open', async () => {
    const refusing = await startServer({ verifyClient: (_info, done) => done(false, 401, 'Unauthorized') });
    try {
      const adapter = new WhatwgWebSocketAdapter({ WebSocket });
      await assert.rejects(
        adapter.dial(refusing.url),
        (e) => e instanceof DialError && e.code === ErrorCode.Dial,
      );
      assert.equal(refusing.wss.clients.size, 0);
      assert.equal(adapter.getUnderlyingConnection(), undefined);
      await assert.rejects(adapter.write(MessageType.Text, 'x'), { name: 'ConnectionClosedError' });
    } finally {
      await refusing.close();
    }
  });

  it('rejects with the reason of an already-aborted signal and opens nothing', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    const reason = new Error('stop');
    let connections = 0;
    const count = () => connections++;
    server.wss.on('connection', count);
    await assert.rejects(
      adapter.dial(server.url, { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    server.wss.off('connection', count);
    assert.equal(connections, 0);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('rejects with TimeoutError when AbortSignal.timeout fires mid-handshake, and closes the socket', async () => {
    const stalling = await startStallingServer();
    try {
      const adapter = new WhatwgWebSocketAdapter({ WebSocket: CountingWebSocket });
      const before = CountingWebSocket.live;
      const upgrade = stalling.upgrades();
      const dialling = adapter.dial(stalling.url, { signal: AbortSignal.timeout(200) });
      await upgrade;
      await assert.rejects(dialling, { name: 'TimeoutError' });
      // The WHATWG socket is closed; undici 7 itself keeps the TCP socket of an upgrade
      // aborted mid-handshake until the server drops it, which no WHATWG call can change.
      assert.ok((CountingWebSocket.created.at(-1)?.readyState ?? 0) >= WebSocket.CLOSING);
      assert.equal(CountingWebSocket.live, before);
      assert.equal(adapter.getUnderlyingConnection(), undefined);
    } finally {
      await stalling.close();
    }
  });

  it('closes and drops the held connection before dialling again', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    const firstSide = server.accept();
    await adapter.dial(server.url);
    const first = adapter.getUnderlyingConnection();
    const secondSide = server.accept();
    await adapter.dial(server.url);
    assert.equal((await (await firstSide).closed).code, 1000);
    assert.notEqual(adapter.getUnderlyingConnection(), first);
    await adapter.write(MessageType.Text, 'still here');
    assert.equal((await adapter.read()).data, 'still here');
    await secondSide;
    await adapter.close(1000);
  });
});
