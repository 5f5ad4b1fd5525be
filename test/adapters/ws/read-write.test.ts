import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import {
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  MessageType,
} from '../../../src/core/index.js';
import { connect, nextMessage, rawSocket, startServer, type TestServer } from './helpers.js';

function isConnectionClosed(error: unknown): boolean {
  return error instanceof ConnectionClosedError && error.code === ErrorCode.ConnectionClosed;
}

describe('WsAdapter read and write', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('reads text as strings and binary as Uint8Array, in order, queued before read', async () => {
    const { adapter, peer } = await connect(server);
    peer.ws.send('one');
    peer.ws.send(Buffer.from([1, 2, 3]));
    peer.ws.send('three');
    // All three arrive before anyone reads: the queue keeps them in order.
    await adapter.ping();
    const second = await adapter.read().then(() => adapter.read());
    assert.ok(second.data instanceof Uint8Array);
    assert.deepEqual([...second.data], [1, 2, 3]);
    assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'three' });
    await adapter.close(1000);
  });

  it('gives concurrent reads different messages in arrival order', async () => {
    const { adapter, peer } = await connect(server);
    const reads = [adapter.read(), adapter.read(), adapter.read()];
    for (const data of ['a', 'b', 'c']) peer.ws.send(data);
    assert.deepEqual(
      (await Promise.all(reads)).map((m) => m.data),
      ['a', 'b', 'c'],
    );
    await adapter.close(1000);
  });

  it('writes text and binary; the server receives them with their type', async () => {
    const { adapter, peer } = await connect(server);
    await adapter.write(MessageType.Text, 'héllo');
    assert.equal(await nextMessage(peer.ws), 'héllo');
    await adapter.write(MessageType.Binary, new Uint8Array([9, 8, 7]));
    assert.deepEqual(await nextMessage(peer.ws), Buffer.from([9, 8, 7]));
    await adapter.close(1000);
  });

  it('sends concurrent writes in call order', async () => {
    const { adapter, peer } = await connect(server);
    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      peer.ws.on('message', (data) => {
        received.push(data.toString());
        if (received.length === 200) resolve();
      });
    });
    const writes = Array.from({ length: 200 }, (_, i) => adapter.write(MessageType.Text, String(i)));
    await Promise.all(writes);
    await all;
    assert.deepEqual(
      received,
      Array.from({ length: 200 }, (_, i) => String(i)),
    );
    await adapter.close(1000);
  });

  it('rejects data of the wrong type with InvalidArgumentError and sends nothing', async () => {
    const { adapter, peer } = await connect(server);
    const invalid = (e: unknown) => e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidMessage;
    await assert.rejects(adapter.write(MessageType.Text, new Uint8Array([1])), invalid);
    await assert.rejects(adapter.write(MessageType.Binary, 'text' as unknown as Uint8Array), invalid);
    await assert.rejects(adapter.write(3 as MessageType, 'x'), invalid);
    await adapter.write(MessageType.Text, 'valid');
    assert.equal(await nextMessage(peer.ws), 'valid');
    await adapter.close(1000);
  });

  it('rejects an aborted write with signal.reason and sends nothing', async () => {
    const { adapter, peer } = await connect(server);
    const reason = new Error('no');
    await assert.rejects(
      adapter.write(MessageType.Text, 'lost', { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    await adapter.write(MessageType.Text, 'after');
    assert.equal(await nextMessage(peer.ws), 'after');
    await adapter.close(1000);
  });

  it('rejects a write that cannot be flushed in time with the TimeoutError', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 100 });
    rawSocket(peer.ws).pause();
    const big = new Uint8Array(32 * 1024 * 1024);
    const signal = AbortSignal.timeout(200);
    await assert.rejects(adapter.write(MessageType.Binary, big, { signal }), { name: 'TimeoutError' });
    await adapter.close(1000);
  });

  it('rejects an aborted read with signal.reason and loses no message', async () => {
    const { adapter, peer } = await connect(server);
    const controller = new AbortController();
    const aborted = adapter.read({ signal: controller.signal });
    controller.abort(new Error('stop reading'));
    await assert.rejects(aborted, { message: 'stop reading' });
    await assert.rejects(adapter.read({ signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
    const reason = new Error('already');
    await assert.rejects(adapter.read({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    peer.ws.send('kept');
    assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'kept' });
    await adapter.close(1000);
  });

  it('rejects read, write, ping and close with ConnectionClosedError before any dial', async () => {
    const adapter = new WsAdapter();
    await assert.rejects(adapter.read(), isConnectionClosed);
    await assert.rejects(adapter.write(MessageType.Text, 'x'), isConnectionClosed);
    await assert.rejects(adapter.ping(), isConnectionClosed);
    await assert.rejects(adapter.close(1000), isConnectionClosed);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
  });

  it('rejects write and ping with ConnectionClosedError after the peer closed', async () => {
    const { adapter, peer } = await connect(server);
    const ws = adapter.getUnderlyingConnection()!;
    peer.ws.close(1000);
    await once(ws, 'close');
    await assert.rejects(adapter.write(MessageType.Text, 'x'), isConnectionClosed);
    await assert.rejects(adapter.ping(), isConnectionClosed);
    await assert.rejects(adapter.close(1000), isConnectionClosed);
    await assert.rejects(adapter.read(), { code: 1000 });
  });
});
