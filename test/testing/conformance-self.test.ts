// The suite must be able to fail: broken adapters are run through it with a fake test
// runner that collects results, and the clauses they break must fail (and only those run).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadWatcher, WebSocketConnectionAdapter } from '../../src/core/adapter.js';
import {
  ConnectionClosedError,
  InvalidOptionsError,
  UnsupportedOperationError,
  WebSocketCloseError,
} from '../../src/core/errors.js';
import type { CallOptions, Message, MessageType } from '../../src/core/message.js';
import {
  type AdapterConformanceOptions,
  CONFORMANCE_CLAUSES,
  describeAdapterConformance,
} from '../../src/testing/conformance/index.js';
import { InMemoryServer } from '../../src/testing/in-memory.js';

/** Passes every call to `inner`; subclasses break one behaviour. */
class Delegating implements WebSocketConnectionAdapter {
  constructor(protected readonly inner: WebSocketConnectionAdapter) {}
  dial(target: URL, options?: CallOptions) {
    return this.inner.dial(target, options);
  }
  close(code: number, reason?: string, options?: CallOptions) {
    return this.inner.close(code, reason, options);
  }
  ping(options?: CallOptions) {
    return this.inner.ping(options);
  }
  read(options?: CallOptions) {
    return this.inner.read(options);
  }
  write(type: MessageType, data: string | Uint8Array, options?: CallOptions) {
    return this.inner.write(type, data, options);
  }
  getUnderlyingConnection() {
    return this.inner.getUnderlyingConnection();
  }
}

/** Reports every close as 1006 and always sends 1000: the bug FIELD-NOTES warns about. */
class SwallowsCloseCodes extends Delegating {
  override async read(options?: CallOptions): Promise<Message> {
    try {
      return await this.inner.read(options);
    } catch (error) {
      if (error instanceof WebSocketCloseError) throw new WebSocketCloseError(1006, '');
      throw error;
    }
  }
  override close(_code: number, reason?: string, options?: CallOptions) {
    return this.inner.close(1000, reason, options);
  }
}

/** Hands out messages in pairs, second one first. */
class ReordersReads extends Delegating {
  private held: Message | undefined;
  override async read(options?: CallOptions): Promise<Message> {
    if (this.held) {
      const message = this.held;
      this.held = undefined;
      return message;
    }
    const first = await this.inner.read(options);
    this.held = first;
    return this.inner.read(options);
  }
}

/** Ignores the signal of `read`. */
class IgnoresReadAbort extends Delegating {
  override read(): Promise<Message> {
    return this.inner.read();
  }
}

/** Cannot ping, and says so. */
class NoPing extends Delegating {
  override async ping(): Promise<void> {
    throw new UnsupportedOperationError('no ping here');
  }
}

/** Delegating, with both optional fast paths passed through. */
class FastDelegating extends Delegating {
  readQueued(): Message | undefined {
    return this.inner.readQueued?.();
  }
  watchReads(watcher: ReadWatcher | undefined): void {
    this.inner.watchReads?.(watcher);
  }
}

/** Has readQueued but no watchReads (like an adapter written before watchReads existed). */
class OnlyReadQueued extends Delegating {
  readQueued(): Message | undefined {
    return this.inner.readQueued?.();
  }
}

/** Has watchReads but not the readQueued it comes with. */
class WatchWithoutReadQueued extends Delegating {
  watchReads(watcher: ReadWatcher | undefined): void {
    this.inner.watchReads?.(watcher);
  }
}

/** Keeps the watcher across dials: the watcher of the old connection hears the new one. */
class StickyWatch extends FastDelegating {
  private watcher: ReadWatcher | undefined;
  override async dial(target: URL, options?: CallOptions) {
    const response = await super.dial(target, options);
    if (this.watcher) super.watchReads(this.watcher);
    return response;
  }
  override watchReads(watcher: ReadWatcher | undefined): void {
    this.watcher = watcher;
    super.watchReads(watcher);
  }
}

/** Tells the watcher twice for every queued message. */
class QueuedTwice extends FastDelegating {
  override watchReads(watcher: ReadWatcher | undefined): void {
    super.watchReads(
      watcher && {
        queued: () => {
          watcher.queued();
          watcher.queued();
        },
        ended: () => watcher.ended(),
      },
    );
  }
}

/** Ignores what offer() returns: a declined message is lost instead of queued. */
class IgnoresDeclinedOffer extends FastDelegating {
  override watchReads(watcher: ReadWatcher | undefined): void {
    super.watchReads(
      watcher && {
        offer: (message: Message) => {
          watcher.offer?.(message);
          return true;
        },
        queued: () => watcher.queued(),
        ended: () => watcher.ended(),
      },
    );
  }
}

/** readQueued throws without a connection instead of returning undefined. */
class ReadQueuedThrows extends FastDelegating {
  override readQueued(): Message | undefined {
    if (!this.inner.getUnderlyingConnection()) throw new ConnectionClosedError();
    return super.readQueued();
  }
}

const FAST_PATH_CLAUSES = CONFORMANCE_CLAUSES.filter((c) => c.requires).map((c) => c.id);

interface Result {
  name: string;
  error?: unknown;
  /** The reason the test marked itself skipped with, if it did. */
  skipped?: string;
}

/** Runs the suite with a fake runner; returns one result per registered test. */
async function runSuite(
  wrap: (adapter: WebSocketConnectionAdapter) => WebSocketConnectionAdapter,
  options: Partial<AdapterConformanceOptions> & { inboundQueue?: { maxMessages: number; maxBytes: number } },
): Promise<Map<string, Result>> {
  const tests: { name: string; fn: (this: unknown, ...args: unknown[]) => Promise<void> }[] = [];
  describeAdapterConformance({
    name: 'broken',
    createAdapter: (peer, hints) =>
      wrap(
        (peer as InMemoryServer).createClient({
          closeTimeoutMs: hints.closeTimeoutMs,
          inboundQueue: options.inboundQueue ?? { ...hints.inboundQueue },
        }),
      ),
    createPeer: async () => new InMemoryServer(),
    timeoutMs: 10_000,
    ...options,
    test: { describe: (_name, fn) => fn(), it: (name, fn) => tests.push({ name, fn }) },
  });
  const results = new Map<string, Result>();
  for (const test of tests) {
    const id = test.name.split(' ')[0];
    let skipped: string | undefined;
    // Like node:test's TestContext: the suite marks a not-applicable clause skipped with it.
    const context = {
      skip: (reason: string) => {
        skipped = reason;
      },
    };
    results.set(
      id,
      await test.fn.call(undefined, context).then(
        () => ({ name: test.name, ...(skipped === undefined ? {} : { skipped }) }),
        (error: unknown) => ({ name: test.name, error }),
      ),
    );
  }
  return results;
}

function skipped(results: Map<string, Result>): string[] {
  return [...results]
    .filter(([, r]) => r.skipped !== undefined)
    .map(([id]) => id)
    .sort();
}

function failed(results: Map<string, Result>): string[] {
  return [...results]
    .filter(([, r]) => r.error !== undefined)
    .map(([id]) => id)
    .sort();
}

describe('conformance suite self-test', () => {
  it('fails the close-code clauses for an adapter that turns close codes into 1006', async () => {
    const clauses = [
      'read.close-frame-code',
      'read.close-frame-application-code',
      'read.close-frame-no-code',
      'close.code-passthrough-registered',
      'close.code-passthrough-application',
      'read.text-and-binary',
    ];
    const results = await runSuite((a) => new SwallowsCloseCodes(a), { clauses });
    assert.deepEqual(failed(results), clauses.slice(0, 5).sort());
  });

  it('fails the ordering clauses for an adapter that reorders reads', async () => {
    const clauses = [
      'read.queues-early-messages',
      'read.concurrent-reads',
      'concurrency.mixed-operations',
      'write.concurrent-order',
    ];
    const results = await runSuite((a) => new ReordersReads(a), { clauses, timeoutMs: 3000 });
    assert.deepEqual(failed(results), clauses.slice(0, 3).sort());
  });

  it('fails read.backpressure for an adapter that buffers without bound', async () => {
    const huge = { maxMessages: 1e9, maxBytes: 1e12 };
    const results = await runSuite((a) => a, { clauses: ['read.backpressure'], inboundQueue: huge });
    const error = results.get('read.backpressure')?.error;
    assert.ok(error instanceof Error);
    assert.match(error.message, /unbounded/);
  });

  it('fails read.abort-loses-nothing for an adapter that ignores the read signal', async () => {
    const results = await runSuite((a) => new IgnoresReadAbort(a), {
      clauses: ['read.abort-loses-nothing'],
      timeoutMs: 3000,
    });
    assert.deepEqual(failed(results), ['read.abort-loses-nothing']);
  });

  it('passes a declared exception only when the clause fails in the declared way', async () => {
    const reason = 'no ping in this runtime';
    const results = await runSuite((a) => new NoPing(a), {
      clauses: ['ping.resolves-on-pong', 'ping.waits-for-pong', 'read.text-and-binary', 'write.abort'],
      exceptions: {
        'ping.resolves-on-pong': { reason, raises: UnsupportedOperationError },
        // Declared with the wrong class: the adapter refuses with UnsupportedOperationError.
        'ping.waits-for-pong': { reason, raises: InvalidOptionsError },
        // A stale exception: the adapter passes this clause.
        'read.text-and-binary': 'stale',
        'write.abort': { reason: 'custom check', expect: async () => {} },
      },
    });
    assert.equal(
      results.get('ping.resolves-on-pong')?.name,
      `ping.resolves-on-pong [MUST] [declared exception: ${reason}]`,
    );
    assert.deepEqual(failed(results), ['ping.waits-for-pong', 'read.text-and-binary', 'write.abort']);
    assert.match(String(results.get('read.text-and-binary')?.error), /remove the exception/);
  });

  it('runs the declared expectation, which must pass, after the clause failed', async () => {
    const results = await runSuite((a) => new NoPing(a), {
      clauses: ['ping.resolves-on-pong', 'ping.no-connection'],
      exceptions: {
        'ping.resolves-on-pong': {
          reason: 'expectation holds',
          expect: async (ctx) => {
            const { adapter } = await ctx.connect();
            await assert.rejects(adapter.ping(), UnsupportedOperationError);
          },
        },
        'ping.no-connection': {
          reason: 'expectation fails',
          expect: async () => assert.fail('not what the adapter does'),
        },
      },
    });
    assert.deepEqual(failed(results), ['ping.no-connection']);
  });

  it('marks the fast-path clauses skipped (not applicable) for an adapter without readQueued and watchReads', async () => {
    const results = await runSuite((a) => new Delegating(a), { clauses: FAST_PATH_CLAUSES });
    assert.equal(FAST_PATH_CLAUSES.length, 8);
    assert.deepEqual(failed(results), []);
    assert.deepEqual(skipped(results), [...FAST_PATH_CLAUSES].sort());
    assert.equal(
      results.get('watch.ended-once')?.name,
      'watch.ended-once [MUST] [optional: watchReads]',
      'the test name says the clause is optional',
    );
    assert.equal(
      results.get('read.queued-order')?.skipped,
      'not applicable: the adapter has no readQueued (optional)',
    );
  });

  it('checks readQueued but skips the watch clauses for an adapter with readQueued only', async () => {
    const results = await runSuite((a) => new OnlyReadQueued(a), {
      clauses: FAST_PATH_CLAUSES,
      settleMs: 50,
    });
    assert.deepEqual(failed(results), []);
    assert.deepEqual(skipped(results), FAST_PATH_CLAUSES.filter((id) => id.startsWith('watch.')).sort());
  });

  it('passes the fast-path clauses for an adapter that passes both methods through', async () => {
    const results = await runSuite((a) => new FastDelegating(a), {
      clauses: FAST_PATH_CLAUSES,
      settleMs: 50,
    });
    assert.deepEqual(failed(results), []);
    assert.deepEqual(skipped(results), []);
  });

  it('fails the watch clauses for an adapter with watchReads but no readQueued', async () => {
    const results = await runSuite((a) => new WatchWithoutReadQueued(a), {
      clauses: FAST_PATH_CLAUSES,
      settleMs: 50,
    });
    const watch = FAST_PATH_CLAUSES.filter((id) => id.startsWith('watch.')).sort();
    assert.deepEqual(failed(results), watch);
    assert.match(String(results.get('watch.ended-once')?.error), /no readQueued/);
    assert.deepEqual(skipped(results), FAST_PATH_CLAUSES.filter((id) => id.startsWith('read.')).sort());
  });

  it('fails watch.dial-resets for a watchReads that keeps its watcher across dials', async () => {
    const results = await runSuite((a) => new StickyWatch(a), {
      clauses: FAST_PATH_CLAUSES,
      settleMs: 50,
      timeoutMs: 3000,
    });
    assert.deepEqual(failed(results), ['watch.dial-resets']);
    assert.match(
      String(results.get('watch.dial-resets')?.error),
      /new connection made to the watcher of the old/,
    );
  });

  it('fails the per-message clauses for a watchReads that calls queued() twice per message', async () => {
    const results = await runSuite((a) => new QueuedTwice(a), {
      clauses: FAST_PATH_CLAUSES,
      settleMs: 50,
      timeoutMs: 3000,
    });
    assert.deepEqual(failed(results), [
      'watch.dial-resets',
      'watch.drain-after-end',
      'watch.offer',
      'watch.queued-per-message',
    ]);
  });

  it('fails watch.offer for a watchReads that loses the messages its watcher declines', async () => {
    const results = await runSuite((a) => new IgnoresDeclinedOffer(a), {
      clauses: ['watch.offer'],
      settleMs: 50,
      timeoutMs: 1000,
    });
    assert.deepEqual(failed(results), ['watch.offer']);
  });

  it('fails read.queued-empty for a readQueued that throws without a connection', async () => {
    const results = await runSuite((a) => new ReadQueuedThrows(a), {
      clauses: ['read.queued-order', 'read.queued-empty'],
    });
    assert.deepEqual(failed(results), ['read.queued-empty']);
    assert.match(String(results.get('read.queued-empty')?.error), /readQueued threw ConnectionClosedError/);
  });

  it('without a run-time skip in the runner, a not-applicable clause passes with a warning', async (t) => {
    const warn = t.mock.method(console, 'warn', () => undefined);
    const tests: { name: string; fn: (this: unknown, ...args: unknown[]) => Promise<void> }[] = [];
    describeAdapterConformance({
      name: 'jest-like',
      createAdapter: (peer) => new Delegating((peer as InMemoryServer).createClient()),
      createPeer: async () => new InMemoryServer(),
      clauses: ['watch.ended-once'],
      test: { describe: (_name, fn) => fn(), it: (name, fn) => tests.push({ name, fn }) },
    });
    assert.equal(tests.length, 1);
    await tests[0].fn.call(undefined);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(
      String(warn.mock.calls[0].arguments[0]),
      /watch\.ended-once .*not applicable.*shows as passed/,
    );
    // mocha style: this.skip()
    let skippedWith: unknown = 'not called';
    await tests[0].fn.call({ skip: (reason?: string) => (skippedWith = reason) });
    assert.match(String(skippedWith), /not applicable/);
    assert.equal(warn.mock.callCount(), 1);
  });

  it('rejects unknown clause ids so a typo cannot hide a failure', () => {
    const base = {
      name: 'x',
      createAdapter: () => new Delegating({} as WebSocketConnectionAdapter),
      createPeer: async () => new InMemoryServer(),
      test: { describe: () => undefined, it: () => undefined },
    };
    assert.throws(
      () => describeAdapterConformance({ ...base, exceptions: { 'ping.resolve-on-pong': 'typo' } }),
      (error: unknown) => error instanceof InvalidOptionsError && /ping\.resolve-on-pong/.test(error.message),
    );
    assert.throws(() => describeAdapterConformance({ ...base, clauses: ['nope'] }), InvalidOptionsError);
  });

  it('lists every clause once, with a source, a level and a text', () => {
    const ids = CONFORMANCE_CLAUSES.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const clause of CONFORMANCE_CLAUSES) {
      assert.match(clause.id, /^[a-z]+\.[a-z0-9-]+$/);
      assert.ok(['seed', 'API.md'].includes(clause.source));
      assert.ok(['MUST', 'SHOULD'].includes(clause.level));
      assert.ok(clause.text.length > 20);
      if (clause.requires) {
        for (const method of clause.requires) {
          assert.match(clause.text, new RegExp(`^${method} \\(optional`), `${clause.id} says it is optional`);
        }
      }
    }
  });
});
