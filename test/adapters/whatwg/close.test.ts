import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../../../src/adapters/whatwg/index.js';
import {
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  MessageType,
  WebSocketCloseError,
} from '../../../src/core/index.js';
import { CountingWebSocket, startServer, type TestServer } from './helpers.js';

const closeError = (code: number, reason: string) => (e: unknown) =>
  e instanceof WebSocketCloseError && e.code === code && e.reason === reason;

describe('WhatwgWebSocketAdapter close', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  async function connect(options: ConstructorParameters<typeof WhatwgWebSocketAdapter>[0] = {}) {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket: CountingWebSocket, ...options });
    const side = server.accept();
    await adapter.dial(server.url);
    return { adapter, side: await side };
  }

  it('rejects invalid close codes and long reasons with InvalidArgumentError, leaving the connection open', async () => {
    const { adapter, side } = await connect();
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      await assert.rejects(
        adapter.close(code),
        (e) => e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidCloseCode,
      );
    }
    await assert.rejects(
      adapter.close(1000, 'é'.repeat(62)),
      (e) => e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidCloseReason,
    );
    await adapter.write(MessageType.Text, 'still open');
    assert.equal((await side.next()).data.toString(), 'still open');
    await adapter.close(1000, 'x'.repeat(123));
    assert.equal((await side.closed).reason, 'x'.repeat(123));
  });

  it('sends 4000-4999 codes unchanged and rejects a second close with ConnectionClosedError', async () => {
    const before = CountingWebSocket.live;
    const { adapter, side } = await connect();
    await adapter.close(4999, 'app bye');
    assert.deepEqual(await side.closed, { code: 4999, reason: 'app bye' });
    await assert.rejects(adapter.close(1000), (e) => e instanceof ConnectionClosedError);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    assert.equal(CountingWebSocket.live, before, 'every listener removed');
  });

  it('reports a 4000-4999 close from the server unchanged to read', async () => {
    const before = CountingWebSocket.live;
    const { adapter, side } = await connect();
    side.socket.close(4001, 'token expired');
    await assert.rejects(adapter.read(), closeError(4001, 'token expired'));
    await assert.rejects(adapter.read(), closeError(4001, 'token expired'));
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    await assert.rejects(adapter.write(MessageType.Text, 'x'), (e) => e instanceof ConnectionClosedError);
    await assert.rejects(adapter.close(1000), (e) => e instanceof ConnectionClosedError);
    assert.equal(CountingWebSocket.live, before);
  });

  it('reports 1005 for a close frame without a code and 1006 for a dropped connection', async () => {
    const first = await connect();
    first.side.socket.close();
    await assert.rejects(first.adapter.read(), closeError(1005, ''));
    const second = await connect();
    second.side.socket.terminate();
    await assert.rejects(second.adapter.read(), closeError(1006, ''));
  });

  it('sends 1001-1014 as 1000 with the reason, and rejects pending reads with the given code at once', async () => {
    const { adapter, side } = await connect();
    const pending = adapter.read({ signal: AbortSignal.timeout(5_000) });
    const closing = adapter.close(1001, 'going away');
    await assert.rejects(pending, closeError(1001, 'going away'));
    await closing;
    assert.deepEqual(await side.closed, { code: 1000, reason: 'going away' });
    await assert.rejects(adapter.read(), closeError(1001, 'going away'));
  });

  it('drops queued messages on a local close', async () => {
    const { adapter, side } = await connect();
    const ws = adapter.getUnderlyingConnection()!;
    const secondArrived = new Promise<void>((resolve) => {
      const listener = (event: { data: unknown }) => {
        if (event.data !== 'second') return;
        ws.removeEventListener('message', listener);
        resolve();
      };
      ws.addEventListener('message', listener);
    });
    side.socket.send('first');
    side.socket.send('second');
    await secondArrived;
    assert.equal((await adapter.read()).data, 'first');
    await adapter.close(1000);
    await side.closed;
    await assert.rejects(adapter.read(), closeError(1000, ''));
  });

  it('closes even with an already-aborted signal', async () => {
    const before = CountingWebSocket.live;
    const { adapter, side } = await connect();
    await adapter.close(4000, 'aborted anyway', { signal: AbortSignal.abort() });
    assert.deepEqual(await side.closed, { code: 4000, reason: 'aborted anyway' });
    assert.equal(CountingWebSocket.live, before);
  });

  it('resolves after closeTimeoutMs when the server never finishes the close handshake', async () => {
    const before = CountingWebSocket.live;
    const { adapter, side } = await connect({ closeTimeoutMs: 150 });
    // A paused server socket reads no close frame, so it never answers one.
    (side.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = performance.now();
    await adapter.close(1000, 'bye');
    assert.ok(performance.now() - started >= 140, 'waited for the close timeout');
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    assert.equal(CountingWebSocket.live, before);
    await assert.rejects(adapter.read(), closeError(1000, 'bye'));
    side.socket.terminate();
  });

  it('dials again after a close', async () => {
    const { adapter } = await connect();
    await adapter.close(1000);
    const side = server.accept();
    await adapter.dial(server.url);
    (await side).socket.send('again');
    assert.equal((await adapter.read()).data, 'again');
    await adapter.close(1000);
  });

  it('uses WebSocket from undici through its public constructor type', () => {
    assert.doesNotThrow(() => new WhatwgWebSocketAdapter({ WebSocket }));
  });
});
