import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WS_ERROR_CLOSE_CODES, WsAdapter } from '../../../src/adapters/ws/index.js';
import { closeCodeOfWsError } from '../../../src/adapters/ws/ws-errors.js';
import { ConnectionClosedError, MessageType, WebSocketCloseError } from '../../../src/core/index.js';
import {
  closedOf,
  connect,
  type RawServer,
  rawSocket,
  startRawServer,
  startServer,
  type TestServer,
} from './helpers.js';

/** Asserts a WebSocketCloseError with `code` whose cause is ws's error with `wsCode`. */
function failedWith(code: number, wsCode: string) {
  return (e: unknown) => {
    assert.ok(e instanceof WebSocketCloseError, String(e));
    assert.equal(e.code, code);
    assert.equal((e.cause as { code?: string }).code, wsCode);
    return true;
  };
}

/** Sockets and timers of this process, by kind, for those that connections leave behind. */
function activeSocketsAndTimers(): { sockets: number; timers: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
    timers: resources.filter((name) => name === 'Timeout').length,
  };
}

/** Rejects if `promise` takes longer than `ms`: what should happen at once must not wait for a timeout. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A server that completes the handshake by hand and then never answers a close frame nor
 * closes its side of TCP (upgraded HTTP sockets allow half-open connections): whatever the
 * client waits for from it never comes. `ended` settles with every byte the client sent once
 * the client has ended TCP. The server's socket stays open until `close()`, which resolves
 * once every socket it had is closed.
 */
async function startSilentServer(): Promise<
  RawServer & { next(): Promise<{ socket: Socket; ended: Promise<Buffer> }> }
> {
  const raw = await startRawServer((req, socket) => {
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
  });
  const sockets: Socket[] = [];
  return {
    ...raw,
    // Waits for the sockets' own `close`: the server's may come first, with a handle still open.
    close: async () => {
      await Promise.all(
        sockets.map((socket) => (socket.closed ? undefined : once(socket.destroy(), 'close'))),
      );
      await raw.close();
    },
    next: async () => {
      const socket = await raw.nextUpgrade();
      sockets.push(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      const ended = once(socket, 'end').then(() => Buffer.concat(chunks));
      return { socket, ended };
    },
  };
}

/** The status code of the (masked) close frame a client sent, or `undefined` if it sent none. */
function closeCodeSent(bytes: Buffer): number | undefined {
  if (bytes.length < 8 || bytes[0] !== 0x88) return undefined;
  const mask = bytes.subarray(2, 6);
  return ((bytes[6]! ^ mask[0]!) << 8) | (bytes[7]! ^ mask[1]!);
}

// RFC 6455 7.1.7 "Fail the WebSocket Connection": send the close frame, then close TCP,
// without waiting for a close frame that ws would no longer read anyway. First in the file,
// so no connection of another test is still closing when resources are counted.
describe('WsAdapter failing a connection on a bad frame from a server that does not close', {
  timeout: 20_000,
}, () => {
  const badFrames = [
    {
      what: 'invalid UTF-8 in a text frame',
      frame: [0x81, 0x02, 0xc3, 0x28],
      code: 1007,
      wsCode: 'WS_ERR_INVALID_UTF8',
    },
    { what: 'a reserved opcode', frame: [0x83, 0x00], code: 1002, wsCode: 'WS_ERR_INVALID_OPCODE' },
    {
      what: 'a message over maxPayload',
      frame: [0x82, 0x7e, 0x04, 0x00],
      code: 1009,
      wsCode: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    },
  ];
  for (const { what, frame, code, wsCode } of badFrames) {
    it(`on ${what}: sends ${code}, then closes the socket at once, leaving no socket or timer behind`, async () => {
      const silent = await startSilentServer();
      try {
        const before = activeSocketsAndTimers();
        const adapter = new WsAdapter({ maxPayload: 512, closeTimeoutMs: 10_000 });
        const accepted = silent.next();
        await adapter.dial(silent.url);
        const server = await accepted;
        const ws = adapter.getUnderlyingConnection()!;
        server.socket.write(Buffer.from(frame));
        await assert.rejects(adapter.read(), failedWith(code, wsCode));
        // Not after the close timeout (10 s): at once.
        await within(closedOf(ws), 1000, 'the client closing its socket');
        assert.equal(adapter.getUnderlyingConnection(), undefined);
        assert.deepEqual(ws.eventNames(), []);
        const received = await within(server.ended, 1000, 'the server seeing the client end TCP');
        assert.equal(closeCodeSent(received), code, 'the close frame went out before TCP closed');
        await assert.rejects(adapter.read(), failedWith(code, wsCode));
        // The one socket left is the server's, which it keeps open; no timer is left.
        assert.equal(server.socket.destroyed, false);
        assert.deepEqual(activeSocketsAndTimers(), { sockets: before.sockets + 1, timers: before.timers });
      } finally {
        await silent.close();
      }
    });
  }

  it('makes close() after such a failure wait until the socket is gone, then reject with ConnectionClosedError', async () => {
    const silent = await startSilentServer();
    try {
      const before = activeSocketsAndTimers();
      const adapter = new WsAdapter({ closeTimeoutMs: 10_000 });
      const accepted = silent.next();
      await adapter.dial(silent.url);
      const server = await accepted;
      const ws = adapter.getUnderlyingConnection()!;
      server.socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
      await assert.rejects(adapter.read(), failedWith(1007, 'WS_ERR_INVALID_UTF8'));
      assert.equal(adapter.getUnderlyingConnection(), undefined, 'a failed connection is no longer offered');
      await within(
        assert.rejects(adapter.close(1000), (e) => e instanceof ConnectionClosedError),
        1000,
        'close()',
      );
      // Once close() has settled, ws has emitted `close`: the socket and its listeners are gone.
      assert.equal(ws.readyState, ws.CLOSED);
      assert.deepEqual(ws.eventNames(), []);
      assert.equal(
        closeCodeSent(await within(server.ended, 1000, 'the server seeing the client end TCP')),
        1007,
      );
      assert.equal(server.socket.destroyed, false);
      assert.deepEqual(activeSocketsAndTimers(), { sockets: before.sockets + 1, timers: before.timers });
    } finally {
      await silent.close();
    }
  });
});

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
