import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_DEFAULTS, resolveEngineOptions, WebSocketEngine } from '../../src/engine/index.js';
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
