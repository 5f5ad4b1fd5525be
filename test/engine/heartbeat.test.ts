// ENGINE.md Run, keepalive: an application-level heartbeat where the adapter cannot ping,
// and a check at once after a wake-up (timer drift) or a page's offline/online event.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANNOT_PING } from '../../src/core/adapter-traits.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import {
  InvalidOptionsError,
  type Message,
  MessageType,
  UnsupportedOperationError,
} from '../../src/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { QueueAdapter, setup, text, URL_, until } from './helpers.js';

/** An adapter like the WHATWG one: it cannot ping, and says so. */
class NoPingAdapter extends QueueAdapter {
  readonly [CANNOT_PING] = true;
  override async ping(): Promise<void> {
    throw new UnsupportedOperationError('this adapter cannot ping');
  }
}

const keepalive = { intervalMs: 10_000, timeoutMs: 5_000 };
const heartbeat = { message: '{"op":"ping"}', isReply: (m: Message) => m.data === '{"op":"pong"}' };

function engineOver(adapter: QueueAdapter, options: Record<string, unknown> = {}) {
  const clock = new FakeClock(1_000_000);
  const seen: string[] = [];
  const closes: (number | undefined)[] = [];
  const engine = new WebSocketEngine({
    url: URL_,
    adapter,
    clock,
    readers: 1,
    autoReconnect: false,
    client: {
      onMessage: ({ message }) => void seen.push(message.data as string),
      onClose: ({ closeMessage }) => void closes.push(closeMessage?.code),
    },
    ...options,
  });
  return { engine, clock, seen, closes };
}

describe('ENGINE.md keepalive.heartbeat: where the adapter cannot ping', () => {
  it('sends the heartbeat message instead of a ping; replies count as pongs and never reach onMessage', async () => {
    const adapter = new NoPingAdapter();
    adapter.onWrite = (m) => {
      if (m.data === heartbeat.message) queueMicrotask(() => adapter.push(text('{"op":"pong"}')));
    };
    const { engine, clock, seen, closes } = engineOver(adapter, { keepalive: { ...keepalive, heartbeat } });
    await engine.start();
    await clock.advance(60_000);
    assert.equal(adapter.writes.filter((m) => m.data === heartbeat.message).length, 6);
    assert.deepEqual(seen, [], 'replies went to the keepalive only');
    assert.deepEqual(closes, []);
    adapter.push(text('a real message'));
    assert.deepEqual(seen, ['a real message']);
    await engine.stop();
  });

  it('a server that stops answering the heartbeat is found: 1006 keepalive', async () => {
    const adapter = new NoPingAdapter();
    const { engine, clock, closes } = engineOver(adapter, {
      keepalive: { ...keepalive, heartbeat: { message: () => new Uint8Array([9]), isReply: () => true } },
    });
    await engine.start();
    await clock.advance(10_000 + 5_000);
    await until(() => closes.length === 1, 'the keepalive timeout');
    assert.deepEqual(closes, [1006]);
    assert.equal(
      adapter.writes[0].type,
      MessageType.Binary,
      'a function message is called at each heartbeat',
    );
  });

  it('keepalive on an adapter that cannot ping, without a heartbeat, is an InvalidOptionsError at start()', async () => {
    const { engine } = engineOver(new NoPingAdapter(), { keepalive });
    await assert.rejects(engine.start(), (e: unknown) => {
      assert.ok(e instanceof InvalidOptionsError);
      assert.match(e.message, /keepalive\.heartbeat/);
      return true;
    });
    assert.equal(engine.isStarted, false);
  });

  it('over an adapter that can ping, the heartbeat is not used: pings are', async () => {
    const s = setup({ keepalive: { ...keepalive, heartbeat } });
    await s.engine.start();
    await s.clock.advance(10_000);
    assert.equal(s.adapter.ping.callCount, 1);
    assert.equal(s.adapter.write.callCount, 0);
    await s.engine.stop();
  });
});

describe('ENGINE.md keepalive: a wake-up or a network change checks the connection at once', () => {
  it('a tick that comes a whole interval late (a laptop slept) pings even though messages flowed', async () => {
    const s = setup({ keepalive });
    await s.engine.start();
    await s.clock.advance(9_000);
    s.adapter.pushMessage(text('recent'));
    await s.client.onMessage.waitForCall(1);
    s.clock.jump(60_000); // asleep: wall time moves, timers do not fire
    await s.clock.advance(1_000);
    assert.equal(s.adapter.ping.callCount, 1, 'the late tick probes despite the recent message');
    await s.engine.stop();
  });

  it("the page's offline and online events make every session ping at once", async () => {
    const target = new EventTarget();
    const global = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    global.addEventListener = target.addEventListener.bind(target);
    global.removeEventListener = target.removeEventListener.bind(target);
    try {
      const s = setup({ keepalive });
      await s.engine.start();
      s.adapter.pushMessage(text('recent'));
      await s.client.onMessage.waitForCall(1);
      target.dispatchEvent(new Event('offline'));
      await until(() => s.adapter.ping.callCount === 1, 'a ping on offline');
      target.dispatchEvent(new Event('online'));
      await s.clock.advance(1); // the ping above has its pong: the next probe may ping again
      target.dispatchEvent(new Event('online'));
      await until(() => s.adapter.ping.callCount === 2, 'a ping on online');
      await s.engine.stop();
      assert.equal(s.clock.pendingTimers, 0);
    } finally {
      delete global.addEventListener;
      delete global.removeEventListener;
    }
  });
});
