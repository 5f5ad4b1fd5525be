// The catalogue of bad inputs: what a user (or a server) can get wrong, and what the library
// answers. Each case asserts the error's class and `code`, a message that says how to fix
// the call (or, for a server's fault, what the server did), and that nothing accepted
// before the bad input was lost: the connection, the messages queued or written before,
// the engine's session. Where the library is wrong, the case is a `todo` saying why.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { WebSocket as UndiciWebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../src/adapters/whatwg/index.js';
import { WsAdapter } from '../src/adapters/ws/index.js';
import {
  CallbackError,
  ConnectionClosedError,
  DialError,
  EngineStartError,
  EngineStateError,
  EngineStopError,
  ErrorCode,
  HandshakeError,
  InvalidArgumentError,
  InvalidOptionsError,
  type Message,
  MessageType,
  validateWebSocketUrl,
  type WebSocketClient,
  WebSocketCloseError,
  WebSocketEngine,
  type WebSocketEngineOptions,
} from '../src/index.js';
import { type ConformancePeer, createInMemoryPair, type PeerConnection } from '../src/testing/index.js';
import { startWsPeer } from '../src/testing/node/index.js';
import { until } from './engine/helpers.js';
import { expectError, rejection, thrown } from './support/expect-error.js';

const text = (data: string): Message => ({ type: MessageType.Text, data });

/**
 * A running engine over the in-memory pair, as the thing "accepted before": before each
 * bad input a message is sent each way; `intact()` checks both arrived, in order, and that
 * the engine still works.
 */
async function runningEngine() {
  const { client: adapter, server } = createInMemoryPair();
  const received: string[] = [];
  const engine = new WebSocketEngine({
    url: server.url,
    adapter,
    readers: 1,
    client: { onMessage: ({ message }) => void received.push(message.data as string) },
  });
  await engine.start();
  const peer = await server.accept();
  let n = 0;
  let consumed = 0;
  return {
    engine,
    async accept(): Promise<void> {
      n++;
      await peer.send(text(`down-${n}`));
      await engine.send(`up-${n}`);
    },
    async intact(): Promise<void> {
      // Every send so far arrives, in order (a todo case may have stopped before checking its own).
      while (consumed < n) assert.deepEqual((await peer.nextMessage()).data, `up-${++consumed}`);
      await until(() => received.at(-1) === `down-${n}`, `down-${n} delivered`);
      assert.deepEqual(
        received,
        Array.from({ length: n }, (_, i) => `down-${i + 1}`),
      );
      assert.equal(engine.isStarted, true);
    },
    stop: () => engine.stop(),
  };
}

const okClient: WebSocketClient = { onMessage() {} };

describe('bad input: URLs', () => {
  let witness: Awaited<ReturnType<typeof runningEngine>>;
  before(async () => {
    witness = await runningEngine();
  });
  after(() => witness.stop());

  /** A static URL given to a new engine: rejected in the constructor, the running engine untouched. */
  async function badUrl(url: string, fix: RegExp, secrets: string[] = []) {
    await witness.accept();
    const { client: adapter } = createInMemoryPair();
    const error = thrown(() => new WebSocketEngine({ url, adapter, client: okClient }));
    expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, fix);
    for (const secret of secrets) assert.ok(!(error as Error).message.includes(secret), `no ${secret}`);
    await witness.intact();
  }

  it('http:// scheme: use ws://', () => badUrl('http://example.com/feed', /scheme "http:".*use ws:\/\//));
  it('https:// scheme: use wss://', () =>
    badUrl('https://example.com/feed', /scheme "https:".*use wss:\/\//));
  it('another scheme: use ws:// or wss://', () =>
    badUrl('ftp://example.com/', /ws:\/\/ \(plain\) or wss:\/\/ \(TLS\)/));
  it('no scheme (host:port): says the scheme is missing', () =>
    badUrl('localhost:8080', /no host \(is the ws:\/\/ or wss:\/\/ scheme missing\?\)/));
  it('not a URL at all: gives an example of one', () =>
    badUrl('not a url', /not a URL; expected an absolute URL such as wss:\/\//));
  it('no host (ws://): gives an example', () =>
    badUrl('ws://', /expected an absolute URL such as wss:\/\/example\.com/));
  it('credentials with a bad scheme: the message quotes the URL without them', () =>
    badUrl('http://alice:S3CRET@example.com/?token=T0KEN', /use ws:\/\//, ['S3CRET', 'T0KEN', 'alice']));

  it('port out of range: the message says the port is the problem', {}, () =>
    badUrl('ws://example.com:70000/', /port/),
  );

  it('a #fragment: ERR_INVALID_URL up front, saying to remove it', {}, () =>
    badUrl('ws://example.com/feed#top', /fragment|#/),
  );

  it('validateWebSocketUrl(42): InvalidArgumentError ERR_INVALID_URL naming what was given', async () => {
    await witness.accept();
    expectError(
      thrown(() => validateWebSocketUrl(42)),
      InvalidArgumentError,
      ErrorCode.InvalidUrl,
      /got a number \(42\)/,
    );
    await witness.intact();
  });

  it('a url function returning garbage: start() rejects, the cause is ERR_INVALID_URL', async () => {
    await witness.accept();
    const { client: adapter } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: () => 42 as never, adapter, client: okClient });
    const error = await rejection(engine.start());
    expectError(
      error,
      EngineStartError,
      ErrorCode.EngineStart,
      /expected an absolute ws:\/\/ or wss:\/\/ URL/,
    );
    expectError((error as Error).cause, InvalidArgumentError, ErrorCode.InvalidUrl, /got a number/);
    await witness.intact();
  });

  it('a url function returning http:// with credentials: start() rejects saying ws://, no credential', async () => {
    await witness.accept();
    const { client: adapter } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: () => 'http://bob:S3CRET@h.test/', adapter, client: okClient });
    const error = await rejection(engine.start());
    expectError(error, EngineStartError, ErrorCode.EngineStart, /use ws:\/\//);
    assert.ok(!(error as Error).message.includes('S3CRET'));
    await witness.intact();
  });
});

describe('bad input: engine options (out of range, wrong type, misspelt)', () => {
  let witness: Awaited<ReturnType<typeof runningEngine>>;
  before(async () => {
    witness = await runningEngine();
  });
  after(() => witness.stop());

  /** Each bad option is named, with what is expected; the options object is not changed. */
  const cases: [string, Partial<WebSocketEngineOptions> & Record<string, unknown>, RegExp][] = [
    ['readers: 0', { readers: 0 }, /readers: expected an integer >= 1, got 0/],
    ['readers: 1.5', { readers: 1.5 }, /readers: expected an integer >= 1, got 1\.5/],
    [
      'readers: "4" (a string)',
      { readers: '4' as never },
      /readers: expected an integer >= 1, got a string$/,
    ],
    [
      'autoReconnect: "yes"',
      { autoReconnect: 'yes' as never },
      /autoReconnect: expected a boolean, got a string$/,
    ],
    [
      'openTimeoutMs: -1',
      { openTimeoutMs: -1 },
      /openTimeoutMs: expected a number of ms from 0 to 2147483647 \(0 disables\), got -1/,
    ],
    [
      'stopTimeoutMs: 2^31 (past what a timer holds)',
      { stopTimeoutMs: 2 ** 31 },
      /stopTimeoutMs: expected a number of ms from 0 to 2147483647/,
    ],
    [
      'reconnect.jitter: 2',
      { reconnect: { jitter: 2 } },
      /reconnect\.jitter: expected a number from 0 to 1, got 2/,
    ],
    [
      'reconnect.multiplier: 0.5',
      { reconnect: { multiplier: 0.5 } },
      /reconnect\.multiplier: expected a number >= 1/,
    ],
    [
      'reconnect.maxDelayMs below initialDelayMs',
      { reconnect: { initialDelayMs: 5_000, maxDelayMs: 100 } },
      /reconnect\.maxDelayMs: expected >= reconnect\.initialDelayMs \(5000\), got 100/,
    ],
    [
      'reconnect.maxRetries: -1',
      { reconnect: { maxRetries: -1 } },
      /reconnect\.maxRetries: expected an integer >= 0 or Infinity/,
    ],
    [
      'keepalive without timeoutMs',
      { keepalive: { intervalMs: 1_000 } as never },
      /keepalive\.timeoutMs: expected a number of ms/,
    ],
    [
      'outbox.maxBytes: "1MB"',
      { outbox: { maxBytes: '1MB' as never } },
      /outbox\.maxBytes: expected an integer >= 0 or Infinity, got a string$/,
    ],
    [
      'requests without idOf',
      { requests: { timeoutMs: 5 } as never },
      /requests\.idOf: expected a function \(message\) => string \| undefined/,
    ],
    [
      'telemetry: {} (not from openTelemetry())',
      { telemetry: {} as never },
      /telemetry: expected the result of openTelemetry\(\) from 'wscengine\/otel'/,
    ],
    [
      'misspelt top-level option (reconect)',
      { reconect: {} },
      /unknown option `reconect`: did you mean `reconnect`\?/,
    ],
    [
      'misspelt nested option (reconnect.maxRetry)',
      { reconnect: { maxRetry: 3 } as never },
      /did you mean `reconnect\.maxRetries`\?/,
    ],
    [
      'misspelt callback (onMesage)',
      { client: { onMesage() {} } as never },
      /`client\.onMesage`: did you mean `client\.onMessage`\?/,
    ],
    [
      'an adapter missing methods',
      { adapter: { dial() {} } as never },
      /adapter: expected a WebSocketConnectionAdapter \(dial, close, ping, read, write/,
    ],
  ];
  for (const [name, bad, fix] of cases) {
    it(`${name}: InvalidOptionsError naming it and what is expected`, async () => {
      await witness.accept();
      const { client: adapter } = createInMemoryPair();
      const options = { url: 'ws://h.test/', adapter, client: okClient, ...bad };
      const copy = structuredClone({ ...bad, adapter: undefined, client: undefined, telemetry: undefined });
      const error = thrown(() => new WebSocketEngine(options as WebSocketEngineOptions));
      expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, fix);
      assert.equal((error as InvalidOptionsError).issues.length, 1, (error as Error).message);
      assert.deepEqual(
        structuredClone({ ...bad, adapter: undefined, client: undefined, telemetry: undefined }),
        copy,
        'options not changed',
      );
      await witness.intact();
    });
  }

  it('several problems: all of them in one error', () => {
    const error = thrown(
      () =>
        new WebSocketEngine({
          url: 'http://x/',
          adapter: null,
          client: null,
          readers: 0,
          reconect: 1,
        } as never),
    );
    expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, /url: unsupported URL scheme "http:"/);
    assert.equal((error as InvalidOptionsError).issues.length, 5);
  });
});

describe('bad input: adapter options', () => {
  it('WsAdapter: bad values, all named at once', () => {
    const error = thrown(
      () =>
        new WsAdapter({
          closeTimeoutMs: '5' as never,
          inboundQueue: { maxMessages: 0 },
          protocols: ['bad token'],
          maxPayload: -1,
        }),
    );
    expectError(
      error,
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /closeTimeoutMs: expected a number of milliseconds/,
    );
    assert.equal((error as InvalidOptionsError).issues.length, 4, (error as Error).message);
  });

  it('WsAdapter: a misspelt option (handshakeTimout) names the one meant', () => {
    const error = thrown(() => new WsAdapter({ handshakeTimout: 5_000 } as never));
    expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, /did you mean `handshakeTimeout`\?/);
  });

  it('WhatwgWebSocketAdapter: a misspelt option (protocol) names the one meant', () => {
    const error = thrown(
      () => new WhatwgWebSocketAdapter({ WebSocket: UndiciWebSocket as never, protocol: 'v1' } as never),
    );
    expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, /did you mean `protocols`\?/);
  });

  it('WhatwgWebSocketAdapter: closeTimeoutMs "5" (a string) says it got a string', () => {
    const error = thrown(
      () => new WhatwgWebSocketAdapter({ WebSocket: UndiciWebSocket as never, closeTimeoutMs: '5' as never }),
    );
    expectError(error, InvalidOptionsError, ErrorCode.InvalidOptions, /closeTimeoutMs: .*got a string$/);
  });
});

describe('bad input: close codes, reasons and writes on a connection', () => {
  let peer: ConformancePeer;
  before(async () => {
    peer = await startWsPeer();
  });
  after(() => peer.close());

  /**
   * A ws adapter with a message written and one received (unread) before the bad call;
   * afterwards both are still there, and the connection still works both ways.
   */
  async function connected() {
    const adapter = new WsAdapter({ closeTimeoutMs: 1_000 });
    await adapter.dial(peer.url);
    const conn: PeerConnection = await peer.accept();
    await adapter.write(MessageType.Text, 'written before');
    await conn.send(text('queued before'));
    return {
      adapter,
      async intact() {
        assert.deepEqual(await conn.nextMessage(), text('written before'));
        assert.deepEqual(await adapter.read(), text('queued before'));
        await adapter.write(MessageType.Text, 'after');
        assert.deepEqual(await conn.nextMessage(), text('after'));
        await adapter.close(1000, 'done');
        assert.deepEqual(await conn.closed, { code: 1000, reason: 'done' });
      },
    };
  }

  const closeCases: [string, unknown, unknown, string, RegExp][] = [
    [
      'close(1005): reserved',
      1005,
      '',
      ErrorCode.InvalidCloseCode,
      /use 1000-1003, 1007-1014 or 3000-4999 \(1004, 1005, 1006 and 1015 are reserved/,
    ],
    ['close(1006): reserved', 1006, '', ErrorCode.InvalidCloseCode, /1006 .*reserved and never sent/],
    [
      'close(999): below the range',
      999,
      '',
      ErrorCode.InvalidCloseCode,
      /invalid close code 999: use 1000-1003/,
    ],
    [
      'close(5000): above the range',
      5000,
      '',
      ErrorCode.InvalidCloseCode,
      /invalid close code 5000: use .*3000-4999/,
    ],
    ['close(1000.5): not an integer', 1000.5, '', ErrorCode.InvalidCloseCode, /invalid close code 1000\.5/],
    [
      'close(1000, 124-byte reason)',
      1000,
      'é'.repeat(62),
      ErrorCode.InvalidCloseReason,
      /124 UTF-8 bytes: at most 123 .* shorten it/,
    ],
    [
      'close(1000, 5): a reason that is not a string',
      1000,
      5,
      ErrorCode.InvalidCloseReason,
      /expected a string/,
    ],
  ];
  for (const [name, code, reason, errorCode, fix] of closeCases) {
    it(`${name}: InvalidArgumentError ${errorCode}, nothing sent, the connection goes on`, async () => {
      const c = await connected();
      const error = await rejection(c.adapter.close(code as number, reason as string));
      expectError(error, InvalidArgumentError, errorCode, fix);
      await c.intact();
    });
  }

  it("close('1000'): a code given as a string says it got a string", {}, async () => {
    const c = await connected();
    const error = await rejection(c.adapter.close('1000' as never));
    expectError(error, InvalidArgumentError, ErrorCode.InvalidCloseCode, /string/);
    await c.intact();
  });

  const writeCases: [string, unknown, unknown, RegExp][] = [
    [
      'write(Text, Uint8Array)',
      MessageType.Text,
      new Uint8Array([1]),
      /text messages take a string, got Uint8Array: decode it first, or send it as MessageType\.Binary/,
    ],
    [
      'write(Binary, string)',
      MessageType.Binary,
      'x',
      /binary messages take a Uint8Array, got string: encode it first/,
    ],
    [
      'write(Binary, ArrayBuffer)',
      MessageType.Binary,
      new ArrayBuffer(2),
      /got ArrayBuffer: encode it first/,
    ],
    ['write(Text, null)', MessageType.Text, null, /text messages take a string, got null/],
    [
      'write(3, ...): no such type',
      3,
      'x',
      /invalid message type 3: use MessageType\.Text \(1\) or MessageType\.Binary \(2\)/,
    ],
  ];
  for (const [name, type, data, fix] of writeCases) {
    it(`${name}: InvalidArgumentError ERR_INVALID_MESSAGE, nothing sent`, async () => {
      const c = await connected();
      const error = await rejection(c.adapter.write(type as MessageType, data as string));
      expectError(error, InvalidArgumentError, ErrorCode.InvalidMessage, fix);
      await c.intact();
    });
  }

  it('engine.send(42): InvalidArgumentError ERR_INVALID_MESSAGE; sends before and after go out in order', async () => {
    const witness = await runningEngine();
    await witness.accept();
    const error = await rejection(witness.engine.send(42 as never));
    expectError(error, InvalidArgumentError, ErrorCode.InvalidMessage, /got number: encode it first/);
    await witness.intact();
    await witness.stop();
  });

  it('a text message with a lone surrogate goes out as U+FFFD, as the WHATWG API sends it', async () => {
    const adapter = new WsAdapter();
    await adapter.dial(peer.url);
    const conn = await peer.accept();
    await adapter.write(MessageType.Text, 'a\uD800b');
    assert.deepEqual(await conn.nextMessage(), text('a\uFFFDb'));
    await adapter.close(1000);
  });
});

describe('bad input: calls in the wrong state', () => {
  it('read, write, ping and close before dial: ConnectionClosedError saying to dial first', async () => {
    const adapter = new WsAdapter();
    for (const call of [
      () => adapter.read(),
      () => adapter.write(MessageType.Text, 'x'),
      () => adapter.ping(),
      () => adapter.close(1000),
    ]) {
      expectError(await rejection(call()), ConnectionClosedError, ErrorCode.ConnectionClosed, /dial first/);
    }
  });

  it('close() twice: ConnectionClosedError; the first close completed', async () => {
    const { client, server } = createInMemoryPair();
    await client.dial(server.url);
    const conn = await server.accept();
    await client.close(4000, 'first');
    expectError(
      await rejection(client.close(1000)),
      ConnectionClosedError,
      ErrorCode.ConnectionClosed,
      /already closed/,
    );
    assert.deepEqual(await conn.closed, { code: 4000, reason: 'first' });
  });

  it('start() twice: EngineStateError; the running session goes on', async () => {
    const witness = await runningEngine();
    await witness.accept();
    expectError(
      await rejection(witness.engine.start()),
      EngineStateError,
      ErrorCode.EngineState,
      /start\(\) called while the engine is running/,
    );
    await witness.intact();
    await witness.stop();
  });

  it('start() while starting: EngineStateError; one connection is opened', async () => {
    const { client: adapter, server } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: server.url, adapter, client: okClient });
    const first = engine.start();
    expectError(
      await rejection(engine.start()),
      EngineStateError,
      ErrorCode.EngineState,
      /while the engine is starting/,
    );
    await first;
    await server.accept();
    assert.equal(server.openConnections(), 1);
    await engine.stop();
  });

  it('stop() while starting: start() rejects EngineStartError, stop() resolves, nothing is left open', async () => {
    const { client: adapter, server } = createInMemoryPair();
    server.stallNextHandshake();
    const engine = new WebSocketEngine({ url: server.url, adapter, client: okClient });
    const starting = engine.start();
    await engine.stop();
    expectError(await rejection(starting), EngineStartError, ErrorCode.EngineStart, /engine failed to start/);
    assert.equal(server.openConnections(), 0);
    assert.equal(engine.isStarted, false);
  });

  it('send() after stop(): ConnectionClosedError saying to start() first', async () => {
    const witness = await runningEngine();
    await witness.accept();
    await witness.intact();
    await witness.stop();
    expectError(
      await rejection(witness.engine.send('late')),
      ConnectionClosedError,
      ErrorCode.ConnectionClosed,
      /call start\(\) first/,
    );
  });

  it('request() without the requests option: InvalidOptionsError with an example', async () => {
    const witness = await runningEngine();
    await witness.accept();
    const error = await rejection(witness.engine.request('x', { id: '1' }));
    expectError(
      error,
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /needs the requests option, e\.g\. \{ idOf:/,
    );
    await witness.intact();
    await witness.stop();
  });

  it('messages() on an engine with onMessage: InvalidOptionsError saying to use one or the other', async () => {
    const witness = await runningEngine();
    await witness.accept();
    expectError(
      thrown(() => witness.engine.messages()),
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /use one or the other/,
    );
    await witness.intact();
    await witness.stop();
  });
});

describe('bad input: callbacks that throw, return garbage or never resolve', () => {
  async function engineWith(client: WebSocketClient, options: Partial<WebSocketEngineOptions> = {}) {
    const { client: adapter, server } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: server.url, adapter, client, readers: 1, ...options });
    return { engine, server };
  }

  it('onMessage throws: onReadError gets CallbackError ERR_CALLBACK; the next messages still arrive', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const { engine, server } = await engineWith({
      onMessage: ({ message }) => {
        seen.push(message.data as string);
        if (message.data === 'bad') throw new Error('boom');
      },
      onReadError: ({ error }) => void errors.push(error),
    });
    await engine.start();
    const conn = await server.accept();
    for (const data of ['one', 'bad', 'three']) await conn.send(text(data));
    await until(() => seen.length === 3 && errors.length === 1, 'all three messages');
    expectError(errors[0], CallbackError, ErrorCode.Callback, /onMessage failed: Error: boom/);
    assert.deepEqual(seen, ['one', 'bad', 'three']);
    await engine.stop();
  });

  it('onOpen throws on the first start: EngineStartError whose message ends with the cause', async () => {
    const { engine, server } = await engineWith({
      onMessage() {},
      onOpen: () => Promise.reject(new Error('auth refused')),
    });
    expectError(
      await rejection(engine.start()),
      EngineStartError,
      ErrorCode.EngineStart,
      /^engine failed to start: auth refused$/,
    );
    assert.equal(server.openConnections(), 0, 'the dialled connection was closed');
  });

  it('onOpen never resolves: EngineStartError after openTimeoutMs, naming the timeout', async () => {
    const { engine, server } = await engineWith(
      { onMessage() {}, onOpen: () => new Promise(() => {}) },
      { openTimeoutMs: 50 },
    );
    expectError(
      await rejection(engine.start()),
      EngineStartError,
      ErrorCode.EngineStart,
      /open timed out after 50 ms/,
    );
    assert.equal(server.openConnections(), 0);
  });

  it('onMessage never resolves: stop() rejects EngineStopError after stopTimeoutMs', async () => {
    const { engine, server } = await engineWith(
      { onMessage: () => new Promise(() => {}) },
      { stopTimeoutMs: 50 },
    );
    await engine.start();
    const conn = await server.accept();
    await conn.send(text('stuck'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expectError(
      await rejection(engine.stop()),
      EngineStopError,
      ErrorCode.EngineStop,
      /stop timed out after 50 ms/,
    );
  });

  it('onClose returns { code: "x" }: onCloseError gets ERR_INVALID_CLOSE_CODE, the engine closes with 1001', async () => {
    const errors: unknown[] = [];
    const { engine, server } = await engineWith({
      onMessage() {},
      onClose: () => ({ code: 'x' }) as never,
      onCloseError: ({ error }) => void errors.push(error),
    });
    await engine.start();
    const conn = await server.accept();
    await engine.stop();
    expectError(
      errors[0],
      InvalidArgumentError,
      ErrorCode.InvalidCloseCode,
      /use 1000-1003, 1007-1014 or 3000-4999/,
    );
    assert.deepEqual(await conn.closed, { code: 1001, reason: 'Going away' });
  });

  it('onClose returns 42 (not { code, reason }): the error says what onClose must return', {}, async () => {
    const errors: unknown[] = [];
    const { engine, server } = await engineWith({
      onMessage() {},
      onClose: () => 42 as never,
      onCloseError: ({ error }) => void errors.push(error),
    });
    await engine.start();
    await server.accept();
    await engine.stop();
    expectError(errors[0], InvalidArgumentError, ErrorCode.InvalidArgument, /onClose.*\{ code, reason \}/);
  });

  it('shouldReconnect returns garbage: read as "no"; the run ends as closed, with the close error', async () => {
    const { engine, server } = await engineWith(
      { onMessage() {} },
      { reconnect: { shouldReconnect: () => 'yes' as never } },
    );
    await engine.start();
    (await server.accept()).close(1012, 'restarting');
    const exit = await engine.closed;
    assert.equal(exit.reason, 'closed');
    expectError(exit.error, WebSocketCloseError, 1012, /connection has been closed: 1012 - restarting/);
  });
});

describe('bad input: servers that misbehave', () => {
  let raw: Server;
  let answer: (socket: Socket) => void = () => {};
  let rawUrl: URL;
  before(async () => {
    raw = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => answer(socket));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    rawUrl = new URL(`ws://127.0.0.1:${(raw.address() as { port: number }).port}/`);
  });
  after(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  it('an HTTP 401 answer: HandshakeError ERR_HANDSHAKE with status, headers and body', async () => {
    answer = (s) =>
      s.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 11\r\n\r\nbad token!!');
    const error = await rejection(new WsAdapter().dial(rawUrl));
    expectError(error, HandshakeError, ErrorCode.Handshake, /server answered 401 instead of 101/);
    const handshake = error as HandshakeError;
    assert.equal(handshake.status, 401);
    assert.equal(handshake.headers['www-authenticate'], 'Bearer');
    assert.equal(handshake.body, 'bad token!!');
  });

  it('an HTTP 503 with Retry-After: HandshakeError carrying retryAfterMs', async () => {
    answer = (s) => s.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n');
    const error = await rejection(new WsAdapter().dial(rawUrl));
    expectError(error, HandshakeError, ErrorCode.Handshake, /server answered 503/);
    assert.ok(Math.abs(((error as HandshakeError).retryAfterMs ?? 0) - 7_000) < 1_000);
  });

  it('garbage bytes instead of HTTP: DialError ERR_DIAL saying it is not HTTP', async () => {
    answer = (s) => s.end('\x00\x01garbage\xff\r\n\r\n');
    expectError(
      await rejection(new WsAdapter().dial(rawUrl)),
      DialError,
      ErrorCode.Dial,
      /Parse Error: Expected HTTP/,
    );
  });

  describe('after the handshake', () => {
    let peer: ConformancePeer;
    before(async () => {
      peer = await startWsPeer();
    });
    after(() => peer.close());

    /** A connection that received 'before' (unread) and then `bytes` raw from the server. */
    async function afterBytes(bytes: number[], options: ConstructorParameters<typeof WsAdapter>[0] = {}) {
      const adapter = new WsAdapter(options);
      await adapter.dial(peer.url);
      const conn = await peer.accept();
      await conn.send(text('before'));
      const socket = (conn as unknown as { ws: { _socket: Socket } }).ws._socket;
      socket.write(Buffer.from(bytes));
      assert.deepEqual(await adapter.read(), text('before'), 'what came before the bad frame is delivered');
      return { error: await rejection(adapter.read()), conn, adapter };
    }

    it('an oversized frame (over maxPayload): WebSocketCloseError 1009, the server gets 1009', async () => {
      // A binary frame announcing 2000 bytes against a maxPayload of 1000.
      const { error, conn } = await afterBytes([0x82, 0x7e, 0x07, 0xd0], { maxPayload: 1_000 });
      expectError(error, WebSocketCloseError, 1009, /1009 - Max payload size exceeded/);
      assert.equal((await conn.closed).code, 1009);
    });

    it('invalid UTF-8 in a text frame: WebSocketCloseError 1007', async () => {
      const { error } = await afterBytes([0x81, 0x02, 0xc3, 0x28]);
      expectError(error, WebSocketCloseError, 1007, /1007 - Invalid WebSocket frame: invalid UTF-8 sequence/);
    });

    it('a close frame with an invalid code (999): WebSocketCloseError 1002, the server gets 1002', async () => {
      const { error, conn } = await afterBytes([0x88, 0x02, 0x03, 0xe7]);
      expectError(
        error,
        WebSocketCloseError,
        1002,
        /1002 - Invalid WebSocket frame: invalid status code 999/,
      );
      assert.equal((await conn.closed).code, 1002);
    });

    it('a close frame with the reserved code 1005 on the wire: WebSocketCloseError 1002', async () => {
      const { error } = await afterBytes([0x88, 0x02, 0x03, 0xed]);
      expectError(error, WebSocketCloseError, 1002, /invalid status code 1005/);
    });

    it('a close frame with a 1-byte payload: WebSocketCloseError 1002', async () => {
      const { error } = await afterBytes([0x88, 0x01, 0x03]);
      expectError(error, WebSocketCloseError, 1002, /invalid payload length 1/);
    });
  });
});

describe('property-based: close codes, reasons and payloads pass through unchanged', () => {
  const sendable = fc.oneof(
    fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014),
    fc.integer({ min: 3000, max: 4999 }),
  );
  const unsendable = fc.oneof(
    fc.constantFrom(1004, 1005, 1006, 1015),
    fc.integer({ min: -1_000, max: 999 }),
    fc.integer({ min: 1016, max: 2999 }),
    fc.integer({ min: 5000, max: 100_000 }),
    fc.double({ noNaN: false }).filter((n) => !Number.isInteger(n)),
  );
  // Well-formed Unicode up to 123 UTF-8 bytes (lone surrogates become U+FFFD on the wire).
  const reason = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 123);
  const payload = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 300 }).map(text),
    fc.uint8Array({ maxLength: 2_000 }).map((data): Message => ({ type: MessageType.Binary, data })),
  );
  const same = (a: Message, b: Message) =>
    a.type === b.type &&
    (typeof a.data === 'string'
      ? a.data === b.data
      : Buffer.from(a.data).equals(Buffer.from(b.data as Uint8Array)));

  it('in-memory pair: every sendable code and reason, both ways', async () => {
    await fc.assert(
      fc.asyncProperty(sendable, reason, sendable, reason, async (c1, r1, c2, r2) => {
        const { client, server } = createInMemoryPair();
        await client.dial(server.url);
        let conn = await server.accept();
        conn.close(c1, r1);
        const error = await rejection(client.read());
        assert.ok(error instanceof WebSocketCloseError && error.code === c1 && error.reason === r1);
        await client.dial(server.url);
        conn = await server.accept();
        await client.close(c2, r2);
        assert.deepEqual(await conn.closed, { code: c2, reason: r2 });
      }),
      { numRuns: 200 },
    );
  });

  it('in-memory pair: every unsendable code and over-long reason is refused; the connection goes on', async () => {
    const { client, server } = createInMemoryPair();
    await client.dial(server.url);
    const conn = await server.accept();
    await fc.assert(
      fc.asyncProperty(unsendable, async (code) => {
        const error = await rejection(client.close(code));
        assert.ok(error instanceof InvalidArgumentError && error.code === ErrorCode.InvalidCloseCode);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 124, maxLength: 200 }), async (long) => {
        const error = await rejection(client.close(1000, long));
        assert.ok(error instanceof InvalidArgumentError && error.code === ErrorCode.InvalidCloseReason);
      }),
      { numRuns: 50 },
    );
    await client.write(MessageType.Text, 'still open');
    assert.deepEqual(await conn.nextMessage(), text('still open'));
    await client.close(1000);
  });

  it('in-memory pair: any payload, in order, both ways', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { maxLength: 8 }), async (messages) => {
        const { client, server } = createInMemoryPair();
        await client.dial(server.url);
        const conn = await server.accept();
        for (const m of messages) await client.write(m.type, m.data);
        for (const m of messages) assert.ok(same(await conn.nextMessage(), m));
        for (const m of messages) await conn.send(m);
        for (const m of messages) assert.ok(same(await client.read(), m));
        await client.close(1000);
      }),
      { numRuns: 100 },
    );
  });

  describe('ws adapter, real sockets', () => {
    let peer: ConformancePeer;
    before(async () => {
      peer = await startWsPeer();
    });
    after(() => peer.close());

    it('every sendable code and reason, both ways', { timeout: 60_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(sendable, reason, sendable, reason, async (c1, r1, c2, r2) => {
          const adapter = new WsAdapter();
          await adapter.dial(peer.url);
          let conn = await peer.accept();
          conn.close(c1, r1);
          const error = await rejection(adapter.read());
          assert.ok(error instanceof WebSocketCloseError, String(error));
          assert.equal(error.code, c1);
          assert.equal(error.reason, r1);
          await adapter.dial(peer.url);
          conn = await peer.accept();
          await adapter.close(c2, r2);
          assert.deepEqual(await conn.closed, { code: c2, reason: r2 });
        }),
        { numRuns: 60 },
      );
    });

    it('every unsendable code is refused before anything is sent', async () => {
      const adapter = new WsAdapter();
      await adapter.dial(peer.url);
      const conn = await peer.accept();
      await fc.assert(
        fc.asyncProperty(unsendable, async (code) => {
          const error = await rejection(adapter.close(code));
          assert.ok(error instanceof InvalidArgumentError && error.code === ErrorCode.InvalidCloseCode);
        }),
        { numRuns: 100 },
      );
      await adapter.write(MessageType.Text, 'still open');
      assert.deepEqual(await conn.nextMessage(), text('still open'));
      await adapter.close(1000);
    });

    it('any payload, in order, both ways', { timeout: 60_000 }, async () => {
      const adapter = new WsAdapter();
      await adapter.dial(peer.url);
      const conn = await peer.accept();
      await fc.assert(
        fc.asyncProperty(fc.array(payload, { maxLength: 8 }), async (messages) => {
          for (const m of messages) await adapter.write(m.type, m.data);
          for (const m of messages) assert.ok(same(await conn.nextMessage(), m));
          for (const m of messages) await conn.send(m);
          for (const m of messages) assert.ok(same(await adapter.read(), m));
        }),
        { numRuns: 60 },
      );
      await adapter.close(1000);
    });
  });
});
