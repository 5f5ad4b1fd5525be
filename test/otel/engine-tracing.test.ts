import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MessageType } from '../../src/core/message.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { openTelemetry } from '../../src/otel/index.js';
import { createInMemoryPair } from '../../src/testing/in-memory.js';
import { createMetrics, createTracing, serializeAll, useContextManager } from './helpers.js';

const SECRETS = ['alice', 'PASSW0RD', 'T0KEN-SECRET', 'S1G'];
const SECRET_URL = 'ws://alice:PASSW0RD@in-memory.test/feed?token=T0KEN-SECRET&sig=S1G';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('engine tracing (in-memory pair)', () => {
  let tracing: ReturnType<typeof createTracing>;
  let m: ReturnType<typeof createMetrics>;
  let cleanupContext: () => void;
  beforeEach(() => {
    tracing = createTracing();
    m = createMetrics();
    cleanupContext = useContextManager();
  });
  afterEach(async () => {
    cleanupContext();
    await tracing.shutdown();
    await m.shutdown();
  });

  /** Runs one session: start, one message each way, stop. Returns the session id. */
  async function runSession(): Promise<string> {
    const { client: adapter, server } = createInMemoryPair({ url: 'ws://in-memory.test/' });
    const userTracer = tracing.provider.getTracer('user');
    const handled = deferred();
    let sessionId: string | undefined;
    const engine = new WebSocketEngine({
      url: SECRET_URL,
      adapter,
      readers: 1,
      telemetry: openTelemetry({ tracerProvider: tracing.provider, meterProvider: m.provider }),
      client: {
        onOpen: async ({ conn, sessionId: id }) => {
          sessionId = id;
          await conn.write(MessageType.Text, 'hello');
        },
        onMessage: async () => {
          userTracer.startSpan('user.sync-work').end();
          await new Promise<void>((resolve) => setImmediate(resolve));
          userTracer.startSpan('user.after-await').end();
          handled.resolve();
        },
        onClose: () => {},
      },
    });
    await engine.start();
    assert.ok(sessionId);
    const peer = await server.accept();
    assert.equal((await peer.nextMessage()).data, 'hello');
    await peer.send({ type: MessageType.Text, data: 'welcome' });
    await handled.promise;
    await engine.stop();
    await server.close();
    return sessionId;
  }

  const one = (name: string): ReadableSpan => {
    const found = tracing.byName(name);
    assert.equal(found.length, 1, `exactly one ${name} span (got ${tracing.spans().map((s) => s.name)})`);
    return found[0];
  };

  it('traces start, dial, on_open, on_message, on_close and stop, with the session id', async () => {
    const sessionId = await runSession();
    for (const name of [
      'wscengine.on_open',
      'wscengine.on_message',
      'wscengine.on_close',
      'wscengine.stop',
    ]) {
      assert.equal(one(name).attributes['wscengine.session.id'], sessionId, name);
    }
    one('wscengine.start');
    const dial = one('wscengine.dial');
    assert.equal(dial.attributes['server.address'], 'in-memory.test');
    assert.equal(dial.attributes['url.full'], 'ws://in-memory.test/feed?token=REDACTED&sig=REDACTED');
    assert.equal(
      dial.parentSpanContext?.spanId,
      one('wscengine.start').spanContext().spanId,
      'dial nests under start',
    );
    assert.equal(one('wscengine.on_message').attributes['messaging.message.body.size'], 7);
  });

  it('reads through the traced adapter: each message read is a wscengine.read span', async () => {
    await runSession();
    const sizes = tracing.byName('wscengine.read').map((s) => s.attributes['messaging.message.body.size']);
    assert.deepEqual(
      sizes.filter((size) => size !== undefined),
      [7],
    );
  });

  it("makes the user's spans inside onMessage children of on_message, also after an await", async () => {
    await runSession();
    const onMessage = one('wscengine.on_message');
    for (const name of ['user.sync-work', 'user.after-await']) {
      const user = one(name);
      assert.equal(user.parentSpanContext?.spanId, onMessage.spanContext().spanId, name);
      assert.equal(user.spanContext().traceId, onMessage.spanContext().traceId, name);
    }
  });

  it('counts messages and bytes in both directions', async () => {
    await runSession();
    assert.equal(await m.sum('wscengine.messages.received'), 1);
    assert.equal(await m.sum('wscengine.bytes.received'), 7);
    assert.equal(await m.sum('wscengine.messages.sent'), 1);
    assert.equal(await m.sum('wscengine.bytes.sent'), 5);
  });

  it('never exports the credentials of the URL in any span or metric', async () => {
    await runSession();
    const exported = serializeAll(tracing.spans(), await m.collect());
    assert.ok(exported.includes('wscengine.on_message'), 'spans were exported');
    for (const secret of SECRETS) assert.ok(!exported.includes(secret), `${secret} leaked: ${exported}`);
  });

  it('never exports the credentials of the URL when the dial fails, nor puts them in the error', async () => {
    const { client: adapter, server } = createInMemoryPair({ url: 'ws://in-memory.test/' });
    const engine = new WebSocketEngine({
      url: SECRET_URL.replace('in-memory.test', 'elsewhere.test'),
      adapter,
      telemetry: openTelemetry({ tracerProvider: tracing.provider, meterProvider: m.provider }),
      client: { onMessage: () => {} },
    });
    const error = await engine.start().then(
      () => assert.fail('start should fail'),
      (e: unknown) => e,
    );
    await server.close();
    let text = '';
    for (let e: unknown = error; e instanceof Error; e = e.cause) text += `${e.message}\n${e.stack}\n`;
    assert.ok(text.length > 0);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} in the error: ${text}`);
    assert.equal(one('wscengine.dial').status.code, 2 /* ERROR */);
    const exported = serializeAll(tracing.spans(), await m.collect());
    for (const secret of SECRETS) assert.ok(!exported.includes(secret), `${secret} leaked: ${exported}`);
  });

  it('counts a reconnect by its outcome and traces the new dial', async () => {
    const { client: adapter, server } = createInMemoryPair({ url: 'ws://in-memory.test/' });
    const reopened = deferred();
    const engine = new WebSocketEngine({
      url: 'ws://in-memory.test/',
      adapter,
      reconnect: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
      telemetry: openTelemetry({ tracerProvider: tracing.provider, meterProvider: m.provider }),
      client: {
        onOpen: ({ restarting }) => {
          if (restarting) reopened.resolve();
        },
        onMessage: () => {},
      },
    });
    await engine.start();
    (await server.accept()).close(4000, 'go away and come back');
    await server.accept();
    await reopened.promise;
    await eventually(async () => (await m.sum('wscengine.reconnects')) === 1, 'one reconnect counted');
    const [point] = await m.points('wscengine.reconnects');
    assert.equal(point.attributes['wscengine.reconnect.ok'], true);
    await engine.stop();
    await server.close();
    assert.ok(tracing.byName('wscengine.reconnect').length >= 1, 'a reconnect span');
    assert.equal(tracing.byName('wscengine.dial').length, 2);
  });
});

/** Polls `check` once per macrotask turn until it holds; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
