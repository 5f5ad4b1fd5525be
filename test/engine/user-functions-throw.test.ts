// ENGINE.md Run: "An error thrown or rejected by a user callback never crashes the process and
// never becomes an unhandled rejection". Here, the user functions that are not client
// callbacks but that the engine calls on its own paths: requests.idOf, the heartbeat's
// isReply and message, reconnect.shouldReconnect, a url function, and an async onExit.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CANNOT_PING } from '../../src/core/adapter-traits.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { CallbackError, EngineStartError, type Message, UnsupportedOperationError } from '../../src/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { QueueAdapter, setup, text, URL_ } from './helpers.js';

let unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

/** Gives pending rejections the turns Node needs to report them, then checks none was. */
async function assertNoUnhandledRejection(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
}

/** `promise`, or a failure after 5 s: a broken engine fails the test instead of hanging it. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 5_000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const bug = (what: string) => new Error(`user bug in ${what}`);

describe('ENGINE.md Run: user functions other than the callbacks that throw or reject', () => {
  it('a requests.idOf that throws on a message reads as "no id": the message reaches onMessage, requests go on', async () => {
    const idOf = (m: Message) => {
      if (m.data === 'unreadable') throw bug('idOf');
      return JSON.parse(m.data as string).id as string;
    };
    const s = setup({ readers: 4, requests: { idOf } });
    await s.engine.start();
    const reply = s.engine.request('{"id":"r1"}', { id: 'r1' });
    s.adapter.pushMessage(text('unreadable'));
    s.adapter.pushMessage(text('{"id":"r1"}'));
    s.adapter.pushMessage(text('unreadable'));
    assert.equal((await within(reply, 'the reply')).data, '{"id":"r1"}');
    await within(s.client.onMessage.waitForCall(2), 'both messages');
    assert.deepEqual(
      s.client.receivedMessages().map((m) => m.data),
      ['unreadable', 'unreadable'],
    );
    assert.equal(s.client.onReadError.callCount, 0, 'nothing to report: idOf is documented to read as no id');
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
    await assertNoUnhandledRejection();
  });

  describe('keepalive.heartbeat', () => {
    /** An adapter like the WHATWG one: it cannot ping, and says so. */
    class NoPingAdapter extends QueueAdapter {
      readonly [CANNOT_PING] = true;
      override async ping(): Promise<void> {
        throw new UnsupportedOperationError('this adapter cannot ping');
      }
    }
    const keepalive = { intervalMs: 10_000, timeoutMs: 5_000 };

    function engineOver(heartbeat: { message: string | (() => string); isReply(m: Message): boolean }) {
      const adapter = new NoPingAdapter();
      const clock = new FakeClock(1_000_000);
      const seen: string[] = [];
      const reported: unknown[] = [];
      const closes: (number | undefined)[] = [];
      const engine = new WebSocketEngine({
        url: URL_,
        adapter,
        clock,
        autoReconnect: false,
        keepalive: { ...keepalive, heartbeat },
        client: {
          onMessage: ({ message }) => void seen.push(message.data as string),
          onReadError: ({ error }) => void reported.push(error),
          onClose: ({ closeMessage }) => void closes.push(closeMessage?.code),
        },
      });
      return { adapter, clock, engine, seen, reported, closes };
    }

    it('an isReply that throws reads as "not a reply": the answer reaches onMessage and still proves the peer alive', async () => {
      const t = engineOver({
        message: 'ping',
        isReply: () => {
          throw bug('isReply');
        },
      });
      t.adapter.onWrite = (m) => {
        if (m.data === 'ping') queueMicrotask(() => t.adapter.push(text('pong')));
      };
      await t.engine.start();
      await t.clock.advance(60_000);
      assert.equal(t.adapter.writes.length, 6, 'a heartbeat every interval');
      assert.deepEqual(t.seen, Array(6).fill('pong'));
      assert.deepEqual(t.closes, [], 'not declared dead');
      assert.deepEqual(t.reported, []);
      await t.engine.stop();
      await assertNoUnhandledRejection();
    });

    it('a heartbeat message() that throws is reported to onReadError as CallbackError; the session goes on', async () => {
      const cause = bug('heartbeat.message');
      const t = engineOver({
        message: () => {
          throw cause;
        },
        isReply: (m) => m.data === 'pong',
      });
      await t.engine.start();
      await t.clock.advance(30_000);
      assert.equal(t.reported.length, 3, 'once per interval');
      for (const error of t.reported) {
        assert.ok(error instanceof CallbackError, 'wrapped in CallbackError');
        assert.equal(error.callback, 'keepalive.heartbeat.message');
        assert.equal(error.cause, cause);
      }
      assert.equal(t.adapter.writes.length, 0, 'nothing sent');
      assert.deepEqual(t.closes, [], 'a heartbeat never sent is no missing pong');
      t.adapter.push(text('still here'));
      assert.deepEqual(t.seen, ['still here']);
      await t.engine.stop();
      await assertNoUnhandledRejection();
    });
  });

  for (const mode of ['throws', 'rejects'] as const) {
    it(`a reconnect.shouldReconnect that ${mode} reads as "no": the run ends 'closed' with the close error`, async () => {
      const shouldReconnect = () => {
        if (mode === 'throws') throw bug('shouldReconnect');
        return Promise.reject(bug('shouldReconnect'));
      };
      const s = setup({ reconnect: { shouldReconnect } });
      await s.engine.start();
      s.adapter.pushClose(1011, 'server error');
      const exit = await within(s.engine.closed, 'the end of the run');
      assert.equal(exit.reason, 'closed');
      assert.equal((exit.error as { code?: number }).code, 1011);
      assert.equal(s.adapter.dial.callCount, 1, 'no reconnect');
      await assertNoUnhandledRejection();
    });

    it(`a url function that ${mode} on a reconnect is reported to onRestartError and retried`, async () => {
      let calls = 0;
      const failure = bug('url');
      const url = () => {
        calls++;
        if (calls !== 2) return URL_;
        if (mode === 'throws') throw failure;
        return Promise.reject(failure);
      };
      const s = setup({ url, reconnect: { initialDelayMs: 100, jitter: 0 } });
      await s.engine.start();
      s.adapter.pushClose(1001, 'restart');
      const { args } = await within(s.client.onRestartError.waitForCall(1), 'onRestartError');
      assert.equal(args[0].error, failure);
      assert.equal(args[0].retryCount, 1);
      assert.equal(s.adapter.dial.callCount, 1, 'nothing dialled without a URL');
      await s.clock.advance(100);
      const { args: open } = await within(s.client.onOpen.waitForCall(2), 'the reconnect');
      assert.equal(open[0].restarting, true);
      assert.equal(calls, 3);
      assert.equal(s.engine.isStarted, true);
      await s.engine.stop();
      await assertNoUnhandledRejection();
    });

    it(`a url function that ${mode} on the first start rejects start() with EngineStartError`, async () => {
      const failure = bug('url');
      const url =
        mode === 'throws'
          ? () => {
              throw failure;
            }
          : () => Promise.reject(failure);
      const s = setup({ url });
      await assert.rejects(s.engine.start(), (e: unknown) => {
        assert.ok(e instanceof EngineStartError, 'an EngineStartError');
        assert.equal(e.cause, failure);
        return true;
      });
      assert.equal(s.adapter.dial.callCount, 0);
      assert.equal((await s.engine.closed).reason, 'error');
      await assertNoUnhandledRejection();
    });
  }

  it('an async onExit that rejects is contained: stop() and engine.closed resolve, the engine starts again', async () => {
    const exits: string[] = [];
    const onExit = async ({ reason }: { reason: string }) => {
      exits.push(reason);
      await Promise.resolve();
      throw bug('onExit');
    };
    const s = setup({ autoReconnect: false, client: { onMessage() {}, onExit } });
    await s.engine.start();
    await within(s.engine.stop(), 'stop()');
    assert.deepEqual(await s.engine.closed, { reason: 'stop' });
    await s.engine.start();
    s.adapter.pushClose(1000);
    const exit = await within(s.engine.closed, 'the end of the run');
    assert.equal(exit.reason, 'closed', 'a run that ends by itself too');
    assert.deepEqual(exits, ['stop', 'closed']);
    await s.engine.start();
    await s.engine.stop();
    await assertNoUnhandledRejection();
  });
});
