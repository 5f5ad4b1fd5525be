import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_DEFAULTS, WebSocketEngine } from '../../src/engine/index.js';
import { MAX_TIMER_MS, resolveOptions as resolveEngineOptions } from '../../src/engine/resolve-options.js';
import { ErrorCode, InvalidOptionsError } from '../../src/index.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';

const base = { url: 'ws://h/', adapter: new WebSocketConnectionAdapterMock(), client: { onMessage() {} } };

describe('engine options', () => {
  it('defaults are frozen and applied once', () => {
    assert.ok(Object.isFrozen(ENGINE_DEFAULTS));
    assert.ok(Object.isFrozen(ENGINE_DEFAULTS.reconnect));
    const o = resolveEngineOptions(base);
    assert.equal(o.readers, 4);
    assert.equal(o.autoReconnect, true);
    assert.equal(o.openTimeoutMs, 300_000);
    assert.equal(o.stopTimeoutMs, 300_000);
    assert.equal(o.startRetries, 0);
    assert.equal(o.keepalive, undefined);
    assert.equal(o.reconnect.maxRetries, Number.POSITIVE_INFINITY);
    assert.equal(o.reconnect.jitter, 1);
  });

  it('InvalidOptionsError lists every problem at once, each naming the option and what is expected', () => {
    assert.throws(
      () =>
        new WebSocketEngine({
          url: 42 as never,
          adapter: {} as never,
          client: {} as never,
          readers: 0,
          autoReconnect: 'yes' as never,
          openTimeoutMs: -1,
          stopTimeoutMs: Number.NaN,
          reconnect: { jitter: 2, multiplier: 0.5, initialDelayMs: 10, maxDelayMs: 5, maxRetries: 1.5 },
          keepalive: { intervalMs: 0, timeoutMs: -5 },
          clock: {} as never,
        }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidOptionsError);
        assert.equal(e.code, ErrorCode.InvalidOptions);
        const names = e.issues.map((i) => i.split(':')[0]);
        assert.deepEqual(names.sort(), [
          'adapter',
          'autoReconnect',
          'client',
          'clock',
          'keepalive.intervalMs',
          'keepalive.timeoutMs',
          'openTimeoutMs',
          'readers',
          'reconnect.jitter',
          'reconnect.maxDelayMs',
          'reconnect.maxRetries',
          'reconnect.multiplier',
          'stopTimeoutMs',
          'url',
        ]);
        for (const issue of e.issues) assert.match(issue, /expected/);
        return true;
      },
    );
  });

  it('a URL is never quoted in an options error', () => {
    assert.doesNotThrow(() => resolveEngineOptions({ ...base, url: 'wss://u:secret@h/?token=abc' }));
    assert.throws(
      () => resolveEngineOptions({ ...base, url: 'wss://h/?token=abc', readers: -1 }),
      (e: unknown) => e instanceof InvalidOptionsError && !e.message.includes('token=abc'),
    );
  });
});

describe('engine options: timer bounds (regression)', () => {
  it('openTimeoutMs, stopTimeoutMs and keepalive times above 2^31-1 ms are rejected, not turned into 1 ms timers', () => {
    assert.throws(
      () =>
        new WebSocketEngine({
          ...base,
          openTimeoutMs: MAX_TIMER_MS + 1,
          stopTimeoutMs: 2 ** 40,
          keepalive: { intervalMs: 2 ** 32, timeoutMs: MAX_TIMER_MS + 1 },
        }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidOptionsError);
        assert.equal(e.code, ErrorCode.InvalidOptions);
        const names = e.issues.map((issue) => issue.split(':')[0]);
        assert.deepEqual(names, [
          'openTimeoutMs',
          'stopTimeoutMs',
          'keepalive.intervalMs',
          'keepalive.timeoutMs',
        ]);
        assert.match(e.issues[0], /from 0 to 2147483647/);
        return true;
      },
    );
    assert.doesNotThrow(
      () => new WebSocketEngine({ ...base, openTimeoutMs: MAX_TIMER_MS, stopTimeoutMs: 0 }),
    );
  });

  it('a later change to the options object given does not reach the engine', () => {
    const keepalive = { intervalMs: 15_000, timeoutMs: 5_000 };
    const resolved = resolveEngineOptions({ ...base, keepalive });
    keepalive.intervalMs = 1;
    assert.equal(resolved.keepalive?.intervalMs, 15_000);
    assert.ok(Object.isFrozen(resolved));
  });
});
