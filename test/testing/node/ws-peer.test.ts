import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { MessageType } from '../../../src/core/message.js';
import { startWsPeer } from '../../../src/testing/node/ws-peer.js';

async function open(url: URL, protocols?: string[], headers?: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { headers });
  await once(ws, 'open');
  return ws;
}

describe('startWsPeer', () => {
  it('accepts connections in arrival order, with request headers and the selected subprotocol', async () => {
    const peer = await startWsPeer({ protocols: ['v2', 'v1'] });
    const first = await open(peer.url, ['v1', 'v3'], { 'x-token': 'abc' });
    const second = await open(peer.url);
    const a = await peer.accept();
    const b = await peer.accept();
    assert.equal(a.requestHeaders['x-token'], 'abc');
    assert.equal(a.protocol, 'v1');
    assert.equal(first.protocol, 'v1');
    assert.equal(b.protocol, '');
    assert.equal(peer.openConnections(), 2);
    first.close(4001, 'bye');
    assert.deepEqual(await a.closed, { code: 4001, reason: 'bye' });
    second.terminate();
    await peer.close();
  });

  it('selects the first offered subprotocol by default', async () => {
    const peer = await startWsPeer();
    const ws = await open(peer.url, ['chat', 'json']);
    assert.equal((await peer.accept()).protocol, 'chat');
    assert.equal(ws.protocol, 'chat');
    await peer.close();
  });

  it('exchanges text and binary messages, fragmented on request', async () => {
    const peer = await startWsPeer();
    const ws = await open(peer.url);
    const conn = await peer.accept();
    const received = once(ws, 'message');
    await conn.send({ type: MessageType.Text, data: 'héllo ✓'.repeat(1000) }, { fragments: 7 });
    const [data, isBinary] = await received;
    assert.equal(isBinary, false);
    assert.equal(String(data), 'héllo ✓'.repeat(1000));
    ws.send(new Uint8Array([1, 2, 3]));
    ws.send('text');
    assert.deepEqual(await conn.nextMessage(), { type: MessageType.Binary, data: new Uint8Array([1, 2, 3]) });
    assert.deepEqual(await conn.nextMessage(), { type: MessageType.Text, data: 'text' });
    await peer.close();
  });

  it('answers pings until told not to, and pings the client', async () => {
    const peer = await startWsPeer();
    const ws = await open(peer.url);
    const conn = await peer.accept();
    ws.ping('1');
    assert.equal(String((await once(ws, 'pong'))[0]), '1');
    conn.answerPings(false);
    let pongs = 0;
    ws.on('pong', () => pongs++);
    ws.ping('2');
    // Frames arrive in order: once the peer has this message, it has seen ping 2.
    ws.send('after ping 2');
    await conn.nextMessage();
    conn.answerPings(true);
    ws.ping('3');
    assert.equal(String((await once(ws, 'pong'))[0]), '3');
    assert.equal(pongs, 1, 'ping 2 went unanswered');
    await conn.ping?.();
    await peer.close();
  });

  it('refuses the next handshake with a raw HTTP answer', async () => {
    const peer = await startWsPeer();
    peer.refuseNextHandshake(401, { headers: { 'WWW-Authenticate': 'Bearer' }, body: 'token expired' });
    const ws = new WebSocket(peer.url);
    ws.on('error', () => undefined);
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    response.setEncoding('utf8');
    let body = '';
    for await (const chunk of response) body += chunk;
    assert.equal(body, 'token expired');
    assert.equal(peer.openConnections(), 0);
    await open(peer.url).then((next) => next.terminate());
    await peer.close();
  });

  it('stalls the next handshake and destroys that socket on close()', async () => {
    const peer = await startWsPeer();
    peer.stallNextHandshake();
    const ws = new WebSocket(peer.url);
    const failed = new Promise((resolve) => ws.once('error', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    // A handshake answered at once would open before the second client does.
    const other = await open(peer.url);
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    other.terminate();
    await peer.close();
    await failed;
    await closed;
  });

  it('drops without a close frame, and reports a growing backlog while the client is paused', async () => {
    const peer = await startWsPeer();
    const ws = await open(peer.url);
    const conn = await peer.accept();
    ws.pause();
    const big = { type: MessageType.Binary, data: new Uint8Array(1024 * 1024) } as const;
    for (let i = 0; i < 32 && conn.bufferedAmount() === 0; i++) {
      void conn.send(big).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(conn.bufferedAmount() > 0);
    ws.resume();
    const closed = once(ws, 'close');
    conn.drop();
    assert.equal((await closed)[0], 1006);
    assert.equal((await conn.closed).code, 1006);
    await peer.close();
  });
});
