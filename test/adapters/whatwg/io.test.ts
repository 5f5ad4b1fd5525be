import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { INBOUND_OVERFLOW_REASON, WhatwgWebSocketAdapter } from '../../../src/adapters/whatwg/index.js';
import {
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  MessageType,
  UnsupportedOperationError,
  WebSocketCloseError,
} from '../../../src/core/index.js';
import { startServer, type TestServer } from './helpers.js';

const isClosedError = (e: unknown) =>
  e instanceof ConnectionClosedError && e.code === ErrorCode.ConnectionClosed;

describe('WhatwgWebSocketAdapter read/write/ping', () => {
  let echo: TestServer;
  let server: TestServer;
  before(async () => {
    echo = await startServer({ echo: true });
    server = await startServer();
  });
  after(async () => {
    await echo.close();
    await server.close();
  });

  async function connect(
    to: TestServer,
    options: ConstructorParameters<typeof WhatwgWebSocketAdapter>[0] = {},
  ) {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket, ...options });
    const side = to.accept();
    await adapter.dial(to.url);
    return { adapter, side: await side };
  }

  it('echoes text as a string and binary as a Uint8Array', async () => {
    const { adapter } = await connect(echo);
    await adapter.write(MessageType.Text, 'héllo');
    await adapter.write(MessageType.Binary, new Uint8Array([0, 1, 255]).subarray(1));
    assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'héllo' });
    const binary = await adapter.read();
    assert.equal(binary.type, MessageType.Binary);
    assert.ok(binary.data instanceof Uint8Array);
    assert.deepEqual([...binary.data], [1, 255]);
    await adapter.close(1000);
  });

  it('rejects a message of the wrong type with InvalidArgumentError and sends nothing', async () => {
    const { adapter, side } = await connect(server);
    const bad: [number, unknown][] = [
      [MessageType.Text, new Uint8Array(1)],
      [MessageType.Binary, 'text'],
      [MessageType.Binary, [1, 2]],
      [3, 'x'],
    ];
    for (const [type, data] of bad) {
      await assert.rejects(
        adapter.write(type as MessageType, data as string),
        (e) => e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidMessage,
      );
    }
    await adapter.write(MessageType.Text, 'good');
    assert.equal((await side.next()).data.toString(), 'good');
    await adapter.close(1000);
  });

  it('rejects read, write and close with ConnectionClosedError before any dial', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket });
    await assert.rejects(adapter.read(), isClosedError);
    await assert.rejects(adapter.write(MessageType.Text, 'x'), isClosedError);
    await assert.rejects(adapter.close(1000), isClosedError);
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    assert.equal(adapter.bufferedAmount, 0);
  });

  it('rejects ping with UnsupportedOperationError that names the alternatives', async () => {
    const { adapter } = await connect(echo);
    await assert.rejects(adapter.ping(), (e) => {
      assert.ok(e instanceof UnsupportedOperationError);
      assert.equal(e.code, ErrorCode.Unsupported);
      assert.match(e.message, /heartbeat/);
      return true;
    });
    await adapter.close(1000);
  });

  it('an aborted read loses no message', async () => {
    const { adapter, side } = await connect(server);
    const reason = new Error('cancelled');
    const controller = new AbortController();
    const aborted = adapter.read({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    await assert.rejects(adapter.read({ signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
    side.socket.send('kept');
    assert.equal((await adapter.read()).data, 'kept');
    await adapter.close(1000);
  });

  it('an aborted write sends nothing', async () => {
    const { adapter, side } = await connect(server);
    const reason = new Error('cancelled');
    await assert.rejects(
      adapter.write(MessageType.Text, 'lost', { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    await adapter.write(MessageType.Text, 'sent');
    assert.equal((await side.next()).data.toString(), 'sent');
    await adapter.close(1000);
  });

  it('queues messages that arrive before read, in order, then reports the close', async () => {
    const { adapter, side } = await connect(server);
    for (let i = 0; i < 50; i++) side.socket.send(String(i));
    side.socket.close(4000, 'done');
    // The server sees the close handshake finish only after the client read every frame before it.
    await side.closed;
    for (let i = 0; i < 50; i++) assert.equal((await adapter.read()).data, String(i));
    await assert.rejects(adapter.read(), (e) => e instanceof WebSocketCloseError && e.code === 4000);
    await assert.rejects(adapter.read(), (e) => e instanceof WebSocketCloseError && e.code === 4000);
  });

  it('gives concurrent reads different messages in arrival order', async () => {
    const { adapter, side } = await connect(server);
    const reads = [adapter.read(), adapter.read(), adapter.read()];
    for (const data of ['a', 'b', 'c']) side.socket.send(data);
    assert.deepEqual(
      (await Promise.all(reads)).map((m) => m.data),
      ['a', 'b', 'c'],
    );
    await adapter.close(1000);
  });

  it('sends concurrent writes in call order', async () => {
    const { adapter, side } = await connect(server);
    await Promise.all(Array.from({ length: 100 }, (_, i) => adapter.write(MessageType.Text, String(i))));
    for (let i = 0; i < 100; i++) assert.equal((await side.next()).data.toString(), String(i));
    await adapter.close(1000);
  });

  it("fails the connection when the inbound queue overflows ('fail', the default)", async () => {
    const { adapter, side } = await connect(server, { inboundQueue: { maxMessages: 4 } });
    for (let i = 0; i < 10; i++) side.socket.send(String(i));
    assert.deepEqual(await side.closed, { code: 1000, reason: INBOUND_OVERFLOW_REASON });
    for (let i = 0; i < 4; i++) assert.equal((await adapter.read()).data, String(i));
    await assert.rejects(adapter.read(), (e) => {
      assert.ok(e instanceof WebSocketCloseError);
      assert.equal(e.code, 1008);
      assert.equal(e.reason, INBOUND_OVERFLOW_REASON);
      return true;
    });
    await assert.rejects(adapter.write(MessageType.Text, 'x'), isClosedError);
    await assert.rejects(adapter.close(1000), isClosedError);
  });

  it("keeps queueing past the bound with inboundOverflow 'unbounded'", async () => {
    const { adapter, side } = await connect(server, {
      inboundQueue: { maxMessages: 4 },
      inboundOverflow: 'unbounded',
    });
    for (let i = 0; i < 10; i++) side.socket.send(String(i));
    side.socket.close(4000, 'done');
    await side.closed;
    for (let i = 0; i < 10; i++) assert.equal((await adapter.read()).data, String(i));
    await assert.rejects(adapter.read(), (e) => e instanceof WebSocketCloseError && e.code === 4000);
  });

  it('reports bufferedAmount of the open socket', async () => {
    const { adapter } = await connect(echo);
    assert.equal(typeof adapter.bufferedAmount, 'number');
    await adapter.write(MessageType.Binary, new Uint8Array(1024));
    assert.ok(adapter.bufferedAmount >= 0);
    await adapter.read();
    await adapter.close(1000);
  });
});
