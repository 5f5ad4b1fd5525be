// ENGINE.md "Exit": a run never ends silently. onExit runs once and engine.closed resolves
// with the same { reason, error }, for every way a run can end; and messages() pulls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocketEngine } from '../../src/engine/index.js';
import type { EngineExit } from '../../src/engine/types.js';
import {
  EngineStartError,
  HandshakeError,
  InvalidOptionsError,
  MessageType,
  WebSocketCloseError,
} from '../../src/index.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { until } from './helpers.js';

function pair(client: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
  const { client: adapter, server } = createInMemoryPair();
  const exits: EngineExit[] = [];
  const engine = new WebSocketEngine({
    url: server.url,
    adapter,
    client: { onMessage() {}, onExit: (exit) => void exits.push(exit), ...client },
    reconnect: { minUptimeMs: 0, initialDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  return { engine, server, exits };
}

describe('ENGINE.md Exit: onExit and engine.closed', () => {
  it("'stop': stop() was called", async () => {
    const { engine, server, exits } = pair();
    await engine.start();
    await engine.stop();
    assert.deepEqual(await engine.closed, { reason: 'stop' });
    assert.deepEqual(exits, [{ reason: 'stop' }]);
    await server.close();
  });

  it("'exit': a callback called exit()", async () => {
    const { engine, server, exits } = pair({ onMessage: ({ exit }: { exit(): void }) => exit() });
    await engine.start();
    const peer = await server.accept();
    await peer.send({ type: MessageType.Text, data: 'bye' });
    assert.deepEqual(await engine.closed, { reason: 'exit' });
    assert.equal(engine.isStarted, false);
    assert.deepEqual(exits, [{ reason: 'exit' }]);
    await server.close();
  });

  it("'closed': the peer closed and autoReconnect is off; error is the close error", async () => {
    const { engine, server, exits } = pair({}, { autoReconnect: false });
    await engine.start();
    (await server.accept()).close(4001, 'go away');
    const exit = await engine.closed;
    assert.equal(exit.reason, 'closed');
    assert.ok(exit.error instanceof WebSocketCloseError);
    assert.equal(exit.error.code, 4001);
    assert.equal(exits.length, 1);
    await server.close();
  });

  it("'closed': shouldReconnect said no", async () => {
    const { engine, server } = pair({}, { reconnect: { minUptimeMs: 0, shouldReconnect: () => false } });
    await engine.start();
    (await server.accept()).close(4401, 'unauthorized');
    const exit = await engine.closed;
    assert.equal(exit.reason, 'closed');
    assert.equal((exit.error as WebSocketCloseError).code, 4401);
    await server.close();
  });

  it("'retries': maxRetries failed attempts in a row; error is the last attempt's", async () => {
    const { engine, server, exits } = pair(
      {},
      { reconnect: { minUptimeMs: 0, initialDelayMs: 1, maxDelayMs: 1, maxRetries: 2 } },
    );
    await engine.start();
    server.refuseNextHandshake(503);
    server.refuseNextHandshake(502);
    (await server.accept()).drop();
    const exit = await engine.closed;
    assert.equal(exit.reason, 'retries');
    assert.ok(exit.error instanceof HandshakeError);
    assert.equal(exit.error.status, 502);
    assert.deepEqual(exits, [exit]);
    await server.close();
  });

  it("'error': the first start failed (start() rejects too)", async () => {
    const { engine, server, exits } = pair();
    server.refuseNextHandshake(401);
    await assert.rejects(engine.start(), EngineStartError);
    const exit = await engine.closed;
    assert.equal(exit.reason, 'error');
    assert.ok(exit.error instanceof EngineStartError);
    assert.equal(exits.length, 1);
    await server.close();
  });

  it('closed before the first start() resolves at once (nothing runs); a throwing onExit is contained', async () => {
    const { engine, server } = pair({
      onExit: () => {
        throw new Error('onExit broke');
      },
    });
    assert.deepEqual(await engine.closed, { reason: 'stop' });
    await engine.start();
    const closed = engine.closed;
    await engine.stop();
    assert.deepEqual(await closed, { reason: 'stop' });
    await server.close();
  });
});

describe('ENGINE.md Iterate: engine.messages()', () => {
  it('yields the messages of every session in order, and ends when the engine stops', async () => {
    const { client: adapter, server } = createInMemoryPair();
    const engine = new WebSocketEngine({
      url: server.url,
      adapter,
      client: {},
      reconnect: { minUptimeMs: 0 },
    });
    await engine.start();
    let peer = await server.accept();
    const got: string[] = [];
    const consumed = (async () => {
      for await (const message of engine.messages()) got.push(message.data as string);
    })();
    for (const d of ['a', 'b']) await peer.send({ type: MessageType.Text, data: d });
    peer.close(4000, 'rotate');
    peer = await server.accept();
    await peer.send({ type: MessageType.Text, data: 'c' });
    await until(() => got.length === 3, 'three messages');
    await engine.stop();
    await consumed;
    assert.deepEqual(got, ['a', 'b', 'c']);
    await server.close();
  });

  it('is back-pressured: while nothing pulls, the engine reads no further than its readers slots', async () => {
    const { client: adapter, server } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: server.url, adapter, client: {}, readers: 2 });
    await engine.start();
    const peer = await server.accept();
    for (let i = 0; i < 10; i++) await peer.send({ type: MessageType.Text, data: String(i) });
    const iterator = engine.messages();
    const first = await iterator.next();
    assert.equal(first.value?.data, '0');
    const rest: string[] = [];
    for (let i = 1; i < 10; i++) rest.push((await iterator.next()).value?.data as string);
    assert.deepEqual(rest, ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await engine.stop();
    assert.equal((await iterator.next()).done, true);
    await server.close();
  });

  it("throws the exit's error when the run ends on one", async () => {
    const { client: adapter, server } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: server.url, adapter, client: {}, autoReconnect: false });
    await engine.start();
    const iterator = engine.messages();
    (await server.accept()).close(4002, 'fatal');
    await assert.rejects(
      iterator.next(),
      (e: unknown) => e instanceof WebSocketCloseError && e.code === 4002,
    );
    await server.close();
  });

  it('is only for an engine without onMessage', () => {
    const { client: adapter } = createInMemoryPair();
    const engine = new WebSocketEngine({ url: 'ws://in-memory.test/', adapter, client: { onMessage() {} } });
    assert.throws(() => engine.messages(), InvalidOptionsError);
  });
});
