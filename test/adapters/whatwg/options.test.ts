import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'undici';
import {
  WHATWG_ADAPTER_DEFAULTS,
  WhatwgWebSocketAdapter,
  type WhatwgWebSocketAdapterOptions,
} from '../../../src/adapters/whatwg/index.js';
import { ErrorCode, INBOUND_QUEUE_DEFAULTS, InvalidOptionsError } from '../../../src/core/index.js';

describe('WhatwgWebSocketAdapter options', () => {
  it('has frozen defaults', () => {
    assert.ok(Object.isFrozen(WHATWG_ADAPTER_DEFAULTS));
    assert.ok(Object.isFrozen(WHATWG_ADAPTER_DEFAULTS.inboundQueue));
    assert.ok(Object.isFrozen(WHATWG_ADAPTER_DEFAULTS.protocols));
    assert.deepEqual({ ...WHATWG_ADAPTER_DEFAULTS.inboundQueue }, { ...INBOUND_QUEUE_DEFAULTS });
    assert.equal(WHATWG_ADAPTER_DEFAULTS.inboundOverflow, 'fail');
  });

  it('throws InvalidOptionsError naming undici when the runtime has no global WebSocket', () => {
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    global.WebSocket = undefined;
    try {
      assert.throws(
        () => new WhatwgWebSocketAdapter(),
        (e) => {
          assert.ok(e instanceof InvalidOptionsError);
          assert.equal(e.code, ErrorCode.InvalidOptions);
          assert.equal(e.issues.length, 1);
          assert.match(e.issues[0], /undici/);
          return true;
        },
      );
    } finally {
      global.WebSocket = saved;
    }
  });

  it('uses globalThis.WebSocket by default', () => {
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    global.WebSocket = WebSocket;
    try {
      assert.doesNotThrow(() => new WhatwgWebSocketAdapter());
    } finally {
      global.WebSocket = saved;
    }
  });

  it('reports every problem at once', () => {
    const bad = {
      WebSocket: 'nope',
      protocols: ['ok', 'has space', 'ok'],
      inboundQueue: { maxMessages: 0, maxBytes: 1.5 },
      inboundOverflow: 'drop',
      closeTimeoutMs: -1,
    } as unknown as WhatwgWebSocketAdapterOptions;
    assert.throws(
      () => new WhatwgWebSocketAdapter(bad),
      (e) => {
        assert.ok(e instanceof InvalidOptionsError);
        const text = e.issues.join('\n');
        for (const name of [
          'WebSocket',
          'has space',
          'listed twice',
          'maxMessages',
          'maxBytes',
          'inboundOverflow',
          'closeTimeoutMs',
        ]) {
          assert.match(text, new RegExp(name));
        }
        assert.equal(e.issues.length, 7);
        return true;
      },
    );
  });

  it('accepts a single protocol string and valid bounds', () => {
    assert.doesNotThrow(
      () =>
        new WhatwgWebSocketAdapter({
          WebSocket,
          protocols: 'chat.v1',
          inboundQueue: { maxMessages: 1 },
          inboundOverflow: 'unbounded',
          closeTimeoutMs: 0,
        }),
    );
  });

  it('rejects unknown keys: a near miss names the one meant, any other lists the known ones', () => {
    assert.throws(
      () => new WhatwgWebSocketAdapter({ WebSocket, protocol: 'v1', headers: {} } as never),
      (e) => {
        assert.ok(e instanceof InvalidOptionsError);
        assert.deepEqual(e.issues, [
          'unknown option `protocol`: did you mean `protocols`?',
          'unknown option `headers`: the known ones are WebSocket, protocols, inboundQueue, inboundOverflow, closeTimeoutMs',
        ]);
        return true;
      },
    );
  });

  it('says what a wrong value is without quoting it: got a string is not got 5, and a secret stays out', () => {
    assert.throws(
      () =>
        new WhatwgWebSocketAdapter({
          WebSocket,
          closeTimeoutMs: 'Bearer S3CRET',
          inboundQueue: { maxBytes: '9', maxMessages: 0.5 },
        } as never),
      (e) => {
        assert.ok(e instanceof InvalidOptionsError);
        assert.deepEqual(e.issues, [
          'inboundQueue.maxMessages: expected an integer >= 1, got 0.5',
          'inboundQueue.maxBytes: expected an integer >= 1, got a string',
          'closeTimeoutMs: expected a number of ms from 0 to 2147483647, got a string',
        ]);
        assert.doesNotMatch(e.message, /S3CRET/);
        return true;
      },
    );
  });

  it('closeTimeoutMs above 2^31-1 ms is rejected, not turned into a 1 ms timer', () => {
    assert.throws(
      () => new WhatwgWebSocketAdapter({ WebSocket, closeTimeoutMs: 2 ** 31 }),
      (e) =>
        e instanceof InvalidOptionsError &&
        /^closeTimeoutMs: .* to 2147483647, got 2147483648$/.test(e.issues[0]),
    );
    assert.doesNotThrow(() => new WhatwgWebSocketAdapter({ WebSocket, closeTimeoutMs: 2 ** 31 - 1 }));
  });

  it('rejects options that are not an object', () => {
    assert.throws(() => new WhatwgWebSocketAdapter(null as never), InvalidOptionsError);
    assert.throws(() => new WhatwgWebSocketAdapter('x' as never), InvalidOptionsError);
  });
});
