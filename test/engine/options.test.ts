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
    assert.equal(o.openTimeoutMs, 10_000);
    assert.equal(o.stopTimeoutMs, 10_000);
    assert.equal(o.startRetries, 0);
    assert.equal(o.keepaliveIntervalMs, 0, 'keepalive off');
    assert.equal(o.reconnect.maxRetries, Number.POSITIVE_INFINITY);
    assert.equal(o.reconnect.jitter, 1);
  });

  it('a group left out is the frozen defaults object itself, shared by every engine; one given is a frozen copy', () => {
    const a = resolveEngineOptions(base);
    const b = resolveEngineOptions(base);
    assert.equal(a.reconnect, ENGINE_DEFAULTS.reconnect);
    assert.equal(b.reconnect, ENGINE_DEFAULTS.reconnect);
    const given = { initialDelayMs: 5 };
    const c = resolveEngineOptions({ ...base, reconnect: given });
    assert.notEqual(c.reconnect, given);
    assert.ok(Object.isFrozen(c.reconnect));
    assert.equal(c.reconnect.initialDelayMs, 5);
    assert.equal(c.reconnect.maxDelayMs, ENGINE_DEFAULTS.reconnect.maxDelayMs);
  });

  it('InvalidOptionsError lists every problem at once, each naming the option and what is expected', () => {
    assert.throws(
      () =>
        new WebSocketEngine({
          url: 42 as never,
          adapter: {} as never,
          client: 'callbacks' as never,
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
    assert.equal(resolved.keepaliveIntervalMs, 15_000);
    assert.ok(Object.isFrozen(resolved));
  });
});

/** The issues of the InvalidOptionsError that `fn` throws. */
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InvalidOptionsError, String(e));
    assert.equal(e.code, ErrorCode.InvalidOptions);
    return e.issues;
  }
  return assert.fail('no InvalidOptionsError');
}

describe('engine options: unknown keys', () => {
  it('a misspelt option is an issue naming the closest known key, reported with every other problem', () => {
    const issues = issuesOf(
      () =>
        new WebSocketEngine({
          ...base,
          reconect: { maxRetries: 3 },
          keepAlive: { intervalMs: 1000, timeoutMs: 1000 },
          readres: 2,
          readers: 0,
        } as never),
    );
    assert.deepEqual(issues, [
      'unknown option `reconect`: did you mean `reconnect`?',
      'unknown option `keepAlive`: did you mean `keepalive`?',
      'unknown option `readres`: did you mean `readers`?',
      'readers: expected an integer >= 1, got 0',
    ]);
  });

  it('an unknown key with no close match lists the known keys', () => {
    const [issue] = issuesOf(() => new WebSocketEngine({ ...base, transport: 'tcp' } as never));
    assert.match(issue, /^unknown option `transport`: the known ones are url, adapter, client, readers, /);
    for (const key of ['autoReconnect', 'startRetries', 'outbox', 'requests', 'telemetry', 'clock']) {
      assert.ok(issue.includes(key), key);
    }
  });

  it('nested options are checked too: reconnect, keepalive, keepalive.heartbeat, outbox, requests', () => {
    const issues = issuesOf(
      () =>
        new WebSocketEngine({
          ...base,
          reconnect: { maxRetry: 3 },
          keepalive: { interval: 1000, intervalMs: 1000, timeoutMs: 1000 },
          outbox: { maxMessage: 10 },
          requests: { idOf: () => undefined, timeout: 5 },
        } as never),
    );
    assert.deepEqual(issues, [
      'unknown option `reconnect.maxRetry`: did you mean `reconnect.maxRetries`?',
      'unknown option `keepalive.interval`: did you mean `keepalive.intervalMs`?',
      'unknown option `outbox.maxMessage`: did you mean `outbox.maxMessages`?',
      'unknown option `requests.timeout`: did you mean `requests.timeoutMs`?',
    ]);
  });

  it('every documented option is known', () => {
    assert.doesNotThrow(() =>
      resolveEngineOptions({
        ...base,
        readers: 1,
        autoReconnect: false,
        startRetries: 1,
        openTimeoutMs: 1,
        stopTimeoutMs: 1,
        reconnect: {
          initialDelayMs: 1,
          maxDelayMs: 2,
          multiplier: 2,
          jitter: 0,
          maxRetries: 1,
          minUptimeMs: 0,
          shouldReconnect: () => true,
        },
        keepalive: { intervalMs: 1, timeoutMs: 1 },
        outbox: { maxMessages: 1, maxBytes: 1, ttlMs: 1 },
        requests: { idOf: () => undefined, timeoutMs: 1 },
        telemetry: undefined,
        clock: undefined,
      }),
    );
  });

  it('a misspelt client callback is an issue with a suggestion; other members of the client are its own business', () => {
    const issues = issuesOf(
      () =>
        new WebSocketEngine({
          ...base,
          client: { onMessage() {}, onMesage() {}, onclose() {}, once() {}, count: 0, onReady: true },
        } as never),
    );
    assert.deepEqual(issues, [
      'unknown callback `client.onMesage`: did you mean `client.onMessage`?',
      'unknown callback `client.onclose`: did you mean `client.onClose`?',
    ]);
  });

  it('a client that is a class instance is checked through its prototype', () => {
    class Client {
      received = 0;
      onMessage() {
        this.received++;
      }
      onOpened() {}
      helper() {}
    }
    assert.deepEqual(
      issuesOf(() => new WebSocketEngine({ ...base, client: new Client() })),
      ['unknown callback `client.onOpened`: did you mean `client.onOpen`?'],
    );
    const issues = issuesOf(() => new WebSocketEngine({ ...base, client: { onmessage() {} } as never }));
    assert.deepEqual(issues, ['unknown callback `client.onmessage`: did you mean `client.onMessage`?']);
  });

  it('a callback that is not a function is an issue, onExit included', () => {
    const issues = issuesOf(
      () => new WebSocketEngine({ ...base, client: { onMessage() {}, onExit: 'x', onClose: 1 } as never }),
    );
    assert.deepEqual(issues.sort(), [
      'client.onClose: expected a function, got 1',
      'client.onExit: expected a function, got a string',
    ]);
  });
});

describe('engine options: keepalive.heartbeat', () => {
  it('accepts { message, isReply } with a string, bytes or a function as message', () => {
    for (const message of ['ping', new Uint8Array([1]), () => 'ping']) {
      const heartbeat = { message, isReply: () => false };
      const resolved = resolveEngineOptions({
        ...base,
        keepalive: { intervalMs: 1, timeoutMs: 1, heartbeat },
      } as never);
      const kept = resolved.heartbeat;
      assert.deepEqual(kept, heartbeat);
      assert.ok(Object.isFrozen(kept));
    }
  });

  it('rejects a heartbeat without a usable message or isReply, or with unknown keys', () => {
    const issues = issuesOf(
      () =>
        new WebSocketEngine({
          ...base,
          keepalive: { intervalMs: 1, timeoutMs: 1, heartbeat: { message: 42, isreply: () => true } },
        } as never),
    );
    assert.deepEqual(issues, [
      'unknown option `keepalive.heartbeat.isreply`: did you mean `keepalive.heartbeat.isReply`?',
      'keepalive.heartbeat.message: expected a string, a Uint8Array or a function returning one, got 42',
      'keepalive.heartbeat.isReply: expected a function (message) => boolean that recognises the reply, got undefined',
    ]);
    assert.match(
      issuesOf(
        () =>
          new WebSocketEngine({
            ...base,
            keepalive: { intervalMs: 1, timeoutMs: 1, heartbeat: 'ping' },
          } as never),
      )[0],
      /^keepalive\.heartbeat: expected an object \{ message, isReply \}, got a string$/,
    );
  });
});

describe('engine options: a static url is checked in the constructor', () => {
  for (const [what, url, expected] of [
    [
      'not a URL',
      'not a url',
      /^url: invalid URL "not a url": not a URL; expected an absolute URL such as wss:/,
    ],
    [
      'another scheme',
      'ftp://x',
      /^url: unsupported URL scheme "ftp:" .*: use ws:\/\/ \(plain\) or wss:\/\/ \(TLS\)$/,
    ],
    ['http:', 'http://x', /^url: unsupported URL scheme "http:" .*: use ws:\/\/$/],
    [
      'an https: URL object',
      new URL('https://x/'),
      /^url: unsupported URL scheme "https:" .*: use wss:\/\/$/,
    ],
    [
      'no host',
      'localhost:8080',
      /^url: invalid URL: it has no host \(is the ws:\/\/ or wss:\/\/ scheme missing\?\)/,
    ],
  ] as const) {
    it(`${what} is an issue that says what to write instead`, () => {
      const issues = issuesOf(() => new WebSocketEngine({ ...base, url }));
      assert.equal(issues.length, 1);
      assert.match(issues[0], expected);
    });
  }

  it('the url issue never quotes credentials or query values', () => {
    for (const url of [
      'ftp://alice:hunter2@x/?token=S3CRET',
      'wss://alice:hunter2@[bad/?token=S3CRET',
      'alice:hunter2@x/?token=S3CRET',
    ]) {
      const [issue] = issuesOf(() => new WebSocketEngine({ ...base, url }));
      assert.doesNotMatch(issue, /alice|hunter2|S3CRET/, issue);
    }
  });

  it('a url function is not called in the constructor: it is checked at each connect', () => {
    let calls = 0;
    assert.doesNotThrow(
      () =>
        new WebSocketEngine({
          ...base,
          url: () => {
            calls++;
            return 'ftp://x';
          },
        }),
    );
    assert.equal(calls, 0);
  });
});
