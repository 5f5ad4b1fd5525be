import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  MessageType,
  WebSocketCloseError,
} from '../../../src/core/index.js';
import { activeTimers, connect, nextMessage, rawSocket, startServer, type TestServer } from './helpers.js';

function closeError(code: number, reason?: string) {
  return (e: unknown) =>
    e instanceof WebSocketCloseError && e.code === code && (reason === undefined || e.reason === reason);
}

describe('WsAdapter close', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('rejects reserved and out-of-range codes and long reasons, sending nothing', async () => {
    const { adapter, peer } = await connect(server);
    for (const code of [1005, 1006, 1015, 1004, 999, 5000, 2000, 1000.5]) {
      await assert.rejects(adapter.close(code), (e: unknown) => {
        return e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidCloseCode;
      });
    }
    await assert.rejects(adapter.close(1000, 'é'.repeat(62)), { code: ErrorCode.InvalidCloseReason });
    // Still open: nothing was sent.
    await adapter.write(MessageType.Text, 'still open');
    assert.equal(await nextMessage(peer.ws), 'still open');
    await adapter.close(1000, 'é'.repeat(61));
    assert.deepEqual(await peer.closed, { code: 1000, reason: 'é'.repeat(61) });
  });

  it('passes application codes 3000-4999 and reasons to the server unchanged', async () => {
    for (const code of [3000, 4000, 4999]) {
      const { adapter, peer } = await connect(server);
      await adapter.close(code, `reason ${code}`);
      assert.deepEqual(await peer.closed, { code, reason: `reason ${code}` });
    }
  });

  it('reports the server close code and reason unchanged, after the messages sent before it', async () => {
    for (const code of [1000, 4000, 4999]) {
      const { adapter, peer } = await connect(server);
      peer.ws.send('before close');
      peer.ws.close(code, `bye ${code}`);
      await peer.closed;
      assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'before close' });
      await assert.rejects(adapter.read(), closeError(code, `bye ${code}`));
      await assert.rejects(adapter.read(), closeError(code), 'read keeps reporting the close');
    }
  });

  it('reports 1005 for a close frame without code and 1006 for a drop', async () => {
    const first = await connect(server);
    first.peer.ws.close();
    await assert.rejects(first.adapter.read(), closeError(1005, ''));
    const second = await connect(server);
    second.peer.ws.terminate();
    await assert.rejects(second.adapter.read(), closeError(1006, ''));
  });

  it('rejects a second close with ConnectionClosedError', async () => {
    const { adapter } = await connect(server);
    const closing = adapter.close(1000);
    await assert.rejects(adapter.close(1000), ConnectionClosedError);
    await closing;
    await assert.rejects(adapter.close(1000), (e: unknown) => {
      return e instanceof ConnectionClosedError && e.code === ErrorCode.ConnectionClosed;
    });
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('rejects pending reads, writes and pings at once and drops queued messages', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 300 });
    peer.ws.send('queued');
    await adapter.ping();
    rawSocket(peer.ws).pause();
    const write = adapter.write(MessageType.Binary, new Uint8Array(32 * 1024 * 1024));
    const ping = adapter.ping();
    const settled: string[] = [];
    const expectations = [write, ping].map((call) => {
      return assert.rejects(call, closeError(4001, 'shutting down')).then(() => settled.push('call'));
    });
    await adapter.close(4001, 'shutting down');
    settled.push('close');
    await Promise.all(expectations);
    assert.deepEqual(settled, ['call', 'call', 'close']);
    // The queued message is dropped: read reports the close at once.
    await assert.rejects(adapter.read(), closeError(4001, 'shutting down'));
  });

  it('rejects a pending read as soon as close is called', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 300 });
    rawSocket(peer.ws).pause();
    const order: string[] = [];
    const read = assert.rejects(adapter.read(), closeError(1000)).then(() => order.push('read'));
    await adapter.close(1000).then(() => order.push('close'));
    await read;
    assert.deepEqual(order, ['read', 'close']);
  });

  it('closes even when the signal has already aborted', async () => {
    const { adapter, peer } = await connect(server);
    await adapter.close(4002, 'aborted anyway', { signal: AbortSignal.abort() });
    assert.deepEqual(await peer.closed, { code: 4002, reason: 'aborted anyway' });
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('drops the socket after closeTimeoutMs when the server never answers', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 300 });
    const ws = adapter.getUnderlyingConnection()!;
    rawSocket(peer.ws).pause();
    const started = performance.now();
    await adapter.close(1000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 250, `close resolved after ${elapsed} ms, before the timeout`);
    assert.ok(elapsed < 5000, `close took ${elapsed} ms`);
    assert.equal(ws.readyState, ws.CLOSED);
    assert.equal(rawSocket(ws).destroyed, true);
    assert.deepEqual(ws.eventNames(), []);
  });

  it('cuts the close wait short when the signal aborts', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 10_000 });
    rawSocket(peer.ws).pause();
    const started = performance.now();
    await adapter.close(1000, '', { signal: AbortSignal.timeout(100) });
    assert.ok(performance.now() - started < 5000);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('leaves no timer and no listener after a completed close handshake', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 60_000 });
    const ws = adapter.getUnderlyingConnection()!;
    const timers = activeTimers();
    await adapter.close(1000);
    await peer.closed;
    assert.equal(activeTimers(), timers, 'the close timeout timer must be cleared');
    assert.deepEqual(ws.eventNames(), []);
  });

  it('leaves no listener after a close from the server or a drop', async () => {
    for (const end of ['close', 'terminate'] as const) {
      const { adapter, peer } = await connect(server);
      const ws = adapter.getUnderlyingConnection()!;
      peer.ws[end]();
      await assert.rejects(adapter.read(), WebSocketCloseError);
      assert.deepEqual(ws.eventNames(), []);
      assert.equal(adapter.getUnderlyingConnection(), undefined);
    }
  });
});
