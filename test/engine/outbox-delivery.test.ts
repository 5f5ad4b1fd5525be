// ENGINE.md "Send": with an outbox, what is dropped is rejected with its payload (however
// the run ends), a flush that fails on one message goes on with the others, a message is
// never written twice across a drop, and an expired message is never written.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocketEngine, type WebSocketEngineOptions } from '../../src/engine/index.js';
import type { OnRestartErrorArgs } from '../../src/engine/types.js';
import {
  type CallOptions,
  ConnectionClosedError,
  DialError,
  ErrorCode,
  type HandshakeResponse,
  type MessageType,
  SendError,
} from '../../src/index.js';
import { InMemoryAdapter, InMemoryServer } from '../../src/testing/in-memory.js';
import { deferred, setup, until } from './helpers.js';

const policy = { initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0 };

/** `send`, marked handled at once: it may reject before the test asserts on it. */
function handled<T>(send: Promise<T>): Promise<T> {
  send.catch(() => undefined);
  return send;
}

async function assertAborted(sends: Promise<unknown>[], payloads: string[]): Promise<void> {
  for (const [i, send] of sends.entries()) {
    await assert.rejects(send, (e: unknown) => {
      assert.ok(e instanceof SendError, `send ${payloads[i]}: ${String(e)}`);
      assert.equal(e.code, ErrorCode.SendAborted);
      assert.equal(e.data, payloads[i]);
      return true;
    });
  }
}

/** The mock's session ends and its reconnect dial waits for `release` (no session is ready meanwhile). */
async function dropAndHoldRedial(s: ReturnType<typeof setup>) {
  const redial = deferred();
  const dial = s.adapter.dial.default;
  s.adapter.dial.implementationOnce(async (...args) => {
    await redial.promise;
    return dial(...args);
  });
  s.adapter.pushClose(1006);
  await s.adapter.dial.waitForCall(2);
  return () => redial.resolve();
}

const written = (s: ReturnType<typeof setup>) => s.adapter.writtenMessages().map((m) => m.data);

describe('ENGINE.md Send: queued sends when the run ends other than by stop()', { timeout: 10_000 }, () => {
  it("'exit' (exit() from onRestartError): every queued send rejects with ERR_SEND_ABORTED and its payload", async () => {
    const s = setup({ outbox: {}, reconnect: policy });
    s.client.onRestartError.implementation(({ exit, retryCount }: OnRestartErrorArgs) => {
      if (retryCount === 2) exit();
    });
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(1); // now in the backoff wait
    const sends = ['a', 'b', 'c'].map((d) => handled(s.engine.send(d)));
    await s.clock.advance(1_000);
    assert.deepEqual(await s.engine.closed, { reason: 'exit' });
    await assertAborted(sends, ['a', 'b', 'c']);
    assert.deepEqual(written(s), []);
  });

  it("'retries' (maxRetries reached): every queued send rejects with ERR_SEND_ABORTED and its payload", async () => {
    const s = setup({ outbox: {}, reconnect: { ...policy, maxRetries: 2 } });
    await s.engine.start();
    s.adapter.dial.rejects(new DialError('refused'));
    s.adapter.pushClose(1006);
    await s.client.onRestartError.waitForCall(1);
    const sends = ['a', 'b'].map((d) => handled(s.engine.send(d)));
    await s.clock.advance(1_000);
    assert.equal((await s.engine.closed).reason, 'retries');
    await assertAborted(sends, ['a', 'b']);
    assert.deepEqual(written(s), []);
  });

  it("'closed' (a close with autoReconnect off): sends queued while the session ends reject with ERR_SEND_ABORTED", async () => {
    const s = setup({ outbox: {}, autoReconnect: false });
    const closing = deferred();
    s.client.onClose.implementation(() => closing.promise);
    await s.engine.start();
    s.adapter.pushClose(4000, 'bye');
    await s.client.onClose.waitForCall(1); // the session is ending: sends queue
    const sends = ['a', 'b'].map((d) => handled(s.engine.send(d)));
    closing.resolve();
    assert.equal((await s.engine.closed).reason, 'closed');
    await assertAborted(sends, ['a', 'b']);
    assert.deepEqual(written(s), []);
  });
});

describe('ENGINE.md Send: flushing the outbox on the next session', { timeout: 10_000 }, () => {
  it("a queued send whose write fails rejects with the write's error; the others still go out, in order", async () => {
    const s = setup({ outbox: {} });
    await s.engine.start();
    const release = await dropAndHoldRedial(s);
    const refused = new Error('the proxy refused the frame');
    s.adapter.write.resolvesOnce(undefined).rejectsOnce(refused);
    const [a, b, c] = ['a', 'b', 'c'].map((d) => handled(s.engine.send(d)));
    release();
    await a;
    await assert.rejects(b, (e: unknown) => e === refused);
    await c;
    assert.deepEqual(written(s), ['a', 'b', 'c'], 'b tried once, not again; c after it');
    await s.engine.stop();
  });

  it("a flush write refused because stop() closed the connection rejects with the adapter's error; the rest are aborted", async () => {
    const s = setup({ outbox: {} });
    await s.engine.start();
    const release = await dropAndHoldRedial(s);
    const write = deferred();
    s.adapter.write.implementationOnce(() => write.promise);
    const [a, b] = ['a', 'b'].map((d) => handled(s.engine.send(d)));
    release();
    await s.adapter.write.waitForCall(1);
    const stopping = s.engine.stop();
    const refused = new ConnectionClosedError('closed during the write');
    write.reject(refused);
    await stopping;
    await assert.rejects(a, (e: unknown) => e === refused, 'docs/sending.md: the adapter error');
    await assertAborted([b], ['b']);
    assert.deepEqual(written(s), ['a']);
  });

  it('a message older than ttlMs rejects with ERR_SEND_EXPIRED and is never written on the next session', async () => {
    const s = setup({ outbox: { ttlMs: 5_000 } });
    await s.engine.start();
    const release = await dropAndHoldRedial(s);
    const stale = handled(s.engine.send('stale'));
    await s.clock.advance(5_000);
    await assert.rejects(stale, (e: unknown) => {
      assert.ok(e instanceof SendError);
      assert.equal(e.code, ErrorCode.SendExpired);
      assert.equal(e.data, 'stale');
      return true;
    });
    const fresh = s.engine.send('fresh');
    release();
    await fresh;
    assert.deepEqual(written(s), ['fresh']);
    await s.engine.stop();
  });
});

/**
 * An in-memory adapter whose next dial, or the write of one payload, waits until the test
 * lets it go: the write either before it reaches the connection or after it went out.
 */
class HeldAdapter extends InMemoryAdapter {
  /** Every payload that reached `write`, in call order (a refused attempt included). */
  readonly writes: string[] = [];
  #dial: Promise<void> | undefined;
  #write: { data: string; where: 'before' | 'after'; reached(): void; gate: Promise<void> } | undefined;

  holdNextDial(): () => void {
    const gate = deferred();
    this.#dial = gate.promise;
    return () => gate.resolve();
  }

  holdWrite(data: string, where: 'before' | 'after'): { reached: Promise<void>; release(): void } {
    const reached = deferred();
    const gate = deferred();
    this.#write = { data, where, reached: () => reached.resolve(), gate: gate.promise };
    return { reached: reached.promise, release: () => gate.resolve() };
  }

  override async dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    const held = this.#dial;
    this.#dial = undefined;
    await held;
    return super.dial(target, options);
  }

  override async write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    const held = this.#write?.data === data ? this.#write : undefined;
    if (held) this.#write = undefined;
    held?.reached();
    if (held?.where === 'before') await held.gate;
    this.writes.push(data as string);
    await super.write(type, data, options);
    if (held?.where === 'after') await held.gate;
  }
}

describe('ENGINE.md Send: nothing is sent twice across a drop (in-memory pair)', { timeout: 10_000 }, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  function engineOver(options: Partial<WebSocketEngineOptions> = {}) {
    const server = new InMemoryServer();
    const adapter = new HeldAdapter(server);
    const engine = new WebSocketEngine({
      url: server.url,
      adapter,
      client: { onMessage() {} },
      outbox: {},
      reconnect: { minUptimeMs: 0, initialDelayMs: 1, maxDelayMs: 1 },
      ...options,
    });
    cleanup.push(
      () => engine.stop(),
      () => server.close(),
    );
    return { engine, server, adapter };
  }

  /** Starts, drops the first connection and queues `payloads` while the reconnect dial is held. */
  async function queuedAfterDrop(payloads: string[]) {
    const { engine, server, adapter } = engineOver();
    await engine.start();
    const releaseDial = adapter.holdNextDial();
    (await server.accept()).drop();
    await until(() => engine.sessionId === undefined, 'the drop');
    const sends = payloads.map((d) => engine.send(d));
    return { engine, server, adapter, sends, releaseDial };
  }

  const next = async (peer: { nextMessage(): Promise<{ data: unknown }> }) => (await peer.nextMessage()).data;

  it('a write already on the wire when the connection drops resolves and is not written again; the rest go on the next session', async () => {
    const payloads = ['a', 'b', 'c', 'd', 'end'];
    const { engine, server, adapter, sends, releaseDial } = await queuedAfterDrop(payloads);
    const b = adapter.holdWrite('b', 'after');
    releaseDial();
    const second = await server.accept();
    await b.reached;
    assert.deepEqual([await next(second), await next(second)], ['a', 'b']);
    const secondId = engine.sessionId;
    second.drop();
    // The next session flushes c, d, end while b's write is still pending.
    const third = await server.accept();
    assert.deepEqual([await next(third), await next(third), await next(third)], ['c', 'd', 'end']);
    assert.notEqual(engine.sessionId, secondId);
    b.release();
    await Promise.all(sends);
    await engine.send('sentinel');
    assert.equal(await next(third), 'sentinel', 'nothing between the queued messages and a later send');
    assert.deepEqual(adapter.writes, [...payloads, 'sentinel'], 'each written once');
  });

  it('a write the dropped connection refused (ConnectionClosedError) is written once, first, on the next session', async () => {
    const payloads = ['a', 'b', 'c', 'end'];
    const { engine, server, adapter, sends, releaseDial } = await queuedAfterDrop(payloads);
    const b = adapter.holdWrite('b', 'before');
    releaseDial();
    const second = await server.accept();
    await b.reached;
    assert.equal(await next(second), 'a');
    const nextDial = adapter.holdNextDial();
    second.drop();
    await until(() => engine.sessionId === undefined, 'the second drop');
    b.release(); // the write reaches a closed connection and is refused
    await until(() => adapter.writes.length === 2, "b's refused attempt");
    nextDial();
    const third = await server.accept();
    assert.deepEqual([await next(third), await next(third), await next(third)], ['b', 'c', 'end']);
    await Promise.all(sends);
    await engine.send('sentinel');
    assert.equal(await next(third), 'sentinel', 'nothing between the queued messages and a later send');
    assert.deepEqual(
      adapter.writes,
      ['a', 'b', 'b', 'c', 'end', 'sentinel'],
      'b retried only after the refusal',
    );
  });
});
