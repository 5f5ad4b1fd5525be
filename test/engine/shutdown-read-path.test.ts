// ENGINE.md Shutdown and Stop over the read()-only path (an adapter that does not expose its
// inbound queue: any third-party adapter, and every adapter once telemetry is on): no new
// read starts after the trigger, no message is delivered after onClose of its session; and
// after stop() the engine holds no listener, on the global object or on the caller's signals.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { WebSocketConnectionAdapter } from '../../src/core/adapter.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { type Message, MessageType } from '../../src/index.js';
import { createInMemoryPair, type InMemoryServer } from '../../src/testing/in-memory.js';
import { deferred, setup, text, until } from './helpers.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The six contract methods of `inner` and nothing else, so the engine cannot see its
 * inbound queue and reads through `read()`; `reads` counts the reads started.
 */
function readPathOnly(inner: WebSocketConnectionAdapter) {
  const counter = { reads: 0 };
  const adapter: WebSocketConnectionAdapter = {
    dial: (target, options) => inner.dial(target, options),
    close: (code, reason, options) => inner.close(code, reason, options),
    ping: (options) => inner.ping(options),
    read: (options) => {
      counter.reads++;
      return inner.read(options);
    },
    write: (type, data, options) => inner.write(type, data, options),
    getUnderlyingConnection: () => inner.getUnderlyingConnection(),
  };
  return { adapter, counter };
}

/** A mock-adapter engine with `readers: 4` whose onMessage waits on `gate`; `events` in order. */
function gatedSetup() {
  const s = setup({ readers: 4, autoReconnect: false });
  const events: string[] = [];
  const gate = deferred();
  s.client.onMessage.implementation(async ({ message }) => {
    events.push(`start ${message.data}`);
    await gate.promise;
    events.push(`end ${message.data}`);
  });
  s.client.onClose.implementation(() => void events.push('onClose'));
  return { ...s, events, gate };
}

const servers: InMemoryServer[] = [];
const engines: WebSocketEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('ENGINE.md Shutdown over read(): no new reads start', () => {
  it('after stop(), no read() starts: a message returned just before is delivered, one pushed after is never read', async () => {
    const s = gatedSetup();
    await s.engine.start();
    s.adapter.pushMessage(text('a'));
    s.adapter.pushMessage(text('b'));
    await s.client.onMessage.waitForCall(2);
    assert.equal(s.adapter.read.callCount, 3, 'a, b, and one read pending');
    s.adapter.pushMessage(text('c')); // the pending read returns it as the stop comes
    const stopping = s.engine.stop();
    s.adapter.pushMessage(text('d'));
    await turn();
    assert.equal(s.adapter.read.callCount, 3, 'no read after stop()');
    s.gate.resolve();
    await stopping;
    assert.deepEqual(s.events, ['start a', 'start b', 'start c', 'end a', 'end b', 'end c', 'onClose']);
    assert.equal(s.adapter.read.callCount, 3);
  });

  it('after exit() in onMessage, no read() starts and later messages are never read', async () => {
    const s = gatedSetup();
    s.client.onMessage.implementationOnce(({ message, exit }) => {
      s.events.push(`start ${message.data}`);
      exit();
    });
    await s.engine.start();
    s.adapter.pushMessage(text('a'));
    await s.client.onMessage.waitForCall(1);
    const reads = s.adapter.read.callCount;
    s.adapter.pushMessage(text('b'));
    s.adapter.pushMessage(text('c'));
    await until(() => !s.engine.isStarted, 'the exit');
    assert.deepEqual(s.events, ['start a', 'onClose']);
    assert.equal(s.adapter.read.callCount, reads, 'no read after exit()');
  });

  it('after a peer close read by read(), no read() starts; what came before is delivered first', async () => {
    const s = gatedSetup();
    await s.engine.start();
    s.adapter.pushMessage(text('a'));
    s.adapter.pushMessage(text('b'));
    s.adapter.pushClose(4000, 'bye');
    await s.client.onMessage.waitForCall(2);
    await turn();
    assert.equal(s.client.onClose.callCount, 0, 'onClose waits for the in-flight calls');
    s.gate.resolve();
    await s.client.onClose.waitForCall(1);
    await until(() => !s.engine.isStarted, 'the end');
    assert.deepEqual(s.events, ['start a', 'start b', 'end a', 'end b', 'onClose']);
    assert.equal(s.adapter.read.callCount, 3, 'a, b, the close: nothing after it');
  });
});

describe('ENGINE.md Run over read(): none delivered after onClose of its session', () => {
  /** An engine over an in-memory pair seen through `readPathOnly`, `readers: 4`, mixed callbacks. */
  function readPathEngine(autoReconnect: boolean) {
    const { client: inner, server } = createInMemoryPair();
    const { adapter, counter } = readPathOnly(inner);
    const events: { session: string; what: string }[] = [];
    let n = 0;
    const engine = new WebSocketEngine({
      url: server.url,
      adapter,
      readers: 4,
      autoReconnect,
      reconnect: { minUptimeMs: 0, initialDelayMs: 1, maxDelayMs: 1 },
      client: {
        onMessage: async ({ message, sessionId }) => {
          events.push({ session: sessionId, what: message.data as string });
          // Some calls hold their slot for a while; all must end before onClose.
          if (n++ % 3 === 0) await new Promise<void>((resolve) => setTimeout(resolve, 2));
          events.push({ session: sessionId, what: 'end' });
        },
        onClose: ({ sessionId }) => void events.push({ session: sessionId, what: 'onClose' }),
      },
    });
    engines.push(engine);
    servers.push(server);
    return { engine, server, events, counter };
  }

  /** The messages of `session`, once checked that each call started and ended before its onClose. */
  function checkSession(events: { session: string; what: string }[], session: string): string[] {
    const mine = events.filter((e) => e.session === session).map((e) => e.what);
    assert.equal(mine.filter((w) => w === 'onClose').length, 1, 'onClose once');
    assert.equal(mine.at(-1), 'onClose', `nothing of session ${session} after its onClose`);
    const messages = mine.filter((w) => w !== 'end' && w !== 'onClose');
    assert.equal(mine.length, 2 * messages.length + 1, 'every call ended before onClose');
    return messages;
  }

  it('messages sent right before each peer close all arrive, in order, before that session’s onClose', async () => {
    const { engine, server, events } = readPathEngine(true);
    await engine.start();
    const sent: string[][] = [];
    for (let round = 0; round < 3; round++) {
      const peer = await server.accept();
      const batch = Array.from({ length: 20 }, (_, i) => `${round}.${i}`);
      sent.push(batch);
      for (const data of batch) void peer.send({ type: MessageType.Text, data });
      peer.close(4000, `rotate ${round}`);
      await until(() => events.filter((e) => e.what === 'onClose').length === round + 1, 'onClose');
    }
    const sessions = [...new Set(events.map((e) => e.session))];
    assert.equal(sessions.length, 3);
    assert.deepEqual(
      sessions.map((id) => checkSession(events, id)),
      sent,
    );
  });

  it('a stop() while messages arrive starts no read: what was delivered came before onClose, once each', async () => {
    const { engine, server, events, counter } = readPathEngine(false);
    await engine.start();
    const peer = await server.accept();
    const sent = Array.from({ length: 40 }, (_, i) => String(i));
    for (const data of sent.slice(0, 20)) void peer.send({ type: MessageType.Text, data });
    await until(() => events.length >= 5, 'a few messages');
    const stopping = engine.stop();
    const readsAtStop = counter.reads;
    for (const data of sent.slice(20)) peer.send({ type: MessageType.Text, data }).catch(() => undefined);
    await turn();
    assert.equal(counter.reads, readsAtStop, 'no read started after stop()');
    await stopping;
    await turn();
    assert.equal(counter.reads, readsAtStop);
    const delivered = checkSession(events, events[0].session);
    assert.deepEqual(delivered, sent.slice(0, delivered.length), 'a prefix, in order, none twice');
  });
});

/** A stand-in for a page's global object that records the listeners on it (`live`, by type). */
function recordingGlobal() {
  const target = new EventTarget();
  const live: { type: string; listener: () => void }[] = [];
  const global = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  global.addEventListener = (type: string, listener: () => void) => {
    live.push({ type, listener });
    target.addEventListener(type, listener);
  };
  global.removeEventListener = (type: string, listener: () => void) => {
    const index = live.findIndex((l) => l.type === type && l.listener === listener);
    if (index >= 0) live.splice(index, 1);
    target.removeEventListener(type, listener);
  };
  const uninstall = () => {
    delete global.addEventListener;
    delete global.removeEventListener;
  };
  return { live, uninstall };
}

describe('ENGINE.md Stop: no listener after stop()', () => {
  it('the offline/online listeners the keepalive puts on the global object are gone once the run ends', async () => {
    const global = recordingGlobal();
    try {
      const keepalive = { intervalMs: 10_000, timeoutMs: 5_000 };
      const s = setup({ keepalive, autoReconnect: false });
      await s.engine.start();
      const types = () => global.live.map((l) => l.type).sort();
      assert.deepEqual(types(), ['offline', 'online']);
      await s.engine.stop();
      assert.deepEqual(types(), [], 'stop() removes them');
      await s.engine.start();
      assert.deepEqual(types(), ['offline', 'online']);
      s.adapter.pushClose(1006);
      await until(() => !s.engine.isStarted, 'the run to end on the drop');
      assert.deepEqual(types(), [], 'a run that ends by itself removes them too');
    } finally {
      global.uninstall();
    }
  });
});

/**
 * A signal whose listeners are counted: `live` holds those added and not removed yet (a
 * `once` listener also goes when the signal aborts), `added` how many were ever added.
 */
function recordedSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  const live = new Map<unknown, boolean>();
  const record = { controller, signal, live, added: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  add('abort', () => {
    for (const [listener, once] of live) if (once) live.delete(listener);
  });
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    record.added++;
    live.set(listener, options?.once === true);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    live.delete(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return record;
}

/** A dial that never completes: it rejects when its signal aborts (as the contract says). */
function dialUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
}

const idOf = (m: Message) => (JSON.parse(m.data as string) as { id?: string }).id;

describe('ENGINE.md Stop: no listener left on the caller’s AbortSignals', () => {
  it('start({ signal }) and stop({ signal }) remove their listeners once they settle, resolved or rejected', async () => {
    const s = setup();
    const started = recordedSignal();
    await s.engine.start({ signal: started.signal });
    assert.ok(started.added > 0, 'the engine does listen while it starts');
    assert.equal(started.live.size, 0, 'start() resolved');
    const stopped = recordedSignal();
    await s.engine.stop({ signal: stopped.signal });
    assert.ok(stopped.added > 0, 'the engine does listen while it stops');
    assert.equal(stopped.live.size, 0, 'stop() resolved');
    s.adapter.dial.rejectsOnce(new Error('refused'));
    const failed = recordedSignal();
    await assert.rejects(s.engine.start({ signal: failed.signal }), { name: 'EngineStartError' });
    assert.equal(failed.live.size, 0, 'start() rejected');
  });

  it('send({ signal }) and request({ signal }) remove their listeners once they settle, however they do', async () => {
    const s = setup({ outbox: {}, requests: { idOf, timeoutMs: 1_000 } });
    await s.engine.start();
    const signals: ReturnType<typeof recordedSignal>[] = [];
    const next = () => {
      signals.push(recordedSignal());
      return { signal: signals.at(-1)!.signal };
    };
    await s.engine.send('now', next());
    // Answered, timed out, and closed with its session.
    const answered = s.engine.request('{"id":"a"}', { id: 'a', ...next() });
    s.adapter.pushMessage(text('{"id":"a"}'));
    await answered;
    const timedOut = assert.rejects(s.engine.request('{"id":"t"}', { id: 't', ...next() }), {
      code: 'ERR_REQUEST_TIMEOUT',
    });
    await s.clock.advance(1_000);
    await timedOut;
    const closed = s.engine.request('{"id":"c"}', { id: 'c', ...next() });
    // The session drops; the reconnect's dial waits, so sends queue in the outbox.
    const dialGate = deferred();
    s.adapter.dial.implementationOnce(async (target, options) => {
      await dialGate.promise;
      return s.adapter.dial.default(target, options);
    });
    s.adapter.pushClose(1006);
    await assert.rejects(closed, { code: 'ERR_REQUEST_CLOSED' });
    await s.adapter.dial.waitForCall(2);
    const flushed = s.engine.send('queued', next());
    const aborted = s.engine.send('aborted', next());
    signals.at(-1)!.controller.abort(new Error('changed my mind'));
    await assert.rejects(aborted, { message: 'changed my mind' });
    assert.equal(signals.at(-2)!.live.size, 1, 'a queued send listens to its signal');
    dialGate.resolve();
    await flushed;
    s.adapter.dial.implementationOnce((_target, options) => dialUntilAborted(options?.signal));
    s.adapter.pushClose(1006);
    await s.adapter.dial.waitForCall(3);
    const dropped = assert.rejects(s.engine.send('dropped', next()), { code: 'ERR_SEND_ABORTED' });
    await s.engine.stop();
    await dropped;
    assert.deepEqual(
      signals.map((r) => r.live.size),
      signals.map(() => 0),
    );
  });
});
