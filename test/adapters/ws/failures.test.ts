import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WS_ERROR_CLOSE_CODES } from '../../../src/adapters/ws/index.js';
import { closeCodeOfWsError } from '../../../src/adapters/ws/ws-errors.js';
import { MessageType, WebSocketCloseError } from '../../../src/core/index.js';
import { closedOf, connect, rawSocket, startServer, type TestServer } from './helpers.js';

/** Asserts a WebSocketCloseError with `code` whose cause is ws's error with `wsCode`. */
function failedWith(code: number, wsCode: string) {
  return (e: unknown) => {
    assert.ok(e instanceof WebSocketCloseError, String(e));
    assert.equal(e.code, code);
    assert.equal((e.cause as { code?: string }).code, wsCode);
    return true;
  };
}

describe('WsAdapter connections failed by ws on a bad frame', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('rejects read with 1009 when a message exceeds maxPayload, after earlier messages', async () => {
    const { adapter, peer } = await connect(server, { maxPayload: 1024 });
    const ws = adapter.getUnderlyingConnection()!;
    peer.ws.send('small');
    peer.ws.send(Buffer.alloc(2048));
    assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'small' });
    await assert.rejects(adapter.read(), failedWith(1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'));
    assert.equal((await peer.closed).code, 1009, 'ws tells the server 1009');
    await closedOf(ws);
    assert.deepEqual(ws.eventNames(), []);
  });

  it('rejects read with 1007 on invalid UTF-8 at once, without waiting for the server', async () => {
    const { adapter, peer } = await connect(server, { closeTimeoutMs: 10_000 });
    const socket = rawSocket(peer.ws);
    // The server will not read the client's close frame, so no echo and no 'close' yet.
    socket.pause();
    // FIN + text opcode, unmasked, 2 bytes that are not UTF-8.
    socket.write(Buffer.from([0x81, 0x02, 0xff, 0xfe]));
    await assert.rejects(adapter.read(), failedWith(1007, 'WS_ERR_INVALID_UTF8'));
    socket.resume();
    assert.equal((await peer.closed).code, 1007);
  });

  it('rejects read with 1002 on a protocol error, and ends pending calls', async () => {
    const { adapter, peer } = await connect(server);
    const pendingRead = assert.rejects(adapter.read(), failedWith(1002, 'WS_ERR_INVALID_OPCODE'));
    // Opcode 0x3 is reserved.
    rawSocket(peer.ws).write(Buffer.from([0x83, 0x00]));
    await pendingRead;
    await assert.rejects(adapter.ping(), { name: 'ConnectionClosedError' });
    assert.equal((await peer.closed).code, 1002);
  });

  it('never lets a ws error go unhandled when the server drops the connection mid-frame', async () => {
    const { adapter, peer } = await connect(server);
    const socket = rawSocket(peer.ws);
    // Announces 100 bytes, sends 2, then goes away.
    socket.end(Buffer.from([0x82, 0x64, 0x01, 0x02]));
    await assert.rejects(adapter.read(), (e: unknown) => e instanceof WebSocketCloseError && e.code === 1006);
  });

  it('maps ws error codes, preferring the status code ws attached', () => {
    assert.equal(closeCodeOfWsError({ code: 'WS_ERR_INVALID_UTF8' }), 1007);
    assert.equal(closeCodeOfWsError({ code: 'Z_DATA_ERROR', [Symbol('status-code')]: 1007 }), 1007);
    assert.equal(closeCodeOfWsError({ code: 'ECONNRESET' }), undefined);
    assert.equal(closeCodeOfWsError('WS_ERR_INVALID_UTF8'), undefined);
    assert.equal(WS_ERROR_CLOSE_CODES.WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, 1009);
  });
});
