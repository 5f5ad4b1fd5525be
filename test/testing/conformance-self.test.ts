// The suite must be able to fail: broken adapters are run through it with a fake test
// runner that collects results, and the clauses they break must fail (and only those run).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebSocketConnectionAdapter } from '../../src/core/adapter.js';
import {
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

interface Result {
  name: string;
  error?: unknown;
}

/** Runs the suite with a fake runner; returns one result per registered test. */
async function runSuite(
  wrap: (adapter: WebSocketConnectionAdapter) => WebSocketConnectionAdapter,
  options: Partial<AdapterConformanceOptions> & { inboundQueue?: { maxMessages: number; maxBytes: number } },
): Promise<Map<string, Result>> {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
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
    results.set(
      id,
      await test.fn().then(
        () => ({ name: test.name }),
        (error: unknown) => ({ name: test.name, error }),
      ),
    );
  }
  return results;
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
      assert.ok(['original', 'added'].includes(clause.source));
      assert.ok(['MUST', 'SHOULD'].includes(clause.level));
      assert.ok(clause.text.length > 20);
    }
  });

  it('checks only the six methods of the contract: no clause is optional or about another method', () => {
    const sections = ['Dial', 'Close', 'Ping', 'Read', 'Write', 'Concurrency', 'Lifecycle'];
    for (const clause of CONFORMANCE_CLAUSES) {
      assert.deepEqual(Object.keys(clause).sort(), ['id', 'level', 'section', 'source', 'text']);
      assert.ok(sections.includes(clause.section), `${clause.id}: section ${clause.section}`);
      assert.doesNotMatch(clause.text, /readQueued|watchReads|optional/, clause.id);
    }
  });

  it('registers one test per clause, named by id and level, that takes no argument', () => {
    const tests: { name: string; fn: () => Promise<void> }[] = [];
    describeAdapterConformance({
      name: 'names',
      createAdapter: (peer) => (peer as InMemoryServer).createClient(),
      createPeer: async () => new InMemoryServer(),
      test: { describe: (_name, fn) => fn(), it: (name, fn) => tests.push({ name, fn }) },
    });
    assert.deepEqual(
      tests.map((t) => t.name),
      CONFORMANCE_CLAUSES.map((c) => `${c.id} [${c.level}]`),
    );
    for (const test of tests) assert.equal(test.fn.length, 0);
  });
});
