// ENGINE.md "Send, request, iterate": send() and the outbox, over the in-memory pair.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { WebSocketEngine } from '../../src/engine/index.js';
import {
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  type Message,
  MessageType,
  SendError,
} from '../../src/index.js';
import { inMemoryEngine, stopInMemoryEngines, until } from './helpers.js';

afterEach(stopInMemoryEngines);

const engineOver = inMemoryEngine;

const data = (m: Message) => m.data;

describe('ENGINE.md Send: engine.send()', () => {
  it('writes strings as text and Uint8Array as binary on the ready session, resolving once written', async () => {
    const { engine, server } = engineOver();
    await engine.start();
    const peer = await server.accept();
    await engine.send('hello');
    await engine.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await peer.nextMessage(), { type: MessageType.Text, data: 'hello' });
    const binary = await peer.nextMessage();
    assert.equal(binary.type, MessageType.Binary);
    assert.deepEqual([...(binary.data as Uint8Array)], [1, 2, 3]);
  });

  it('rejects data of the wrong type with InvalidArgumentError, sending nothing', async () => {
    const { engine } = engineOver();
    await engine.start();
    for (const bad of [42, { a: 1 }, null, undefined]) {
      await assert.rejects(engine.send(bad as never), (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError);
        assert.equal(e.code, ErrorCode.InvalidMessage);
        return true;
      });
    }
  });

  it('without an outbox, a send while no session is ready rejects with ConnectionClosedError', async () => {
    const { engine } = engineOver();
    await assert.rejects(engine.send('before start'), ConnectionClosedError);
    await engine.start();
    await engine.stop();
    await assert.rejects(engine.send('after stop'), ConnectionClosedError);
  });

  it('with an outbox, sends made while reconnecting go out in order, after the onOpen of the session that sends them', async () => {
    const order: string[] = [];
    let engine!: WebSocketEngine;
    const setup = engineOver({
      outbox: {},
      openTimeoutMs: 100,
      client: {
        onMessage() {},
        onOpen: async ({ conn }) => {
          await conn.write(MessageType.Text, 'auth');
          order.push('onOpen done');
        },
      },
    });
    engine = setup.engine;
    const { server } = setup;
    await engine.start();
    let peer = await server.accept();
    assert.equal((await peer.nextMessage()).data, 'auth');
    // The first reconnect hangs in its handshake until openTimeoutMs: no session is ready meanwhile.
    server.stallNextHandshake();
    peer.drop();
    await until(() => engine.sessionId === undefined, 'the drop');
    const sends = ['a', 'b', 'c'].map((d) => engine.send(d).then(() => order.push(`sent ${d}`)));
    peer = await server.accept();
    const received = [
      await peer.nextMessage(),
      await peer.nextMessage(),
      await peer.nextMessage(),
      await peer.nextMessage(),
    ];
    assert.deepEqual(received.map(data), ['auth', 'a', 'b', 'c']);
    await Promise.all(sends);
    assert.deepEqual(order, ['onOpen done', 'onOpen done', 'sent a', 'sent b', 'sent c']);
  });

  it('a full outbox rejects the new send with ERR_OUTBOX_FULL and its payload; what was accepted stays', async () => {
    const { engine, server } = engineOver({ outbox: { maxMessages: 2 }, autoReconnect: false });
    server.stallNextHandshake();
    const starting = engine.start().catch(() => undefined);
    const a = engine.send('a');
    const b = engine.send('b');
    await assert.rejects(engine.send('c'), (e: unknown) => {
      assert.ok(e instanceof SendError);
      assert.equal(e.code, ErrorCode.OutboxFull);
      assert.equal(e.data, 'c');
      assert.match(e.message, /outbox\.maxMessages 2/);
      return true;
    });
    await engine.stop();
    await starting;
    for (const [send, payload] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      await assert.rejects(
        send,
        (e: unknown) => e instanceof SendError && e.code === ErrorCode.SendAborted && e.data === payload,
      );
    }
  });

  it('maxBytes bounds the outbox too', async () => {
    const { engine, server } = engineOver({ outbox: { maxBytes: 5 } });
    server.stallNextHandshake();
    const starting = engine.start().catch(() => undefined);
    const ok = engine.send('1234');
    await assert.rejects(
      engine.send('56'),
      (e: unknown) => e instanceof SendError && e.code === ErrorCode.OutboxFull,
    );
    await engine.stop();
    await starting;
    await assert.rejects(ok, SendError);
  });

  it('a message older than ttlMs rejects with ERR_SEND_EXPIRED and is never sent', async () => {
    const { engine, server } = engineOver({ outbox: { ttlMs: 20 } });
    await engine.start();
    const peer = await server.accept();
    server.stallNextHandshake();
    peer.drop();
    await until(() => engine.sessionId === undefined, 'the drop');
    const old = engine.send('stale');
    await assert.rejects(old, (e: unknown) => {
      assert.ok(e instanceof SendError);
      assert.equal(e.code, ErrorCode.SendExpired);
      assert.equal(e.data, 'stale');
      return true;
    });
  });

  it("a send's signal removes it from the outbox: it rejects with signal.reason and is not sent", async () => {
    const { engine, server } = engineOver({ outbox: {}, openTimeoutMs: 100 });
    await engine.start();
    let peer = await server.accept();
    server.stallNextHandshake();
    peer.drop();
    await until(() => engine.sessionId === undefined, 'the drop');
    const controller = new AbortController();
    const cancelled = engine.send('cancelled', { signal: controller.signal });
    const kept = engine.send('kept');
    controller.abort(new Error('changed my mind'));
    await assert.rejects(cancelled, /changed my mind/);
    peer = await server.accept();
    assert.equal((await peer.nextMessage()).data, 'kept');
    await kept;
  });

  it('stop() rejects every queued send with ERR_SEND_ABORTED, carrying its payload', async () => {
    const { engine, server } = engineOver({ outbox: {} });
    server.refuseNextHandshake(503);
    const starting = engine.start({}).catch(() => undefined);
    const queued = engine.send(new Uint8Array([7]));
    await engine.stop();
    await starting;
    await assert.rejects(queued, (e: unknown) => {
      assert.ok(e instanceof SendError);
      assert.equal(e.code, ErrorCode.SendAborted);
      assert.deepEqual([...(e.data as Uint8Array)], [7]);
      return true;
    });
  });
});
