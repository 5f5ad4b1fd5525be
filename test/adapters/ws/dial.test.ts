import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { WsConnection } from '../../../src/adapters/ws/connection.js';
import { awaitOpen } from '../../../src/adapters/ws/handshake.js';
import { REDIAL_CLOSE_REASON, WsAdapter } from '../../../src/adapters/ws/index.js';
import {
  DialError,
  ErrorCode,
  HandshakeError,
  InvalidArgumentError,
  MessageType,
  WebSocketCloseError,
} from '../../../src/core/index.js';
import { secretsIn } from '../../core/leak-check.js';
import {
  closedOf,
  freePort,
  nextMessage,
  rawSocket,
  startRawServer,
  startServer,
  type TestServer,
} from './helpers.js';

const QUEUE = { inboundQueue: { maxMessages: 16, maxBytes: 1 << 20 }, closeTimeoutMs: 2000 };

describe('WsAdapter dial', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      perMessageDeflate: true,
      handleProtocols: (offered) => (offered.has('v2') ? 'v2' : false),
      verifyClient: (info, done) => {
        if (info.req.url?.startsWith('/denied'))
          done(false, 401, 'no token here', { 'www-authenticate': 'Bearer' });
        else done(true);
      },
    });
  });
  after(() => server.close());

  it('sends headers and subprotocols and returns the 101 answer', async () => {
    const adapter = new WsAdapter({ protocols: ['v1', 'v2'], headers: { authorization: 'Bearer abc' } });
    const response = await adapter.dial(server.url);
    const peer = await server.accept();
    assert.equal(peer.req.headers.authorization, 'Bearer abc');
    assert.equal(peer.req.headers['sec-websocket-protocol'], 'v1,v2');
    assert.equal(peer.req.url, '/path?x=1');
    assert.equal(response.status, 101);
    assert.equal(response.protocol, 'v2');
    assert.equal(response.headers['sec-websocket-protocol'], 'v2');
    assert.equal(response.headers.upgrade, 'websocket');
    assert.match(response.extensions, /permessage-deflate/);
    assert.ok(adapter.getUnderlyingConnection() instanceof WebSocket);
    await adapter.close(1000);
  });

  it('returns an empty protocol and extensions when none were negotiated', async () => {
    const adapter = new WsAdapter({ perMessageDeflate: false });
    const response = await adapter.dial(server.url);
    assert.equal(response.protocol, '');
    assert.equal(response.extensions, '');
    await server.accept();
    await adapter.close(1000);
  });

  it('rejects a non-101 answer with HandshakeError carrying status, headers and body', async () => {
    const adapter = new WsAdapter();
    const error = await adapter.dial(new URL('/denied', server.url)).then(
      () => assert.fail('dial should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HandshakeError);
    assert.equal(error.code, ErrorCode.Handshake);
    assert.equal(error.status, 401);
    assert.equal(error.headers['www-authenticate'], 'Bearer');
    assert.equal(error.body, 'no token here');
    assert.equal(adapter.getUnderlyingConnection(), undefined);
    await assert.rejects(adapter.read(), { code: ErrorCode.ConnectionClosed });
  });

  it('keeps only the first KiB of a refused handshake body', async () => {
    const raw = await startRawServer((_req, socket) => {
      const body = 'x'.repeat(5000);
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Length: ${body.length}\r\nRetry-After: 7\r\n\r\n${body}`,
      );
    });
    try {
      const error = await new WsAdapter().dial(raw.url).catch((e: unknown) => e);
      assert.ok(error instanceof HandshakeError);
      assert.equal(error.status, 503);
      assert.equal(error.headers['retry-after'], '7');
      assert.equal(error.body, 'x'.repeat(1024));
    } finally {
      await raw.close();
    }
  });

  describe('HandshakeError.retryAfterMs (a 429 or 503 with Retry-After)', () => {
    async function refusal(head: string): Promise<HandshakeError> {
      const raw = await startRawServer((_req, socket) => {
        socket.end(`HTTP/1.1 ${head}\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy`);
      });
      try {
        const error = await new WsAdapter().dial(raw.url).catch((e: unknown) => e);
        assert.ok(error instanceof HandshakeError);
        return error;
      } finally {
        await raw.close();
      }
    }

    it('503 with Retry-After: 2 (delay-seconds) gives 2000 ms', async () => {
      const error = await refusal('503 Service Unavailable\r\nRetry-After: 2');
      assert.equal(error.status, 503);
      assert.equal(error.retryAfterMs, 2000);
      assert.equal(error.body, 'busy');
    });

    it('429 with an HTTP date gives the ms from when the answer came until then', async () => {
      const date = new Date(Date.now() + 30_000).toUTCString();
      const error = await refusal(`429 Too Many Requests\r\nRetry-After: ${date}`);
      assert.equal(error.status, 429);
      const ms = error.retryAfterMs;
      assert.ok(ms !== undefined && ms > 25_000 && ms <= 30_000, `retryAfterMs ${ms}`);
    });

    it('is undefined without the header, with an invalid one, or on another status', async () => {
      assert.equal((await refusal('503 Service Unavailable')).retryAfterMs, undefined);
      assert.equal((await refusal('503 Service Unavailable\r\nRetry-After: soon')).retryAfterMs, undefined);
      assert.equal((await refusal('500 Internal Server Error\r\nRetry-After: 2')).retryAfterMs, undefined);
    });

    it('is capped at one hour', async () => {
      assert.equal((await refusal('503 Service Unavailable\r\nRetry-After: 86400')).retryAfterMs, 3_600_000);
    });
  });

  it('rejects a 101 that ws refuses with HandshakeError 101 and the ws error as cause', async () => {
    const raw = await startRawServer((_req, socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n',
      );
    });
    try {
      const error = await new WsAdapter().dial(raw.url).catch((e: unknown) => e);
      assert.ok(error instanceof HandshakeError);
      assert.equal(error.status, 101);
      assert.equal(error.headers['sec-websocket-accept'], 'wrong');
      assert.match((error.cause as Error).message, /Sec-WebSocket-Accept/);
    } finally {
      await raw.close();
    }
  });

  it('leaves no listener and no open socket after a refused handshake', async () => {
    const ws = new WebSocket(new URL('/denied', server.url));
    const adopt = (socket: WebSocket) => new WsConnection(socket, QUEUE);
    await assert.rejects(awaitOpen(ws, undefined, adopt), HandshakeError);
    assert.equal(ws.readyState, WebSocket.CLOSED);
    assert.deepEqual(ws.eventNames(), []);
  });

  it('rejects with DialError and a cause when nothing listens', async () => {
    const port = await freePort();
    const error = await new WsAdapter().dial(new URL(`ws://127.0.0.1:${port}/`)).catch((e: unknown) => e);
    assert.ok(error instanceof DialError);
    assert.equal(error.code, ErrorCode.Dial);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  });

  it('keeps credentials in the URL out of the DialError message', async () => {
    const port = await freePort();
    const url = new URL(`ws://alice:S3CRET-PASS@127.0.0.1:${port}/feed?token=S3CRET-TOKEN&sig=S3CRET-SIG`);
    const error = await new WsAdapter().dial(url).catch((e: unknown) => e);
    assert.ok(error instanceof DialError);
    assert.doesNotMatch(error.message, /S3CRET/);
    assert.match(error.message, /127\.0\.0\.1/);
  });

  it("a DialError carries the URL's credentials nowhere: message, cause chain, inspect (regression)", async () => {
    const port = await freePort();
    const url = new URL(`ws://alice:S3CRET-PASS@127.0.0.1:${port}/?token=S3CRET-TOKEN`);
    const error = await new WsAdapter().dial(url).catch((e: unknown) => e);
    assert.ok(error instanceof DialError);
    assert.deepEqual(secretsIn(error, ['S3CRET', 'alice']), []);
  });

  it("a HandshakeError carries the URL's credentials nowhere either (regression)", async () => {
    const url = new URL('/denied?token=S3CRET-TOKEN', server.url);
    url.username = 'alice';
    url.password = 'S3CRET-PASS';
    const error = await new WsAdapter().dial(url).catch((e: unknown) => e);
    assert.ok(error instanceof HandshakeError);
    assert.equal(error.status, 401);
    assert.deepEqual(secretsIn(error, ['S3CRET', 'alice']), []);
  });

  it('rejects URLs that are not ws: or wss: without connecting', async () => {
    const adapter = new WsAdapter();
    await assert.rejects(adapter.dial(new URL('http://127.0.0.1/')), (e: unknown) => {
      return e instanceof InvalidArgumentError && e.code === ErrorCode.InvalidUrl;
    });
    await assert.rejects(adapter.dial('not a url' as unknown as URL), { code: ErrorCode.InvalidUrl });
  });

  it('closes the held connection with 1001 before dialling again', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(server.url);
    const first = await server.accept();
    const firstWs = adapter.getUnderlyingConnection()!;
    const pendingRead = assert.rejects(
      adapter.read(),
      (e: unknown) => e instanceof WebSocketCloseError && e.code === 1001,
    );
    await adapter.dial(server.url);
    const second = await server.accept();
    assert.deepEqual(await first.closed, { code: 1001, reason: REDIAL_CLOSE_REASON });
    await pendingRead;
    assert.deepEqual(firstWs.eventNames(), []);
    assert.notEqual(adapter.getUnderlyingConnection(), firstWs);
    second.ws.send('from second');
    assert.deepEqual(await adapter.read(), { type: MessageType.Text, data: 'from second' });
    await adapter.write(MessageType.Text, 'to second');
    assert.equal(await nextMessage(second.ws), 'to second');
    await adapter.close(1000);
  });
});

describe('WsAdapter dial cancellation', { timeout: 20_000 }, () => {
  it('rejects with signal.reason when the signal is already aborted, connecting nowhere', async () => {
    const raw = await startRawServer(() => assert.fail('no upgrade expected'));
    try {
      const reason = new Error('stop');
      await assert.rejects(
        new WsAdapter().dial(raw.url, { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
      );
    } finally {
      await raw.close();
    }
  });

  it('rejects with signal.reason when aborted during the handshake and closes the socket', async () => {
    const raw = await startRawServer(() => {});
    try {
      const controller = new AbortController();
      const adapter = new WsAdapter();
      const upgrade = raw.nextUpgrade();
      const dial = adapter.dial(raw.url, { signal: controller.signal });
      const socket = await upgrade;
      controller.abort(new Error('cancelled'));
      await assert.rejects(dial, { message: 'cancelled' });
      // The server socket allows half-open connections: the client's FIN shows as 'end'.
      await once(socket, 'end');
      assert.equal(adapter.getUnderlyingConnection(), undefined);
    } finally {
      await raw.close();
    }
  });

  it('rejects with the TimeoutError of AbortSignal.timeout and leaves no listener', async () => {
    const raw = await startRawServer(() => {});
    try {
      const ws = new WebSocket(raw.url);
      const adopt = (socket: WebSocket) => new WsConnection(socket, QUEUE);
      await assert.rejects(awaitOpen(ws, AbortSignal.timeout(100), adopt), { name: 'TimeoutError' });
      assert.equal(ws.readyState, WebSocket.CLOSED);
      assert.deepEqual(ws.eventNames(), []);
      await closedOf(ws);
    } finally {
      await raw.close();
    }
  });

  it('gives up waiting for the old connection to close when the signal aborts', async () => {
    const server = await startServer();
    try {
      const adapter = new WsAdapter({ closeTimeoutMs: 10_000 });
      await adapter.dial(server.url);
      const first = await server.accept();
      const firstWs = adapter.getUnderlyingConnection()!;
      rawSocket(first.ws).pause();
      const started = performance.now();
      await assert.rejects(adapter.dial(server.url, { signal: AbortSignal.timeout(100) }), {
        name: 'TimeoutError',
      });
      assert.ok(performance.now() - started < 5000);
      assert.equal(adapter.getUnderlyingConnection(), undefined);
      rawSocket(first.ws).resume();
      assert.equal((await first.closed).code, 1001);
      await closedOf(firstWs);
    } finally {
      await server.close();
    }
  });

  it('passes handshakeTimeout to ws: a stalled handshake fails with DialError', async () => {
    const raw = await startRawServer(() => {});
    try {
      const adapter = new WsAdapter({ handshakeTimeout: 100 });
      const error = await adapter.dial(raw.url).catch((e: unknown) => e);
      assert.ok(error instanceof DialError);
      assert.match((error.cause as Error).message, /handshake has timed out/);
    } finally {
      await raw.close();
    }
  });
});
