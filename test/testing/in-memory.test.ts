import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inboundQueueOf } from '../../src/core/inbound-seam.js';
import {
  ConnectionClosedError,
  DialError,
  HandshakeError,
  InvalidArgumentError,
  InvalidOptionsError,
  type Message,
  MessageType,
  WebSocketCloseError,
} from '../../src/core/index.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { closeServersAfterEach, connect, isClose, servers, settle, text } from './in-memory-helpers.js';

closeServersAfterEach();

describe('createInMemoryPair: dial', () => {
  it('completes a handshake: 101, the server accepts, request headers and subprotocol seen', async () => {
    const { client, server } = createInMemoryPair({ protocols: ['chat', 'v2'], headers: { 'X-Token': 't' } });
    servers.push(server);
    assert.equal(server.url.href, 'ws://in-memory.test/');
    const response = await client.dial(new URL('ws://in-memory.test/path?token=abc'));
    assert.equal(response.status, 101);
    assert.equal(response.protocol, 'chat');
    const peer = await server.accept();
    assert.equal(peer.protocol, 'chat');
    assert.equal(peer.requestHeaders['x-token'], 't');
    assert.equal(peer.requestHeaders['sec-websocket-protocol'], 'chat, v2');
    assert.equal(peer.url.searchParams.get('token'), 'abc');
    assert.equal(server.openConnections(), 1);
    assert.equal(client.getUnderlyingConnection()?.readyState, 'open');
  });

  it('rejects a refused handshake with HandshakeError carrying status, headers and body, leaving nothing open', async () => {
    const { client, server } = createInMemoryPair();
    servers.push(server);
    server.refuseNextHandshake(401, { headers: { 'WWW-Authenticate': 'Bearer' }, body: 'no token' });
    const error = await client.dial(server.url).catch((e: unknown) => e);
    assert.ok(error instanceof HandshakeError);
    assert.equal(error.code, 'ERR_HANDSHAKE');
    assert.equal(error.status, 401);
    assert.equal(error.headers['www-authenticate'], 'Bearer');
    assert.equal(error.body, 'no token');
    assert.equal(server.openConnections(), 0);
    assert.equal(client.getUnderlyingConnection(), undefined);
    assert.equal((await client.dial(server.url)).status, 101);
  });

  it('a stalled handshake hangs until the signal aborts, then the next dial works', async () => {
    const { client, server } = createInMemoryPair();
    servers.push(server);
    server.stallNextHandshake();
    const controller = new AbortController();
    const dialling = client.dial(server.url, { signal: controller.signal });
    await settle();
    assert.equal(server.openConnections(), 0);
    const reason = new Error('open timeout');
    controller.abort(reason);
    await assert.rejects(dialling, (e) => e === reason);
    assert.equal(server.openConnections(), 0);
    await client.dial(server.url);
    assert.equal(server.openConnections(), 1);
  });

  it('rejects with DialError when the server is closed or on another host, and InvalidArgumentError for a bad URL', async () => {
    const { client, server } = createInMemoryPair();
    await assert.rejects(client.dial(new URL('ws://elsewhere.test/')), DialError);
    await assert.rejects(client.dial(new URL('http://in-memory.test/')), { code: 'ERR_INVALID_URL' });
    await server.close();
    await assert.rejects(client.dial(server.url), { name: 'DialError', code: 'ERR_DIAL' });
  });

  it('dial on a connected adapter closes the old connection (1001) and drops it', async () => {
    const { client, server, peer } = await connect();
    const pendingRead = client.read();
    await client.dial(server.url);
    const second = await server.accept();
    assert.deepEqual(await peer.closed, { code: 1001, reason: 'Going away' });
    await assert.rejects(pendingRead, WebSocketCloseError);
    await second.send(text('new'));
    assert.equal((await client.read()).data, 'new');
    assert.equal(server.openConnections(), 1);
  });

  it('rejects invalid options, listing every problem', () => {
    assert.throws(
      () => createInMemoryPair({ inboundQueue: { maxMessages: 0 }, closeTimeoutMs: -1 }),
      (e) => e instanceof InvalidOptionsError && e.issues.length === 2,
    );
  });
});

describe('createInMemoryPair: messages', () => {
  it('delivers both ways, in order, asynchronously', async () => {
    const { client, peer } = await connect();
    const sent = [peer.send(text('1')), peer.send({ type: MessageType.Binary, data: new Uint8Array([2]) })];
    assert.equal(inboundQueueOf(client)?.size, 0, 'nothing arrives synchronously');
    await Promise.all(sent);
    assert.equal((await client.read()).data, '1');
    assert.deepEqual((await client.read()).data, new Uint8Array([2]));
    await Promise.all([client.write(MessageType.Text, 'a'), client.write(MessageType.Text, 'b')]);
    assert.equal((await peer.nextMessage()).data, 'a');
    assert.equal((await peer.nextMessage()).data, 'b');
  });

  it('copies binary data, so a sender reusing its buffer changes nothing', async () => {
    const { client, peer } = await connect();
    const buffer = new Uint8Array([1, 2, 3]);
    const writing = client.write(MessageType.Binary, buffer);
    buffer[0] = 9;
    await writing;
    assert.deepEqual((await peer.nextMessage()).data, new Uint8Array([1, 2, 3]));
  });

  it('gives concurrent reads different messages in arrival order', async () => {
    const { client, peer } = await connect();
    const reads = [client.read(), client.read(), client.read()];
    for (const data of ['a', 'b', 'c']) void peer.send(text(data));
    assert.deepEqual(
      (await Promise.all(reads)).map((m) => m.data),
      ['a', 'b', 'c'],
    );
  });

  it('an aborted read rejects with signal.reason and loses no message', async () => {
    const { client, peer } = await connect();
    const controller = new AbortController();
    const aborted = client.read({ signal: controller.signal });
    const reason = new Error('cancelled');
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    await peer.send(text('kept'));
    await assert.rejects(client.read({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    assert.equal((await client.read()).data, 'kept');
  });

  it('back-pressure: a full client queue holds messages in the server outbox, then all drain in order', async () => {
    const { client, peer } = await connect({ inboundQueue: { maxMessages: 4 } });
    const sends = Array.from({ length: 20 }, (_, i) => peer.send(text(`m${i}`)));
    await sends[3];
    await settle();
    const buffered = peer.bufferedAmount();
    assert.ok(buffered > 0, 'messages wait in the outbox');
    let fifthDelivered = false;
    void sends[4].then(() => {
      fifthDelivered = true;
    });
    void peer.send(text('more'));
    await settle();
    assert.equal(fifthDelivered, false, 'send() waits while the client is paused');
    assert.ok(peer.bufferedAmount() > buffered, 'bufferedAmount grows while the client does not read');
    const received: string[] = [];
    for (let i = 0; i < 21; i++) received.push((await client.read()).data as string);
    assert.deepEqual(received, [...Array.from({ length: 20 }, (_, i) => `m${i}`), 'more']);
    await Promise.all(sends);
    assert.equal(peer.bufferedAmount(), 0);
  });

  it('transportBufferBytes lets send() resolve for data the network holds; bufferedAmount counts the rest', async () => {
    const { client, peer } = await connect({ inboundQueue: { maxMessages: 2 }, transportBufferBytes: 4 });
    const sends = ['aa', 'bb', 'cc', 'dd', 'ee'].map((data) => peer.send(text(data)));
    await Promise.all(sends.slice(0, 4)); // 2 in the client queue, 2 x 2 bytes in transit
    await settle();
    assert.equal(peer.bufferedAmount(), 2);
    let fifth = false;
    void sends[4].then(() => {
      fifth = true;
    });
    await settle();
    assert.equal(fifth, false);
    const received: string[] = [];
    for (let i = 0; i < 5; i++) received.push((await client.read()).data as string);
    assert.deepEqual(received, ['aa', 'bb', 'cc', 'dd', 'ee']);
    await sends[4];
    assert.equal(peer.bufferedAmount(), 0);
  });

  it('rejects wrong data types with InvalidArgumentError, both sides', async () => {
    const { client, peer } = await connect();
    const invalid = (e: unknown) => e instanceof InvalidArgumentError && e.code === 'ERR_INVALID_MESSAGE';
    await assert.rejects(client.write(MessageType.Text, new Uint8Array(1)), invalid);
    await assert.rejects(client.write(MessageType.Binary, 'text'), invalid);
    await assert.rejects(client.write(3 as MessageType, 'x'), invalid);
    await assert.rejects(peer.send({ type: MessageType.Text, data: 42 } as unknown as Message), invalid);
    await client.write(MessageType.Text, 'still open');
    assert.equal((await peer.nextMessage()).data, 'still open');
  });
});

describe('createInMemoryPair: close', () => {
  it('client close passes 4000-4999 codes to the server, rejects pending reads, resolves once acknowledged', async () => {
    const { client, server, peer } = await connect();
    const pending = client.read();
    await client.close(4321, 'app reason');
    assert.deepEqual(await peer.closed, { code: 4321, reason: 'app reason' });
    await assert.rejects(pending, isClose(4321, 'app reason'));
    assert.equal(server.openConnections(), 0);
    assert.equal(client.getUnderlyingConnection(), undefined);
  });

  it('server close passes 4000-4999 codes to the client after the messages sent before it', async () => {
    const { client, peer } = await connect();
    void peer.send(text('before'));
    peer.close(4999, 'bye');
    assert.equal((await client.read()).data, 'before');
    await assert.rejects(client.read(), isClose(4999, 'bye'));
    assert.deepEqual(await peer.closed, { code: 4999, reason: 'bye' });
  });

  it('a close frame without a code reads as 1005', async () => {
    const { client, peer } = await connect();
    peer.close();
    await assert.rejects(client.read(), isClose(1005, ''));
    assert.equal((await peer.closed).code, 1005);
  });

  it('a dropped connection reads as 1006; the server cannot send any more', async () => {
    const { client, server, peer } = await connect();
    const pending = client.read();
    peer.drop();
    await assert.rejects(pending, isClose(1006, ''));
    assert.deepEqual(await peer.closed, { code: 1006, reason: '' });
    await assert.rejects(peer.send(text('late')), ConnectionClosedError);
    assert.equal(server.openConnections(), 0);
    await assert.rejects(client.close(1000), ConnectionClosedError);
  });

  it('messages the client wrote before closing still reach the server; nextMessage() then stays pending', async () => {
    const { client, peer } = await connect();
    await client.write(MessageType.Text, 'last words');
    await client.close(1000);
    assert.equal((await peer.nextMessage()).data, 'last words');
    let settled = false;
    void peer.nextMessage().then(() => {
      settled = true;
    });
    await settle();
    assert.equal(settled, false);
  });

  it('close twice rejects with ConnectionClosedError, as do write and ping after close, and any call before dial', async () => {
    const { client } = await connect();
    await client.close(1000);
    await assert.rejects(client.close(1000), {
      name: 'ConnectionClosedError',
      code: 'ERR_CONNECTION_CLOSED',
    });
    await assert.rejects(client.write(MessageType.Text, 'x'), ConnectionClosedError);
    await assert.rejects(client.ping(), ConnectionClosedError);
    const { client: fresh, server } = createInMemoryPair();
    servers.push(server);
    await assert.rejects(fresh.read(), ConnectionClosedError);
    await assert.rejects(fresh.close(1000), ConnectionClosedError);
  });

  it('rejects close codes that may not be sent and reasons over 123 bytes; the connection stays open', async () => {
    const { client, peer } = await connect();
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      await assert.rejects(client.close(code), {
        name: 'InvalidArgumentError',
        code: 'ERR_INVALID_CLOSE_CODE',
      });
    }
    await assert.rejects(client.close(1000, 'x'.repeat(124)), { code: 'ERR_INVALID_CLOSE_REASON' });
    await client.write(MessageType.Text, 'alive');
    assert.equal((await peer.nextMessage()).data, 'alive');
  });

  it('closes even when the signal has already aborted', async () => {
    const { client, peer } = await connect();
    await client.close(1000, 'done', { signal: AbortSignal.abort() });
    assert.deepEqual(await peer.closed, { code: 1000, reason: 'done' });
  });

  it('a server that stopped reading leaves close unacknowledged: close resolves after closeTimeoutMs, peer sees 1006', async () => {
    const { client, server, peer } = await connect({ closeTimeoutMs: 10 });
    peer.stopReading();
    await client.close(1000);
    assert.deepEqual(await peer.closed, { code: 1006, reason: '' });
    assert.equal(server.openConnections(), 0);
  });

  it('resumeReading() processes what waited, in order', async () => {
    const { client, peer } = await connect();
    peer.stopReading();
    await client.write(MessageType.Text, 'held');
    const pinging = client.ping();
    let pong = false;
    void pinging.then(() => {
      pong = true;
    });
    await settle();
    assert.equal(peer.pingCount, 0);
    assert.equal(pong, false);
    peer.resumeReading();
    assert.equal((await peer.nextMessage()).data, 'held');
    await pinging;
    assert.equal(peer.pingCount, 1);
  });

  it('server.close() closes every connection with 1001 and rejects pending accepts', async () => {
    const { client, server } = createInMemoryPair();
    await client.dial(server.url);
    await server.accept();
    const accepting = server.accept();
    await server.close();
    await assert.rejects(client.read(), isClose(1001));
    await assert.rejects(accepting, ConnectionClosedError);
    assert.equal(server.openConnections(), 0);
  });
});

describe('createInMemoryPair: ping', () => {
  it('resolves when the server answers, with or without a pending read', async () => {
    const { client, peer } = await connect();
    await client.ping();
    const reading = client.read();
    await client.ping();
    assert.equal(peer.pingCount, 2);
    await peer.send(text('after pings'));
    assert.equal((await reading).data, 'after pings');
  });

  it('a server that stops answering leaves ping pending until the signal aborts', async () => {
    const { client, peer } = await connect();
    peer.answerPings(false);
    const controller = new AbortController();
    const pinging = client.ping({ signal: controller.signal });
    await settle();
    assert.equal(peer.pingCount, 1);
    controller.abort(new Error('keepalive timeout'));
    await assert.rejects(pinging, /keepalive timeout/);
  });

  it('half-open: a silent server then a drop rejects the pending ping and read with 1006', async () => {
    const { client, peer } = await connect();
    peer.answerPings(false);
    const pinging = client.ping();
    const reading = client.read();
    await settle();
    peer.drop();
    await assert.rejects(pinging, isClose(1006));
    await assert.rejects(reading, isClose(1006));
  });

  it('a pending ping rejects when the client closes', async () => {
    const { client, peer } = await connect();
    peer.answerPings(false);
    const pinging = client.ping();
    await client.close(1000);
    await assert.rejects(pinging, WebSocketCloseError);
  });
});
