import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnMessageArgs } from '../../src/engine/index.js';
import { InvalidArgumentError } from '../../src/index.js';
import { deferred, setup, text, until } from './helpers.js';

describe('ENGINE.md Shutdown', () => {
  it('no new reads start and in-flight onMessage calls finish before onClose', async () => {
    const s = setup({ readers: 2 });
    const events: string[] = [];
    const gate = deferred();
    s.client.onMessage.implementation(async ({ message }: OnMessageArgs) => {
      events.push(`start ${message.data}`);
      await gate.promise;
      events.push(`end ${message.data}`);
    });
    s.client.onClose.implementation(() => {
      events.push('onClose');
    });
    await s.engine.start();
    s.adapter.pushMessage(text('a'));
    await s.client.onMessage.waitForCall(1);
    const readsBefore = s.adapter.read.callCount;
    const stopping = s.engine.stop();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(s.client.onClose.callCount, 0, 'onClose waits for the in-flight onMessage');
    gate.resolve();
    await stopping;
    assert.deepEqual(events, ['start a', 'end a', 'onClose']);
    assert.equal(s.adapter.read.callCount, readsBefore, 'no new read after the trigger');
  });

  it('onClose runs exactly once, with closeMessage when the peer closed', async () => {
    const s = setup({ autoReconnect: false });
    await s.engine.start();
    s.adapter.pushClose(4000, 'kicked');
    const { args } = await s.client.onClose.waitForCall(1);
    assert.deepEqual(args[0].closeMessage, { code: 4000, reason: 'kicked' });
    assert.equal(args[0].sessionId.length, 36);
    await until(() => !s.engine.isStarted);
    await s.engine.stop();
    assert.equal(s.client.onClose.callCount, 1);
    assert.equal(s.adapter.close.callCount, 0, 'the connection is already closed: no close call');
  });

  it('onClose gets closeMessage 1006 when the connection dropped', async () => {
    const s = setup({ autoReconnect: false });
    await s.engine.start();
    s.adapter.pushClose(1006);
    const { args } = await s.client.onClose.waitForCall(1);
    assert.equal(args[0].closeMessage?.code, 1006);
  });

  it('onClose runs without closeMessage when the engine closes (stop, exit, restart)', async () => {
    const s = setup();
    s.client.onMessage.implementationOnce(({ restart }: OnMessageArgs) => restart());
    s.client.onMessage.implementationOnce(({ exit }: OnMessageArgs) => exit());
    await s.engine.start();
    s.adapter.pushMessage(text('restart'));
    await s.client.onOpen.waitForCall(2);
    s.adapter.pushMessage(text('exit'));
    await until(() => !s.engine.isStarted);
    await s.engine.start();
    await s.engine.stop();
    assert.equal(s.client.onClose.callCount, 3);
    for (const call of s.client.onClose.calls) assert.equal('closeMessage' in call.args[0], false);
  });

  it('restart() and exit() called together, or several times, shut the session down once', async () => {
    const s = setup();
    s.client.onMessage.implementationOnce(({ restart, exit }: OnMessageArgs) => {
      restart();
      restart();
      exit();
    });
    await s.engine.start();
    s.adapter.pushMessage(text('x'));
    await until(() => !s.engine.isStarted);
    assert.equal(s.client.onClose.callCount, 1);
    assert.equal(s.adapter.close.callCount, 1);
    assert.equal(s.adapter.dial.callCount, 1, 'exit wins over restart: no reconnect');
  });

  it("an open connection is closed with what onClose returned, or 1001 'Going away'", async () => {
    const s = setup();
    s.client.onClose.returnsOnce({ code: 4001, reason: 'bye' });
    await s.engine.start();
    await s.engine.stop();
    await s.engine.start();
    await s.engine.stop();
    assert.deepEqual(
      s.adapter.close.calls.map((c) => c.args.slice(0, 2)),
      [
        [4001, 'bye'],
        [1001, 'Going away'],
      ],
    );
  });

  it('a failing close goes to onCloseError; an unsendable code from onClose still closes with 1001', async () => {
    const s = setup();
    s.client.onClose.returnsOnce({ code: 1006, reason: 'not sendable' });
    await s.engine.start();
    await s.engine.stop();
    const { args } = await s.client.onCloseError.waitForCall(1);
    assert.ok(args[0].error instanceof InvalidArgumentError);
    assert.equal(args[0].error.code, 'ERR_INVALID_CLOSE_CODE');
    assert.equal(s.adapter.close.callCount, 1, 'checked before the adapter is asked');
    assert.deepEqual(s.adapter.close.calls[0].args.slice(0, 2), [1001, 'Going away']);
    // A close that fails for another reason is reported too.
    const failure = new Error('socket exploded');
    s.adapter.close.rejectsOnce(failure);
    await s.engine.start();
    await s.engine.stop();
    await s.client.onCloseError.waitForCall(2);
    assert.equal(s.client.onCloseError.calls[1].args[0].error, failure);
  });

  it('exit() and stop() end the engine for good', async () => {
    const s = setup();
    await s.engine.start();
    await s.engine.stop();
    await s.clock.advance(120_000);
    assert.equal(s.adapter.dial.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('restart() always reconnects, even with autoReconnect off', async () => {
    const s = setup({ autoReconnect: false });
    s.client.onMessage.implementationOnce(({ restart }: OnMessageArgs) => restart());
    await s.engine.start();
    s.adapter.pushMessage(text('x'));
    const { args } = await s.client.onOpen.waitForCall(2);
    assert.equal(args[0].restarting, true);
    assert.notEqual(args[0].sessionId, s.client.onOpen.calls[0].args[0].sessionId, 'a new session id');
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
  });

  it('a peer close or a drop reconnects when autoReconnect is on and ends the engine otherwise', async () => {
    const on = setup({ autoReconnect: true });
    await on.engine.start();
    on.adapter.pushClose(1001, 'server restart');
    await on.client.onOpen.waitForCall(2);
    assert.equal(on.engine.isStarted, true);
    await on.engine.stop();

    const off = setup({ autoReconnect: false });
    await off.engine.start();
    off.adapter.pushClose(1006);
    await until(() => !off.engine.isStarted);
    assert.equal(off.adapter.dial.callCount, 1);
  });

  it('a locked readMutex delays shutdown until it is released', async () => {
    const s = setup();
    await s.engine.start();
    const release = await s.engine.readMutex.lock();
    const stopping = s.engine.stop();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(s.client.onClose.callCount, 0, 'shutdown waits for the lock');
    release();
    await stopping;
    assert.equal(s.client.onClose.callCount, 1);
  });
});
