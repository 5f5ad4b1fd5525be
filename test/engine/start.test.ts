import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnOpenArgs } from '../../src/engine/index.js';
import {
  DialError,
  EngineStartError,
  EngineStateError,
  ErrorCode,
  HandshakeError,
  MessageType,
} from '../../src/index.js';
import { deferred, setup, text, URL_ } from './helpers.js';

describe('ENGINE.md Start', () => {
  it('start() resolves the URL, dials, calls onOpen({ restarting: false }), then starts the read loops and resolves', async () => {
    const order: string[] = [];
    let calls = 0;
    const { adapter, client, engine } = setup({
      url: async () => {
        calls++;
        order.push('url');
        return `${URL_}?token=t${calls}`;
      },
    });
    adapter.dial.implementation((target, options) => {
      order.push(`dial ${target.search}`);
      return adapter.dial.default(target, options);
    });
    client.onOpen.implementation(() => {
      order.push(`onOpen read=${adapter.read.callCount}`);
    });
    await engine.start();
    order.push('resolved');
    assert.deepEqual(order, ['url', 'dial ?token=t1', 'onOpen read=0', 'resolved']);
    const args = client.onOpen.calls[0].args[0];
    assert.equal(args.restarting, false);
    assert.equal(args.response.status, 101);
    assert.match(args.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(args.sessionId, engine.sessionId);
    assert.ok(args.signal instanceof AbortSignal);
    assert.equal(adapter.read.callCount, 1, 'the read loop started');
    await engine.stop();
  });

  it('the url function is called at every connect, so each connect can carry a fresh token', async () => {
    let calls = 0;
    const { adapter, engine } = setup({ url: () => `${URL_}?token=${++calls}` });
    await engine.start();
    adapter.pushClose(1012, 'restart');
    await adapter.dial.waitForCall(2);
    assert.equal(adapter.dial.calls[1].args[0].searchParams.get('token'), '2');
    await engine.stop();
  });

  for (const [name, arrange] of [
    ['the dial fails', (s: ReturnType<typeof setup>) => s.adapter.dial.rejects(new DialError('refused'))],
    ['onOpen throws', (s: ReturnType<typeof setup>) => s.client.onOpen.throws(new Error('auth failed'))],
    ['onOpen rejects', (s: ReturnType<typeof setup>) => s.client.onOpen.rejects(new Error('auth failed'))],
  ] as const) {
    it(`start() rejects with EngineStartError when ${name}, leaving nothing open and no timer`, async () => {
      const s = setup();
      arrange(s);
      await assert.rejects(s.engine.start(), (e: unknown) => {
        assert.ok(e instanceof EngineStartError);
        assert.equal(e.code, ErrorCode.EngineStart);
        assert.ok(e.cause instanceof Error);
        return true;
      });
      assert.equal(s.engine.isStarted, false);
      assert.equal(s.clock.pendingTimers, 0);
      // A dialled connection is closed again; a failed dial left nothing to close.
      assert.equal(
        s.adapter.close.callCount,
        s.adapter.dial.calls[0].outcome?.status === 'fulfilled' ? 1 : 0,
      );
      assert.equal(s.adapter.dial.callCount, 1, 'the first start does not retry');
      // Every onOpen gets its onClose, even one that failed: it may have opened resources.
      assert.equal(s.client.onClose.callCount, s.client.onOpen.callCount);
    });
  }

  it('start() rejects with EngineStartError when openTimeoutMs passes (cause is a TimeoutError), leaving nothing open', async () => {
    const s = setup({ openTimeoutMs: 5_000 });
    let openSignal: AbortSignal | undefined;
    s.client.onOpen.implementation(({ signal }: OnOpenArgs) => {
      openSignal = signal;
      return new Promise<void>(() => {});
    });
    const rejected = assert.rejects(s.engine.start(), (e: unknown) => {
      assert.ok(e instanceof EngineStartError);
      assert.equal((e.cause as Error).name, 'TimeoutError');
      return true;
    });
    await s.client.onOpen.waitForCall(1);
    await s.clock.advance(5_000);
    await rejected;
    assert.equal(openSignal?.aborted, true, 'onOpen sees its signal abort');
    assert.equal(s.adapter.close.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('start() rejects with EngineStartError when the signal aborts (cause is the abort reason)', async () => {
    const s = setup();
    const gate = deferred();
    s.client.onOpen.implementation(() => gate.promise);
    const controller = new AbortController();
    const started = s.engine.start({ signal: controller.signal });
    await s.client.onOpen.waitForCall(1);
    const reason = new Error('user gave up');
    controller.abort(reason);
    await assert.rejects(started, (e: unknown) => e instanceof EngineStartError && e.cause === reason);
    assert.equal(s.adapter.close.callCount, 1);
    assert.equal(s.clock.pendingTimers, 0);
    gate.resolve();
  });

  it('the first start retries only when asked (startRetries)', async () => {
    const s = setup({ startRetries: 2, reconnect: { initialDelayMs: 100, jitter: 0 } });
    s.adapter.dial.rejectsOnce(new DialError('refused')).rejectsOnce(new DialError('refused'));
    const started = s.engine.start();
    await s.adapter.dial.waitForCall(1);
    await s.clock.advance(100);
    await s.adapter.dial.waitForCall(2);
    await s.clock.advance(200);
    await s.adapter.dial.waitForCall(3);
    await started;
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
  });

  it('a first start refused with 503 and Retry-After retries no sooner than it asks (startRetries)', async () => {
    const s = setup({ startRetries: 1, reconnect: { initialDelayMs: 100, jitter: 0 } });
    s.adapter.dial.rejectsOnce(new HandshakeError(503, { 'retry-after': '30' }));
    const started = s.engine.start();
    await s.adapter.dial.waitForCall(1);
    await s.clock.advance(29_999);
    assert.equal(s.adapter.dial.callCount, 1, 'no attempt before Retry-After, whatever the backoff says');
    await s.clock.advance(1);
    await s.adapter.dial.waitForCall(2);
    await started;
    await s.engine.stop();
  });

  it('inside onOpen the callback may read and write on conn directly: no read loop runs yet', async () => {
    const s = setup({ readers: 4 });
    s.adapter.pushMessage(text('welcome'));
    s.adapter.pushMessage(text('first'));
    let welcome: string | undefined;
    s.client.onOpen.implementation(async ({ conn }: OnOpenArgs) => {
      await conn.write(MessageType.Text, 'auth');
      welcome = (await conn.read()).data as string;
    });
    await s.engine.start();
    assert.equal(welcome, 'welcome');
    assert.deepEqual(s.adapter.writtenMessages(), [text('auth')]);
    await s.client.onMessage.waitForCall(1);
    assert.deepEqual(s.client.receivedMessages(), [text('first')]);
    await s.engine.stop();
  });

  it('exit() inside onOpen ends the engine after onOpen returns', async () => {
    const s = setup();
    s.client.onOpen.implementation(({ exit }: OnOpenArgs) => {
      exit();
    });
    await s.engine.start();
    assert.equal(s.engine.isStarted, false);
    assert.equal(s.client.onClose.callCount, 1);
    assert.equal(s.adapter.close.callCount, 1);
    assert.equal(s.adapter.dial.callCount, 1, 'no reconnect');
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('start() on a started engine rejects with EngineStateError', async () => {
    const s = setup();
    await s.engine.start();
    await assert.rejects(s.engine.start(), EngineStateError);
    await s.engine.stop();
  });

  it('two concurrent start() calls do not open two connections', async () => {
    const s = setup();
    const results = await Promise.allSettled([s.engine.start(), s.engine.start()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    assert.ok((results[1] as PromiseRejectedResult).reason instanceof EngineStateError);
    assert.equal(s.adapter.dial.callCount, 1);
    await s.engine.stop();
  });

  it('start() works again after stop()', async () => {
    const s = setup();
    await s.engine.start();
    await s.engine.stop();
    await s.engine.start();
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
  });
});
