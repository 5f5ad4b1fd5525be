import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallOptions } from '../../src/index.js';
import { UnsupportedOperationError, WebSocketCloseError } from '../../src/index.js';
import { setup, text, until } from './helpers.js';

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
