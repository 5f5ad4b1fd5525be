import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { OnMessageArgs, OnReadErrorArgs } from '../../src/engine/index.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { CallbackError, ErrorCode, MessageType } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { deferred, QueueAdapter, setup, text, until } from './helpers.js';

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

describe('ENGINE.md Run', () => {
  it('readers: 1 processes strictly one message at a time, in order', async () => {
    const s = setup({ readers: 1 });
    const gates = [deferred(), deferred(), deferred()];
    s.client.onMessage.implementation(({ message }: OnMessageArgs) => gates[Number(message.data)].promise);
    await s.engine.start();
    for (const d of ['0', '1', '2']) s.adapter.pushMessage(text(d));
    await s.client.onMessage.waitForCall(1);
    await until(() => s.adapter.read.callCount >= 1);
    assert.equal(s.client.onMessage.callCount, 1, 'the second waits for the first');
    gates[0].resolve();
    await s.client.onMessage.waitForCall(2);
    assert.equal(s.client.onMessage.callCount, 2);
    gates[1].resolve();
    gates[2].resolve();
    await s.client.onMessage.waitForCall(3);
    assert.deepEqual(s.client.receivedMessages(), ['0', '1', '2'].map(text));
    await s.engine.stop();
  });

  it('with readers: N, up to N onMessage calls are in flight and messages are read in arrival order', async () => {
    const s = setup({ readers: 3 });
    let inFlight = 0;
    let maxInFlight = 0;
    const gates: ReturnType<typeof deferred<void>>[] = [];
    s.client.onMessage.implementation(() => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const gate = deferred();
      gates.push(gate);
      return gate.promise.then(() => {
        inFlight--;
      });
    });
    await s.engine.start();
    for (let i = 0; i < 10; i++) s.adapter.pushMessage(text(String(i)));
    await s.client.onMessage.waitForCall(3);
    await until(() => s.adapter.read.callCount >= 3);
    assert.equal(s.client.onMessage.callCount, 3, 'no fourth call while three are in flight');
    for (let i = 0; i < 10; i++) {
      await until(() => gates.length > i, `call ${i + 1}`);
      gates[i].resolve();
    }
    await s.client.onMessage.waitForCall(10);
    assert.equal(maxInFlight, 3);
    assert.deepEqual(
      s.client.receivedMessages().map((m) => m.data),
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
    await s.engine.stop();
  });

  it('every message the adapter returns reaches onMessage exactly once, none after onClose of its session', async () => {
    const adapter = new QueueAdapter();
    const client = new WebSocketClientMock();
    const events: string[] = [];
    let n = 0;
    client.onMessage.implementation(({ message }: OnMessageArgs) => {
      events.push(message.data as string);
      // A mix of synchronous and asynchronous callbacks.
      if (n++ % 3 === 0) return new Promise<void>((resolve) => setImmediate(resolve));
    });
    client.onClose.implementation(() => {
      events.push('onClose');
    });
    const engine = new WebSocketEngine({ url: 'ws://h/', adapter, client, readers: 4, autoReconnect: false });
    await engine.start();
    for (let i = 0; i < 300; i++) {
      adapter.push(text(String(i)));
      if (i % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    adapter.peerClose(1000, 'bye');
    await client.onClose.waitForCall(1);
    const expected = Array.from({ length: 300 }, (_, i) => String(i));
    assert.deepEqual(events, [...expected, 'onClose']);
    await until(() => !engine.isStarted);
  });

  it('queued messages are dispatched synchronously from the adapter queue, without a read() per message', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const client = { onMessage: ({ message }: OnMessageArgs) => void seen.push(message.data as string) };
    const engine = new WebSocketEngine({ url: 'ws://h/', adapter, client, readers: 4 });
    await engine.start();
    for (let i = 0; i < 1000; i++) adapter.push(text(String(i)));
    await until(() => seen.length === 1000);
    assert.deepEqual(
      seen,
      Array.from({ length: 1000 }, (_, i) => String(i)),
    );
    assert.ok(adapter.reads <= 3, `read() called ${adapter.reads} times for 1000 queued messages`);
    await engine.stop();
  });

  it('locking readMutex from outside pauses all loops: the user owns the connection until release', async () => {
    const s = setup({ readers: 4 });
    await s.engine.start();
    await until(() => s.adapter.read.callCount >= 1, 'a loop waiting in read()');
    // Granted at once although a loop was waiting in read(): that read is interrupted, losing nothing.
    const release = await s.engine.readMutex.lock();
    assert.equal(s.engine.readMutex.isLocked, true);
    s.adapter.pushMessage(text('response'));
    const reply = await s.adapter.read();
    assert.deepEqual(reply, text('response'));
    s.adapter.pushMessage(text('later'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(s.client.onMessage.callCount, 0, 'no loop reads while locked');
    release();
    release(); // idempotent
    await s.client.onMessage.waitForCall(1);
    assert.deepEqual(s.client.receivedMessages(), [text('later')]);
    await s.engine.stop();
  });

  it('readMutex from inside onMessage: request/response without correlation ids (runExclusive)', async () => {
    const s = setup({ readers: 2 });
    s.client.onMessage.implementationOnce(({ conn, readMutex }: OnMessageArgs) =>
      readMutex.runExclusive(async () => {
        await conn.write(MessageType.Text, 'question');
        s.adapter.pushMessage(text('answer'));
        assert.deepEqual(await conn.read(), text('answer'));
      }),
    );
    await s.engine.start();
    s.adapter.pushMessage(text('trigger'));
    await s.client.onMessage.waitForCall(1);
    await s.client.onMessage.calls[0].settled;
    s.adapter.pushMessage(text('next'));
    await s.client.onMessage.waitForCall(2);
    assert.deepEqual(s.client.receivedMessages(), [text('trigger'), text('next')]);
    await s.engine.stop();
  });

  it('readMutex lock waiters are served FIFO and an aborted lock() rejects with signal.reason', async () => {
    const s = setup();
    const order: number[] = [];
    const first = await s.engine.readMutex.lock();
    const a = s.engine.readMutex.lock().then((r) => {
      order.push(1);
      r();
    });
    const controller = new AbortController();
    const aborted = s.engine.readMutex.lock({ signal: controller.signal });
    const b = s.engine.readMutex.runExclusive(() => {
      order.push(2);
    });
    const reason = new Error('gave up');
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    first();
    await Promise.all([a, b]);
    assert.deepEqual(order, [1, 2]);
    assert.equal(s.engine.readMutex.isLocked, false);
  });

  it('a read error that is not a close goes to onReadError and the loops keep going', async () => {
    const s = setup({ readers: 2 });
    await s.engine.start();
    const boom = new Error('bad frame');
    s.adapter.pushReadError(boom);
    const call = await s.client.onReadError.waitForCall(1);
    assert.equal(call.args[0].error, boom);
    s.adapter.pushMessage(text('still running'));
    await s.client.onMessage.waitForCall(1);
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
  });

  it('while onReadError runs, no loop reads', async () => {
    const s = setup({ readers: 4 });
    const gate = deferred();
    s.client.onReadError.implementation(() => gate.promise);
    await s.engine.start();
    s.adapter.pushReadError(new Error('bad frame'));
    await s.client.onReadError.waitForCall(1);
    s.adapter.pushMessage(text('held back'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const reads = s.adapter.read.calls.filter((c) => c.outcome === undefined).length;
    assert.equal(reads, 0, 'no read pending during onReadError');
    assert.equal(s.client.onMessage.callCount, 0);
    gate.resolve();
    await s.client.onMessage.waitForCall(1);
    await s.engine.stop();
  });

  it('onReadError may call restart() (reconnect) or exit() (end)', async () => {
    const s = setup();
    s.client.onReadError.implementationOnce(({ restart }: OnReadErrorArgs) => restart());
    s.client.onReadError.implementationOnce(({ exit }: OnReadErrorArgs) => exit());
    await s.engine.start();
    s.adapter.pushReadError(new Error('first'));
    await s.adapter.dial.waitForCall(2);
    await until(() => s.engine.isStarted && s.client.onOpen.callCount === 2);
    s.adapter.pushReadError(new Error('second'));
    await until(() => !s.engine.isStarted, 'engine end');
    assert.equal(s.adapter.dial.callCount, 2);
    assert.equal(s.client.onClose.callCount, 2);
  });

  for (const mode of ['throws', 'rejects'] as const) {
    it(`an onMessage that ${mode} is reported to onReadError wrapped in CallbackError, never crashing`, async () => {
      const s = setup();
      const cause = new Error('handler bug');
      s.client.onMessage[mode === 'throws' ? 'throwsOnce' : 'rejectsOnce'](cause);
      await s.engine.start();
      s.adapter.pushMessage(text('x'));
      const { args } = await s.client.onReadError.waitForCall(1);
      assert.ok(args[0].error instanceof CallbackError);
      assert.equal(args[0].error.code, ErrorCode.Callback);
      assert.equal(args[0].error.callback, 'onMessage');
      assert.equal(args[0].error.cause, cause);
      s.adapter.pushMessage(text('y'));
      await s.client.onMessage.waitForCall(2);
      await s.engine.stop();
    });
  }

  it('errors thrown by onReadError, onClose, onCloseError and onRestartError are contained', async () => {
    const s = setup({ reconnect: { initialDelayMs: 10, jitter: 0 } });
    s.client.onMessage.rejects(new Error('m'));
    s.client.onReadError.rejects(new Error('r'));
    s.client.onClose.throws(new Error('c'));
    s.client.onCloseError.rejects(new Error('ce'));
    s.client.onRestartError.throws(new Error('re'));
    await s.engine.start();
    s.adapter.pushMessage(text('x'));
    await s.client.onReadError.waitForCall(1);
    s.adapter.dial.rejectsOnce(new Error('dial failed'));
    s.adapter.pushClose(1011, 'oops');
    await s.client.onRestartError.waitForCall(1);
    await s.clock.advance(10);
    await until(() => s.client.onOpen.callCount === 2, 'reconnected');
    s.adapter.close.rejectsOnce(new Error('close failed'));
    await s.engine.stop();
    await s.client.onCloseError.waitForCall(1);
    assert.equal(s.engine.isStarted, false);
  });
});
