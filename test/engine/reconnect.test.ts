import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../src/engine/backoff.js';
import type { OnOpenArgs, OnRestartErrorArgs } from '../../src/engine/index.js';
import { DialError, HandshakeError } from '../../src/index.js';
import { setup, until } from './helpers.js';

const policy = { initialDelayMs: 1_000, maxDelayMs: 8_000, multiplier: 2, jitter: 0 };

describe('ENGINE.md Reconnect', () => {
  it('the first attempt after a drop is immediate; later ones wait an exponential backoff bounded by maxDelayMs', async () => {
    const s = setup({ reconnect: policy });
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    await s.adapter.dial.waitForCall(2); // immediate: no clock advance
    const waits = [1_000, 2_000, 4_000, 8_000, 8_000];
    for (const [i, ms] of waits.entries()) {
      await s.clock.advance(ms - 1);
      assert.equal(s.adapter.dial.callCount, 2 + i, `attempt ${3 + i} not before ${ms} ms`);
      await s.clock.advance(1);
      await s.adapter.dial.waitForCall(3 + i);
    }
    await s.engine.stop();
  });

  it('backoff has full jitter: with jitter 1 the wait is uniform in [0, base]', () => {
    const p = { ...policy, jitter: 1 };
    assert.equal(
      backoffDelay(0, p, () => 0.5),
      0,
    );
    assert.equal(
      backoffDelay(3, p, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(3, p, () => 0.5),
      2_000,
    );
    assert.equal(
      backoffDelay(3, p, () => 1),
      4_000,
    );
    assert.equal(
      backoffDelay(10, p, () => 1),
      8_000,
      'bounded by maxDelayMs',
    );
    assert.equal(
      backoffDelay(3, { ...policy, jitter: 0.5 }, () => 0),
      2_000,
    );
    const spread = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(5, p))));
    assert.ok(spread.size > 10, 'a thousand clients do not reconnect in lock-step');
  });

  it('each failure calls onRestartError({ error, retryCount }) and the count resets after a successful reconnect', async () => {
    const s = setup({ reconnect: policy });
    await s.engine.start();
    const refused = new DialError('refused');
    s.adapter.dial.rejectsOnce(refused).rejectsOnce(refused);
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(1);
    await s.clock.advance(1_000);
    await s.client.onRestartError.waitForCall(2);
    await s.clock.advance(2_000);
    await s.client.onOpen.waitForCall(2);
    assert.deepEqual(
      s.client.onRestartError.calls.map((c) => [c.args[0].error, c.args[0].retryCount]),
      [
        [refused, 1],
        [refused, 2],
      ],
    );
    s.adapter.dial.rejectsOnce(refused);
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(3);
    assert.equal(s.client.onRestartError.calls[2].args[0].retryCount, 1, 'count reset');
    await s.engine.stop();
  });

  it('reconnecting stops when the user calls exit() from onRestartError', async () => {
    const s = setup({ reconnect: policy });
    s.client.onRestartError.implementation(({ exit }: OnRestartErrorArgs) => exit());
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    await until(() => !s.engine.isStarted && s.client.onRestartError.callCount === 1);
    await s.clock.advance(60_000);
    assert.equal(s.adapter.dial.callCount, 2);
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('reconnecting stops when the user calls exit() from onOpen on a reconnect', async () => {
    const s = setup({ reconnect: policy });
    s.client.onOpen.implementation(({ restarting, exit }: OnOpenArgs) => {
      if (restarting) exit();
    });
    await s.engine.start();
    s.adapter.pushClose(1006);
    await until(() => !s.engine.isStarted && s.client.onClose.callCount === 2);
    assert.equal(s.adapter.dial.callCount, 2);
  });

  it('reconnecting stops after maxRetries failed attempts', async () => {
    const s = setup({ reconnect: { ...policy, maxRetries: 3 } });
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    for (let i = 0; i < 5; i++) await s.clock.advance(8_000);
    await until(() => !s.engine.isStarted);
    assert.equal(s.adapter.dial.callCount, 1 + 3);
    assert.equal(s.client.onRestartError.callCount, 3);
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('stop() during a backoff wait ends the wait at once', async () => {
    const s = setup({ reconnect: { ...policy, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(1);
    await s.engine.stop(); // no clock advance: the 60 s wait must not hold stop()
    assert.equal(s.clock.pendingTimers, 0);
    assert.equal(s.adapter.dial.callCount, 2);
  });

  it('backoff counts wall time: after a laptop sleep an overdue attempt is made right after wake', async () => {
    const s = setup({ reconnect: { ...policy, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await s.engine.start();
    s.adapter.dial.rejectsOnce(new DialError('offline'));
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(1);
    await s.clock.advance(5_000);
    s.clock.jump(120_000); // the machine slept: wall time moved, monotonic timers did not fire
    await s.clock.advance(1_000);
    await s.client.onOpen.waitForCall(2);
    await s.engine.stop();
  });

  it('a session that closes sooner than minUptimeMs counts as a failed attempt: no hot loop', async () => {
    const s = setup({ reconnect: { ...policy, minUptimeMs: 5_000 } });
    await s.engine.start();
    s.adapter.pushClose(4000, 'go away');
    const { args } = await s.client.onRestartError.waitForCall(1);
    assert.equal(args[0].retryCount, 1);
    assert.equal((args[0].error as { code?: number }).code, 4000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(s.adapter.dial.callCount, 1, 'the attempt waits a backoff');
    await s.clock.advance(1_000);
    await s.client.onOpen.waitForCall(2);
    await s.clock.advance(5_000); // a long enough session
    s.adapter.pushClose(4000, 'go away');
    await s.client.onOpen.waitForCall(3); // immediate again
    assert.equal(s.client.onRestartError.callCount, 1);
    await s.engine.stop();
  });

  it('shouldReconnect can refuse terminal errors such as a 401 handshake', async () => {
    const contexts: unknown[] = [];
    const s = setup({
      reconnect: {
        ...policy,
        shouldReconnect: ({ error, attempt, closeMessage }) => {
          contexts.push({
            attempt,
            status: (error as HandshakeError | undefined)?.status,
            code: closeMessage?.code,
          });
          return !(error instanceof HandshakeError && error.status === 401);
        },
      },
    });
    await s.engine.start();
    s.adapter.dial.rejects(new HandshakeError(401));
    s.adapter.pushClose(1008, 'token expired');
    await until(() => !s.engine.isStarted);
    assert.deepEqual(contexts, [
      { attempt: 1, status: undefined, code: 1008 },
      { attempt: 2, status: 401, code: 1008 },
    ]);
    assert.equal(s.adapter.dial.callCount, 2);
  });

  it('a reconnect calls onOpen with restarting: true and a new sessionId', async () => {
    const s = setup();
    await s.engine.start();
    const first = s.engine.sessionId;
    s.adapter.pushClose(1012);
    const { args } = await s.client.onOpen.waitForCall(2);
    assert.equal(args[0].restarting, true);
    assert.notEqual(args[0].sessionId, first);
    await until(() => s.engine.sessionId === args[0].sessionId);
    await s.engine.stop();
  });

  it('shouldReconnect may choose the delay ({ delayMs }); it is told status and retryCount', async () => {
    const contexts: unknown[] = [];
    const s = setup({
      reconnect: {
        ...policy,
        shouldReconnect: ({ status, retryCount, attempt }) => {
          contexts.push({ status, retryCount, attempt });
          return { delayMs: 7_000 };
        },
      },
    });
    await s.engine.start();
    s.adapter.dial.rejectsOnce(new HandshakeError(500));
    s.adapter.pushClose(1012);
    await until(() => contexts.length === 1, 'the first decision');
    await s.clock.advance(6_999);
    assert.equal(s.adapter.dial.callCount, 1, 'waits the chosen 7 s, not the immediate first attempt');
    await s.clock.advance(1);
    await until(() => contexts.length === 2, 'the second decision');
    assert.deepEqual(contexts, [
      { status: undefined, retryCount: 0, attempt: 1 },
      { status: 500, retryCount: 1, attempt: 2 },
    ]);
    await s.clock.advance(7_000);
    await s.client.onOpen.waitForCall(2);
    await s.engine.stop();
  });

  it('a handshake refused with 503 and Retry-After waits at least that long before the next attempt', async () => {
    const s = setup({ reconnect: { ...policy, initialDelayMs: 10, maxDelayMs: 10 } });
    await s.engine.start();
    const busy = new HandshakeError(503, { 'retry-after': '30' });
    assert.equal(busy.retryAfterMs, 30_000);
    s.adapter.dial.rejectsOnce(busy);
    s.adapter.pushClose(1012);
    await until(() => s.client.onRestartError.callCount === 1, 'the refused attempt');
    await s.clock.advance(29_000);
    assert.equal(s.adapter.dial.callCount, 2, 'no attempt before Retry-After, whatever the backoff says');
    await s.clock.advance(1_000);
    await s.client.onOpen.waitForCall(2);
    await s.engine.stop();
  });
  it('a refusal raised by another copy of the package (no shared class) still sets status and Retry-After', async () => {
    // What the CommonJS half or a second install throws: same code and fields, other class.
    class ForeignHandshakeError extends Error {
      code = 'ERR_HANDSHAKE';
      status = 429;
      retryAfterMs = 20_000;
    }
    const seen: (number | undefined)[] = [];
    const s = setup({
      reconnect: {
        ...policy,
        initialDelayMs: 10,
        maxDelayMs: 10,
        shouldReconnect: ({ status }) => {
          seen.push(status);
          return true;
        },
      },
    });
    await s.engine.start();
    s.adapter.dial.rejectsOnce(new ForeignHandshakeError());
    s.adapter.pushClose(1012);
    await until(() => s.client.onRestartError.callCount === 1, 'the refused attempt');
    await s.clock.advance(19_000);
    assert.equal(s.adapter.dial.callCount, 2, 'no attempt before Retry-After');
    assert.deepEqual(seen.at(-1), 429);
    await s.clock.advance(1_000);
    await s.client.onOpen.waitForCall(2);
    await s.engine.stop();
  });
});
