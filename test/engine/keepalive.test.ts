import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallOptions, InvalidArgumentError, OnMessageArgs } from '../../src/index.js';
import { UnsupportedOperationError, WebSocketCloseError, WebSocketEngine } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import { deferred, QueueAdapter, setup, text, URL_, until } from './helpers.js';

const keepalive = { intervalMs: 10_000, timeoutMs: 5_000 };

/** Makes the mock's pings hang until aborted (a half-open connection: no pong). */
function stallPings(adapter: ReturnType<typeof setup>['adapter']) {
  adapter.ping.implementation(
    (options?: CallOptions) =>
      new Promise<void>((_, reject) => {
        options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      }),
  );
}

describe('ENGINE.md Run: keepalive', () => {
  it('the engine pings every intervalMs while the connection is silent', async () => {
    const s = setup({ keepalive });
    await s.engine.start();
    await s.clock.advance(9_999);
    assert.equal(s.adapter.ping.callCount, 0);
    await s.clock.advance(1);
    assert.equal(s.adapter.ping.callCount, 1);
    await s.clock.advance(10_000);
    assert.equal(s.adapter.ping.callCount, 2);
    await s.engine.stop();
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('a missing pong after timeoutMs ends the session as an abnormal closure (1006, reason says keepalive)', async () => {
    const s = setup({ keepalive, autoReconnect: false });
    stallPings(s.adapter);
    await s.engine.start();
    await s.clock.advance(10_000 + 5_000);
    const { args } = await s.client.onClose.waitForCall(1);
    assert.equal(args[0].closeMessage?.code, 1006);
    assert.match(args[0].closeMessage?.reason ?? '', /keepalive/);
    await until(() => !s.engine.isStarted, 'engine end');
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('a keepalive timeout drops the connection without waiting out a close handshake (close gets an aborted signal)', async () => {
    const s = setup({ keepalive, autoReconnect: false });
    stallPings(s.adapter);
    // A close handshake that would never finish: the engine must not wait for it to end the session.
    let finishClose: () => void = () => {};
    s.adapter.close.implementation(
      (code: number, reason?: string, options?: CallOptions) =>
        new Promise<void>((resolve) => {
          finishClose = () => {
            s.adapter.close.default(code, reason, options);
            resolve();
          };
        }),
    );
    await s.engine.start();
    await s.clock.advance(15_000);
    await s.adapter.close.waitForCall(1);
    assert.equal(s.adapter.close.calls[0].args[2]?.signal?.aborted, true);
    await s.client.onClose.waitForCall(1);
    // stop() still waits for the socket to be gone, so nothing outlives the engine.
    let stopped = false;
    const stopping = s.engine.stop().then(() => {
      stopped = true;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(stopped, false);
    finishClose();
    await stopping;
  });

  it('a keepalive timeout reconnects when autoReconnect is on', async () => {
    const s = setup({ keepalive });
    stallPings(s.adapter);
    await s.engine.start();
    await s.clock.advance(15_000);
    await s.client.onOpen.waitForCall(2);
    assert.equal(s.client.onOpen.calls[1].args[0].restarting, true);
    await s.engine.stop();
  });

  it('any inbound message counts as proof of life: no ping while messages flow, no timeout if one arrives in time', async () => {
    const s = setup({ keepalive, autoReconnect: false });
    stallPings(s.adapter);
    await s.engine.start();
    for (let i = 0; i < 5; i++) {
      s.adapter.pushMessage(text(String(i)));
      await s.clock.advance(9_000);
    }
    assert.equal(s.adapter.ping.callCount, 0, 'messages flowed every 9 s: no ping needed');
    // Last message at t+36 s, seen by the check at t+40 s; the t+50 s check finds silence and pings.
    await s.clock.advance(5_000);
    assert.equal(s.adapter.ping.callCount, 1);
    await s.clock.advance(4_000);
    s.adapter.pushMessage(text('late but alive'));
    await s.clock.advance(1_000);
    assert.equal(s.client.onClose.callCount, 0, 'a message during the pong wait keeps the session');
    assert.equal(s.engine.isStarted, true);
    await s.engine.stop();
  });

  it('a ping the adapter cannot send (UnsupportedOperationError) is reported once to onReadError and keepalive stops', async () => {
    const s = setup({ keepalive });
    const unsupported = new UnsupportedOperationError('the WHATWG WebSocket API cannot send pings');
    s.adapter.ping.rejects(unsupported);
    await s.engine.start();
    await s.clock.advance(60_000);
    assert.equal(s.adapter.ping.callCount, 1);
    assert.equal(s.client.onReadError.callCount, 1);
    assert.equal(s.client.onReadError.calls[0].args[0].error, unsupported);
    assert.equal(s.engine.isStarted, true, 'the session goes on without keepalive');
    assert.equal(s.clock.pendingTimers, 0);
    await s.engine.stop();
  });

  it('a pong records the round trip and the cycle starts again', async () => {
    const s = setup({ keepalive });
    await s.engine.start();
    await s.clock.advance(30_000);
    assert.equal(s.adapter.ping.callCount, 3);
    assert.equal(s.client.onClose.callCount, 0);
    await s.engine.stop();
  });

  it('WebSocketCloseError for a keepalive drop carries 1006 so shouldReconnect can tell it apart', async () => {
    const seen: unknown[] = [];
    const s = setup({
      keepalive,
      reconnect: {
        shouldReconnect: (ctx) => {
          seen.push(ctx.closeMessage?.code);
          return false;
        },
      },
    });
    stallPings(s.adapter);
    await s.engine.start();
    await s.clock.advance(15_000);
    await until(() => !s.engine.isStarted, 'engine end');
    assert.deepEqual(seen, [1006]);
    assert.ok(new WebSocketCloseError(1006) instanceof Error);
  });
});

describe('keepalive timers: one sweep timer per clock and interval', () => {
  it('1,000 engines on one clock share one sweep timer, plus one pong deadline per tick that pinged', async () => {
    const clock = new FakeClock(1_000_000);
    const adapters = Array.from({ length: 1_000 }, () => new WebSocketConnectionAdapterMock());
    const engines = adapters.map(
      (adapter) =>
        new WebSocketEngine({
          url: URL_,
          adapter,
          client: new WebSocketClientMock(),
          clock,
          readers: 1,
          keepalive,
        }),
    );
    await Promise.all(engines.map((engine) => engine.start()));
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(30_000);
    assert.equal(
      clock.pendingTimers,
      2,
      'the sweep and the deadline of the pings it just sent: 2 for 1,000 sessions',
    );
    assert.ok(adapters.every((a) => a.ping.callCount === 3));
    await Promise.all(engines.map((engine) => engine.stop()));
    assert.equal(clock.pendingTimers, 0);
  });

  it('a silent connection is found within 2 x intervalMs + timeoutMs, whenever it dies', async () => {
    for (const diesAfter of [1, 4_000, 9_999, 10_001, 19_999]) {
      const s = setup({ keepalive, autoReconnect: false });
      await s.engine.start();
      s.adapter.pushMessage(text('alive'));
      await s.clock.advance(diesAfter);
      stallPings(s.adapter);
      const diedAt = s.clock.now();
      await s.clock.advance(2 * keepalive.intervalMs + keepalive.timeoutMs);
      const { args } = await s.client.onClose.waitForCall(1);
      assert.equal(args[0].closeMessage?.code, 1006, `died ${diesAfter} ms in`);
      assert.ok(s.clock.now() - diedAt <= 2 * keepalive.intervalMs + keepalive.timeoutMs);
      await until(() => !s.engine.isStarted, 'engine end');
    }
  });
});

describe('keepalive defects (regressions)', () => {
  it('a slow consumer is not a dead peer: no keepalive timeout while messages wait for the engine', async () => {
    const adapter = new QueueAdapter();
    const clock = new FakeClock(1_000_000);
    let pings = 0;
    adapter.ping = (options?: CallOptions) => {
      pings++;
      // The socket is paused by the full queue: a pong could not be read.
      return new Promise<void>((_, reject) => {
        options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      });
    };
    const gate = deferred();
    const seen: string[] = [];
    const client = new WebSocketClientMock();
    client.onMessage.implementation(async ({ message }: OnMessageArgs) => {
      seen.push(message.data as string);
      await gate.promise;
    });
    const engine = new WebSocketEngine({
      url: URL_,
      adapter,
      client,
      clock,
      readers: 1,
      keepalive,
      autoReconnect: false,
    });
    await engine.start();
    for (let i = 0; i < 3; i++) adapter.push(text(String(i)));
    await clock.advance(60_000);
    assert.equal(client.onClose.callCount, 0, 'the slow side is the engine, not the peer');
    assert.equal(pings, 0, 'no ping while messages wait');
    gate.resolve();
    await until(() => seen.length === 3, 'the queued messages');
    assert.deepEqual(seen, ['0', '1', '2']);
    await clock.advance(2 * keepalive.intervalMs + keepalive.timeoutMs);
    await client.onClose.waitForCall(1);
    assert.equal(
      client.onClose.calls[0].args[0].closeMessage?.code,
      1006,
      'once drained, silence counts again',
    );
  });

  it('after a keepalive timeout an unsendable code from onClose goes to onCloseError and the drop closes with 1001', async () => {
    const s = setup({ keepalive, autoReconnect: false });
    stallPings(s.adapter);
    s.client.onClose.returns({ code: 1006, reason: 'nope' });
    await s.engine.start();
    await s.clock.advance(15_000);
    await until(() => !s.engine.isStarted, 'engine end');
    assert.equal(s.client.onCloseError.callCount, 1);
    assert.equal(
      (s.client.onCloseError.calls[0].args[0].error as InvalidArgumentError).code,
      'ERR_INVALID_CLOSE_CODE',
    );
    assert.equal(s.adapter.close.callCount, 1);
    const [code, reason, options] = s.adapter.close.calls[0].args;
    assert.deepEqual([code, reason, options?.signal?.aborted], [1001, 'Going away', true]);
  });

  it('a keepalive drop is closed before the next dial, and leaves nothing behind for the next sessions', async () => {
    const s = setup({ keepalive });
    stallPings(s.adapter);
    const order: string[] = [];
    s.adapter.close.implementation(async (code: number, reason?: string, options?: CallOptions) => {
      order.push('close started');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await s.adapter.close.default(code, reason, options);
      order.push('close done');
    });
    s.adapter.dial.implementation(async (target: URL, options?: CallOptions) => {
      order.push('dial');
      return s.adapter.dial.default(target, options);
    });
    await s.engine.start();
    for (let i = 2; i <= 4; i++) {
      await s.clock.advance(15_000);
      await s.client.onOpen.waitForCall(i);
    }
    assert.deepEqual(order, ['dial', ...Array(3).fill(['close started', 'close done', 'dial']).flat()]);
    await s.engine.stop();
    assert.equal(s.clock.pendingTimers, 0);
  });
});
