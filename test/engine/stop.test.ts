import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnMessageArgs } from '../../src/engine/index.js';
import { EngineStopError, ErrorCode } from '../../src/index.js';
import { deferred, setup, text } from './helpers.js';

describe('ENGINE.md Stop', () => {
  it('stop() resolves when onClose has completed and the connection is closed', async () => {
    const s = setup();
    const order: string[] = [];
    s.client.onClose.implementation(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      order.push('onClose done');
    });
    s.adapter.close.implementation(async (code, reason, options) => {
      await s.adapter.close.default(code, reason, options);
      order.push('closed');
    });
    await s.engine.start();
    await s.engine.stop();
    order.push('stop resolved');
    assert.deepEqual(order, ['onClose done', 'closed', 'stop resolved']);
    assert.equal(s.engine.isStarted, false);
    assert.equal(s.engine.sessionId, undefined);
  });

  it('stop() rejects with EngineStopError after stopTimeoutMs', async () => {
    const s = setup({ stopTimeoutMs: 2_000 });
    const gate = deferred();
    s.client.onMessage.implementation(() => gate.promise);
    await s.engine.start();
    s.adapter.pushMessage(text('slow'));
    await s.client.onMessage.waitForCall(1);
    const rejected = assert.rejects(s.engine.stop(), (e: unknown) => {
      assert.ok(e instanceof EngineStopError);
      assert.equal(e.code, ErrorCode.EngineStop);
      return true;
    });
    await s.clock.advance(2_000);
    await rejected;
    // The shutdown goes on: once the callback returns, the engine ends.
    gate.resolve();
    await s.engine.stop();
    assert.equal(s.client.onClose.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('stop() rejects with EngineStopError when its signal aborts', async () => {
    const s = setup();
    const gate = deferred();
    s.client.onClose.implementation(() => gate.promise);
    await s.engine.start();
    const controller = new AbortController();
    const stopping = s.engine.stop({ signal: controller.signal });
    controller.abort(new Error('hurry'));
    await assert.rejects(stopping, EngineStopError);
    gate.resolve();
    await s.engine.stop();
  });

  it('stop() on a stopped engine resolves at once; stop() is idempotent', async () => {
    const s = setup();
    await s.engine.stop();
    await s.engine.start();
    await Promise.all([s.engine.stop(), s.engine.stop()]);
    await s.engine.stop();
    assert.equal(s.client.onClose.callCount, 1);
    assert.equal(s.adapter.close.callCount, 1);
  });

  it('stop() during start() makes start() reject and leaves nothing open', async () => {
    const s = setup();
    const gate = deferred();
    s.client.onOpen.implementation(() => gate.promise);
    const starting = s.engine.start();
    await s.client.onOpen.waitForCall(1);
    const startResult = assert.rejects(starting, { code: ErrorCode.EngineStart });
    await s.engine.stop();
    await startResult;
    assert.equal(s.adapter.close.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
    gate.resolve();
  });

  it('stop() from inside onMessage does not deadlock', async () => {
    const s = setup();
    let stopped: Promise<void> | undefined;
    s.client.onMessage.implementationOnce(({ sessionId }: OnMessageArgs) => {
      assert.equal(sessionId, s.engine.sessionId);
      stopped = s.engine.stop();
    });
    await s.engine.start();
    s.adapter.pushMessage(text('bye'));
    await s.client.onMessage.waitForCall(1);
    await stopped;
    assert.equal(s.engine.isStarted, false);
  });
});
