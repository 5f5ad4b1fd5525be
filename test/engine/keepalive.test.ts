import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/engine/fake-clock.js';
import {
  type KeepaliveHost,
  keepaliveTimer,
  startKeepalive,
  stopKeepalive,
} from '../../src/engine/keepalive.js';
import type { KeepaliveOptions } from '../../src/engine/options.js';
import type { TimerEntry, TimerList } from '../../src/engine/timer-list.js';
import type { CallOptions } from '../../src/index.js';
import { UnsupportedOperationError, WebSocketCloseError, WebSocketEngine } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import { setup, text, URL_, until } from './helpers.js';

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

/** A keepalive host whose pings wait for `pong()` (or the abort); `seen()` is a message arriving. */
class Host implements KeepaliveHost {
  timerPrev: TimerEntry | undefined = undefined;
  timerNext: TimerEntry | undefined = undefined;
  timerDue = 0;
  timerList: TimerList | undefined = undefined;
  keepalivePinging: AbortController | undefined = undefined;
  private arrived = false;
  pings = 0;
  dead = 0;
  /** Fake time of the last ping and of the death. */
  pingAt = -1;
  deadAt = -1;
  inFlight: (() => void) | undefined;
  onDead: (() => void) | undefined;

  constructor(
    private readonly clock: FakeClock,
    readonly keepaliveOptions: KeepaliveOptions,
  ) {}

  get keepaliveClock(): FakeClock {
    return this.clock;
  }

  seen(): void {
    this.arrived = true;
  }

  takeSeen(): boolean {
    const arrived = this.arrived;
    this.arrived = false;
    return arrived;
  }

  onTimer(): void {
    keepaliveTimer(this);
  }

  keepalivePing(signal: AbortSignal): Promise<void> {
    this.pings++;
    this.pingAt = this.clock.now();
    return new Promise<void>((resolve, reject) => {
      this.inFlight = resolve;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  keepaliveDead(): void {
    this.dead++;
    this.deadAt = this.clock.now();
    this.onDead?.();
  }

  keepaliveUnsupported(): void {}

  pong(): void {
    this.inFlight?.();
    this.inFlight = undefined;
  }
}

describe('keepalive timers are shared: one clock timer per clock and duration', () => {
  it("1,000 sessions' keepalives hold one clock timer (two while some wait for a pong)", async () => {
    const clock = new FakeClock(1_000_000);
    const hosts = Array.from({ length: 1_000 }, () => new Host(clock, keepalive));
    for (let i = 0; i < hosts.length; i++) {
      if (i % 100 === 0) await clock.advance(1); // sessions opened over 10 ms
      startKeepalive(hosts[i]);
    }
    assert.equal(clock.pendingTimers, 1);
    // Messages flow on the first half: no ping there.
    for (const host of hosts.slice(0, 500)) host.seen();
    await clock.advance(10_000);
    assert.equal(clock.pendingTimers, 2, 'the interval list (500) and the pong wait list (500)');
    assert.equal(
      hosts.reduce((n, h) => n + h.pings, 0),
      500,
    );
    assert.deepEqual(
      hosts.map((h) => h.pings),
      [...Array(500).fill(0), ...Array(500).fill(1)],
    );
    // Sessions opened at t0 + 1..10 ms, by 100: each pinged exactly intervalMs after its start.
    const t0 = 1_000_000;
    const startedAt = (i: number) => t0 + 1 + Math.floor(i / 100);
    assert.deepEqual(
      hosts.slice(500).map((h, i) => h.pingAt - startedAt(500 + i)),
      Array(500).fill(10_000),
    );
    // Pongs for 250; the other 250 stay silent and are declared dead exactly timeoutMs after their ping.
    for (const host of hosts.slice(500, 750)) host.pong();
    await clock.advance(4_990); // t0 + 15 000: the first dies at t0 + 15 001
    assert.equal(
      hosts.reduce((n, h) => n + h.dead, 0),
      0,
    );
    await clock.advance(10);
    assert.deepEqual(
      hosts.map((h, i) => (h.dead ? h.deadAt - startedAt(i) : 0)),
      [...Array(750).fill(0), ...Array(250).fill(15_000)],
    );
    assert.equal(clock.pendingTimers, 1, 'only the interval list is left');
    // t0 + 20 010: the 750 alive have been silent for a whole interval: all ping, one list again.
    await clock.advance(5_000);
    assert.equal(
      hosts.reduce((n, h) => n + h.pings, 0),
      500 + 750,
    );
    assert.equal(clock.pendingTimers, 1, 'only the pong wait list');
    for (const host of hosts) stopKeepalive(host);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a host that throws does not cost the other sessions their keepalive', async () => {
    const clock = new FakeClock();
    const hosts = Array.from({ length: 3 }, () => new Host(clock, keepalive));
    const broken = new Error('broken host');
    hosts[0].onDead = () => {
      throw broken;
    };
    for (const host of hosts) startKeepalive(host);
    await clock.advance(10_000);
    await assert.rejects(clock.advance(5_000), broken);
    assert.deepEqual(
      hosts.map((h) => h.dead),
      [1, 1, 1],
    );
    assert.equal(clock.pendingTimers, 0);
  });

  it('1,000 engines on one clock share one keepalive timer; none is left once they stop', async () => {
    const clock = new FakeClock(1_000_000);
    const engines = Array.from(
      { length: 1_000 },
      () =>
        new WebSocketEngine({
          url: URL_,
          adapter: new WebSocketConnectionAdapterMock(),
          client: new WebSocketClientMock(),
          clock,
          readers: 1,
          keepalive,
        }),
    );
    await Promise.all(engines.map((engine) => engine.start()));
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(30_000);
    assert.equal(clock.pendingTimers, 1);
    await Promise.all(engines.map((engine) => engine.stop()));
    assert.equal(clock.pendingTimers, 0);
  });
});
