// Lifecycle edges of ENGINE.md: a reconnect that fails in onOpen, start() cancelled while
// dialling, one connection at a time on restart(), exit() inside an async onOpen, exit()
// ending for good, and onExit / engine.closed agreeing on every kind of end.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import type { CallOptions, HandshakeResponse } from '../../src/core/message.js';
import type { OnMessageArgs, OnOpenArgs, OnReadErrorArgs } from '../../src/engine/index.js';
import type { EngineExit } from '../../src/engine/types.js';
import { DialError, EngineStartError, MessageType } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { deferred, setup, text, URL_, until } from './helpers.js';

type Setup = ReturnType<typeof setup>;

const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A dial that stays pending until its signal aborts, as the adapter contract asks. */
function dialUntilAborted(s: Setup): () => AbortSignal | undefined {
  let seen: AbortSignal | undefined;
  s.adapter.dial.implementation(
    (_target: URL, options?: CallOptions) =>
      new Promise<HandshakeResponse>((_, reject) => {
        seen = options?.signal;
        seen?.addEventListener('abort', () => reject(seen?.reason), { once: true });
      }),
  );
  return () => seen;
}

/** Records dial and close order; each close waits for `gate` before it completes. */
function recordOrder(s: Setup, gate: Promise<void>): string[] {
  const order: string[] = [];
  s.adapter.dial.implementation(async (target: URL, options?: CallOptions) => {
    order.push('dial');
    return s.adapter.dial.default(target, options);
  });
  s.adapter.close.implementation(async (code: number, reason?: string, options?: CallOptions) => {
    order.push('close started');
    await gate;
    await s.adapter.close.default(code, reason, options);
    order.push('close done');
  });
  return order;
}

describe('ENGINE.md Reconnect: an attempt that fails in onOpen', () => {
  for (const mode of ['throws', 'rejects'] as const) {
    it(`an onOpen that ${mode} on a reconnect goes to onRestartError, gets its onClose and close, and is retried after the backoff`, async () => {
      const s = setup({ reconnect: { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0 } });
      const failure = new Error('auth refused on reconnect');
      let restarts = 0;
      s.client.onOpen.implementation(({ restarting }: OnOpenArgs) => {
        if (!restarting || ++restarts > 1) return;
        if (mode === 'throws') throw failure;
        return Promise.reject(failure);
      });
      await s.engine.start();
      s.adapter.pushClose(1006); // a drop: the connection is gone, nothing to close
      const { args } = await s.client.onRestartError.waitForCall(1);
      assert.equal(args[0].error, failure);
      assert.equal(args[0].retryCount, 1);
      const failedId = s.client.onOpen.calls[1].args[0].sessionId;
      assert.equal(s.client.onClose.callCount, 2, 'the failed session gets its onClose');
      assert.equal(s.client.onClose.calls[1].args[0].sessionId, failedId);
      assert.equal(s.adapter.close.callCount, 1, "the failed session's connection is closed");
      await s.clock.advance(999);
      assert.equal(s.adapter.dial.callCount, 2, 'the retry waits the backoff');
      await s.clock.advance(1);
      await s.client.onOpen.waitForCall(3);
      await until(() => s.engine.sessionId === s.client.onOpen.calls[2].args[0].sessionId, 'the retry');
      assert.equal(s.engine.isStarted, true);
      assert.equal(s.client.onRestartError.callCount, 1);
      await s.engine.stop();
      assert.equal(s.clock.pendingTimers, 0);
    });
  }
});

describe('ENGINE.md Start: cancelled while dialling, nothing is left open', () => {
  const triggers = {
    openTimeoutMs: {
      options: { openTimeoutMs: 5_000 },
      fire: (s: Setup) => s.clock.advance(5_000),
      cause: (e: unknown) => (e as Error).name === 'TimeoutError',
    },
    signal: {
      options: {},
      fire: async (_s: Setup, controller: AbortController) => controller.abort(new Error('user gave up')),
      cause: (e: unknown) => (e as Error).message === 'user gave up',
    },
  };
  for (const [name, t] of Object.entries(triggers)) {
    it(`${name} while the dial is pending: start() rejects, the dial is aborted, no timer or listener remains`, async () => {
      const s = setup(t.options);
      const dialSignal = dialUntilAborted(s);
      const controller = new AbortController();
      const started = s.engine.start({ signal: controller.signal });
      const outcome = started.then(
        () => assert.fail('start() resolved'),
        (e: unknown) => e,
      );
      await s.adapter.dial.waitForCall(1);
      await t.fire(s, controller);
      await until(() => dialSignal()?.aborted === true, 'the dial signal to abort');
      const error = await outcome;
      assert.ok(error instanceof EngineStartError);
      assert.ok(t.cause(error.cause), `cause: ${String(error.cause)}`);
      assert.equal(s.engine.isStarted, false);
      assert.equal(s.adapter.close.callCount, 0, 'nothing was opened');
      assert.equal(s.client.onOpen.callCount, 0);
      assert.equal(s.clock.pendingTimers, 0);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    });

    it(`${name} while the dial is pending: a dial that ignores the abort and resolves late is closed`, async () => {
      const s = setup(t.options);
      const late = deferred<HandshakeResponse>();
      s.adapter.dial.implementation(() => late.promise);
      const controller = new AbortController();
      const started = s.engine.start({ signal: controller.signal });
      const rejected = assert.rejects(
        started,
        (e: unknown) => e instanceof EngineStartError && t.cause(e.cause),
      );
      await s.adapter.dial.waitForCall(1);
      await t.fire(s, controller);
      late.resolve({ status: 101, headers: {}, protocol: '', extensions: '' });
      await rejected;
      assert.equal(s.adapter.close.callCount, 1, 'the late connection is closed');
      assert.equal(s.client.onOpen.callCount, 0);
      assert.equal(s.clock.pendingTimers, 0);
    });
  }

  it('start({ signal }) aborted while an async url function is pending: rejects at once and never dials', async () => {
    const url = deferred<string>();
    let urlCalls = 0;
    const s = setup({
      url: () => {
        urlCalls++;
        return url.promise;
      },
      openTimeoutMs: 5_000,
    });
    const controller = new AbortController();
    const started = s.engine.start({ signal: controller.signal });
    await until(() => urlCalls === 1, 'the url function to be called');
    const reason = new Error('user gave up');
    controller.abort(reason);
    await assert.rejects(started, (e: unknown) => e instanceof EngineStartError && e.cause === reason);
    url.resolve(URL_);
    await turns();
    assert.equal(s.adapter.dial.callCount, 0, 'a URL resolved after the abort is not dialled');
    assert.equal(s.adapter.close.callCount, 0);
    assert.equal(s.clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});

describe('ENGINE.md one connection at a time: restart() closes before the next dial', () => {
  const ways = {
    'restart() from onMessage': (s: Setup) => {
      s.client.onMessage.implementationOnce(({ restart }: OnMessageArgs) => restart());
      s.adapter.pushMessage(text('rotate'));
    },
    'onReadError calling restart()': (s: Setup) => {
      s.client.onReadError.implementationOnce(({ restart }: OnReadErrorArgs) => restart());
      s.adapter.pushReadError(new Error('garbled frame'));
    },
  };
  for (const [name, trigger] of Object.entries(ways)) {
    it(`${name}: the old connection's close completes before the next dial`, async () => {
      const s = setup();
      const gate = deferred();
      const order = recordOrder(s, gate.promise);
      await s.engine.start();
      trigger(s);
      await s.adapter.close.waitForCall(1);
      await turns();
      assert.equal(s.adapter.dial.callCount, 1, 'no dial while the old connection is closing');
      gate.resolve();
      await s.client.onOpen.waitForCall(2);
      assert.deepEqual(order, ['dial', 'close started', 'close done', 'dial']);
      await s.engine.stop();
    });
  }
});

describe('ENGINE.md Start: exit() inside an async onOpen', () => {
  it('onClose and the close come only after onOpen has settled, and onOpen may still write', async () => {
    const s = setup();
    const order: string[] = [];
    const gate = deferred();
    s.client.onOpen.implementation(async ({ exit, conn }: OnOpenArgs) => {
      exit();
      order.push('exit()');
      await gate.promise;
      await conn.write(MessageType.Text, 'last words');
      order.push('onOpen settled');
    });
    s.client.onClose.implementation(() => void order.push('onClose'));
    s.adapter.close.implementation(async (code: number, reason?: string, options?: CallOptions) => {
      order.push('close');
      return s.adapter.close.default(code, reason, options);
    });
    const started = s.engine.start();
    await s.client.onOpen.waitForCall(1);
    await turns();
    assert.deepEqual(order, ['exit()'], 'nothing is torn down while onOpen runs');
    gate.resolve();
    await started;
    assert.deepEqual(order, ['exit()', 'onOpen settled', 'onClose', 'close']);
    assert.deepEqual(s.adapter.writtenMessages(), [text('last words')]);
    assert.equal(s.adapter.write.calls[0].outcome?.status, 'fulfilled');
    assert.equal(s.engine.isStarted, false);
    assert.equal(s.adapter.dial.callCount, 1);
  });
});

describe('ENGINE.md Exit', () => {
  it('exit() ends the engine for good: ten minutes later there is still no dial and no timer', async () => {
    const s = setup({ reconnect: { initialDelayMs: 1_000, maxDelayMs: 8_000 } });
    s.client.onMessage.implementationOnce(({ exit }: OnMessageArgs) => exit());
    await s.engine.start();
    s.adapter.pushMessage(text('bye'));
    await until(() => !s.engine.isStarted, 'the engine to end');
    assert.deepEqual(await s.engine.closed, { reason: 'exit' });
    await s.clock.advance(10 * 60_000);
    assert.equal(s.adapter.dial.callCount, 1);
    assert.equal(s.client.onOpen.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
  });

  /** The mock client plus an onExit that records what it is given. */
  function withExits() {
    const exits: EngineExit[] = [];
    const client = Object.assign(new WebSocketClientMock(), {
      onExit: (exit: EngineExit) => void exits.push(exit),
    });
    return { client, exits };
  }

  it("'closed': onExit and engine.closed get the same reason and the same close error", async () => {
    const { client, exits } = withExits();
    const s = setup({ client, autoReconnect: false });
    await s.engine.start();
    s.adapter.pushClose(4001, 'go away');
    const closed = await s.engine.closed;
    assert.equal(closed.reason, 'closed');
    assert.equal((closed.error as { code?: number }).code, 4001);
    assert.equal(exits.length, 1);
    assert.deepEqual(exits[0], closed);
    assert.equal(exits[0].error, closed.error, 'the same error object');
  });

  it("'error': onExit and engine.closed get the same reason and the same error start() rejected with", async () => {
    const { client, exits } = withExits();
    const s = setup({ client });
    s.adapter.dial.rejects(new DialError('refused'));
    const failure = await s.engine.start().then(
      () => assert.fail('start() resolved'),
      (e: unknown) => e,
    );
    const closed = await s.engine.closed;
    assert.equal(closed.reason, 'error');
    assert.equal(closed.error, failure);
    assert.equal(exits.length, 1);
    assert.deepEqual(exits[0], closed);
    assert.equal(exits[0].error, closed.error, 'the same error object');
  });
});
