// ENGINE.md "Observability": every callback is a span with its attributes, the user's own
// spans nest under it, and a callback's error is recorded on it without changing what the
// engine does. Engine over the mock adapter and a fake clock, spans kept in memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ConnectionClosedError } from '../../src/core/errors.js';
import type { WebSocketEngineOptions } from '../../src/engine/index.js';
import type { EngineExit } from '../../src/engine/types.js';
import { CallbackError, EngineStartError } from '../../src/index.js';
import { Attr, openTelemetry, SpanName } from '../../src/otel/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { scriptable } from '../../src/testing/scriptable.js';
import { setup, text, until } from '../engine/helpers.js';
import { tracingForEachTest } from './helpers.js';

const tracing = tracingForEachTest();

/** `setup()` with a client that also has `onExit`, and telemetry unless `traced` is false. */
function engineWith(options: Partial<WebSocketEngineOptions> = {}, traced = true) {
  const onExit = scriptable<[exit: EngineExit], void | Promise<void>>(() => undefined, { name: 'onExit' });
  const client = Object.assign(new WebSocketClientMock(), { onExit });
  const telemetry = traced ? openTelemetry({ tracerProvider: tracing().provider }) : undefined;
  return { ...setup({ client, telemetry, ...options }), client };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Opens a span of the user's own after an await, as a callback would. */
async function userSpan(name: string): Promise<void> {
  await tick();
  tracing()
    .provider.getTracer('user')
    .startActiveSpan(name, (span) => span.end());
}

/** Waits for `n` finished spans named `name`, and returns them. */
async function spans(name: string, n = 1): Promise<ReadableSpan[]> {
  await until(() => tracing().byName(name).length >= n, `${n} ${name} span(s)`);
  return tracing().byName(name);
}

async function assertNestsUnder(childName: string, parentName: string): Promise<void> {
  const [child] = await spans(childName);
  const [parent] = await spans(parentName);
  assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId, `${childName} in ${parentName}`);
  assert.equal(child.spanContext().traceId, parent.spanContext().traceId);
}

function assertRecorded(span: ReadableSpan, message: string): void {
  assert.equal(span.status.code, SpanStatusCode.ERROR, `${span.name} status`);
  const exception = span.events.find((event) => event.name === 'exception');
  assert.equal(exception?.attributes?.['exception.message'], message, `${span.name} exception event`);
  assert.equal(span.attributes[Attr.ErrorType], 'Error');
}

describe('ENGINE.md Observability: callback spans', () => {
  it('onReadError runs in a wscengine.on_read_error span with the session id; user spans nest under it', async () => {
    const s = engineWith();
    s.client.onReadError.implementation(() => userSpan('user.read-error'));
    await s.engine.start();
    const sessionId = s.engine.sessionId;
    assert.ok(sessionId);
    s.adapter.pushReadError(new Error('bad frame'));
    const [span] = await spans(SpanName.OnReadError);
    assert.equal(span.attributes[Attr.SessionId], sessionId);
    await assertNestsUnder('user.read-error', SpanName.OnReadError);
    await s.engine.stop();
  });

  it('onCloseError runs in a wscengine.on_close_error span with the session id; user spans nest under it', async () => {
    const s = engineWith();
    s.client.onCloseError.implementation(() => userSpan('user.close-error'));
    s.adapter.close.rejectsOnce(new Error('close failed'));
    await s.engine.start();
    const sessionId = s.engine.sessionId;
    assert.ok(sessionId);
    await s.engine.stop();
    const [span] = await spans(SpanName.OnCloseError);
    assert.equal(span.attributes[Attr.SessionId], sessionId);
    await assertNestsUnder('user.close-error', SpanName.OnCloseError);
  });

  it('each reconnect attempt and each onRestartError is a span with its retry count; user spans nest under on_restart_error', async () => {
    const s = engineWith({ reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 0 } });
    s.client.onRestartError.implementation(({ retryCount }) => userSpan(`user.restart-error-${retryCount}`));
    await s.engine.start();
    s.adapter.dial.rejectsOnce(new Error('dial 2 failed')).rejectsOnce(new Error('dial 3 failed'));
    s.adapter.pushClose(1011, 'oops');
    for (const n of [1, 2]) {
      await s.client.onRestartError.waitForCall(n);
      await until(() => s.clock.pendingTimers > 0, 'backoff timer');
      await s.clock.advance(10);
    }
    await s.client.onOpen.waitForCall(2);
    const reconnects = await spans(SpanName.Reconnect, 3);
    assert.deepEqual(
      reconnects.map((span) => [span.attributes[Attr.RetryCount], span.status.code]),
      [
        [1, SpanStatusCode.ERROR],
        [2, SpanStatusCode.ERROR],
        [3, SpanStatusCode.UNSET],
      ],
    );
    const restartErrors = await spans(SpanName.OnRestartError, 2);
    assert.deepEqual(
      restartErrors.map((span) => span.attributes[Attr.RetryCount]),
      [1, 2],
    );
    for (const [i, span] of restartErrors.entries()) {
      const [user] = await spans(`user.restart-error-${i + 1}`);
      assert.equal(user.parentSpanContext?.spanId, span.spanContext().spanId, `retry ${i + 1}`);
    }
    await s.engine.stop();
  });

  it('onExit runs in a wscengine.on_exit span with the exit reason; user spans nest under it', async () => {
    const s = engineWith();
    s.client.onExit.implementation(() => userSpan('user.exit'));
    await s.engine.start();
    await s.engine.stop();
    const [span] = await spans(SpanName.OnExit);
    assert.equal(span.attributes[Attr.ExitReason], 'stop');
    assert.equal(span.attributes[Attr.ErrorType], undefined);
    await assertNestsUnder('user.exit', SpanName.OnExit);
  });

  it('on_exit names the class of the error that ended the run (error.type)', async () => {
    const s = engineWith({ autoReconnect: false });
    await s.engine.start();
    s.adapter.pushClose(4001, 'gone');
    const {
      args: [exit],
    } = await s.client.onExit.waitForCall(1);
    const [span] = await spans(SpanName.OnExit);
    assert.equal(exit.reason, 'closed');
    assert.equal(span.attributes[Attr.ExitReason], 'closed');
    assert.equal(span.attributes[Attr.ErrorType], 'WebSocketCloseError');
  });

  it('user spans opened in onOpen and onClose nest under on_open and on_close', async () => {
    const s = engineWith();
    s.client.onOpen.implementation(() => userSpan('user.open'));
    s.client.onClose.implementation(() => userSpan('user.close'));
    await s.engine.start();
    await s.engine.stop();
    await assertNestsUnder('user.open', SpanName.OnOpen);
    await assertNestsUnder('user.close', SpanName.OnClose);
  });

  it('keepalive pings are wscengine.ping spans with their round-trip time', async () => {
    const s = engineWith({ keepalive: { intervalMs: 10_000, timeoutMs: 5_000 } });
    await s.engine.start();
    await s.clock.advance(10_000);
    const [ping] = await spans(SpanName.Ping);
    assert.equal(typeof ping.attributes[Attr.PingRttMs], 'number');
    assert.equal(ping.status.code, SpanStatusCode.UNSET);
    await s.engine.stop();
  });
});

describe('ENGINE.md Observability: close codes on wscengine.on_close', () => {
  for (const [what, end, code, reason] of [
    ['a peer close', (s: ReturnType<typeof engineWith>) => s.adapter.pushClose(4000, 'bye'), 4000, 'bye'],
    [
      'a drop',
      (s: ReturnType<typeof engineWith>) => s.adapter.pushReadError(new ConnectionClosedError()),
      1006,
      '',
    ],
  ] as const) {
    it(`after ${what}, on_close carries the code and reason of that close (${code})`, async () => {
      const s = engineWith({ autoReconnect: false });
      await s.engine.start();
      const sessionId = s.engine.sessionId;
      assert.ok(sessionId);
      end(s);
      const [span] = await spans(SpanName.OnClose);
      assert.equal(span.attributes[Attr.CloseCode], code);
      assert.equal(span.attributes[Attr.CloseReason], reason);
      assert.equal(span.attributes[Attr.SessionId], sessionId);
      await s.engine.closed;
    });
  }

  it('on stop(), on_close has no close code (none was received); the close sent is on wscengine.close', async () => {
    const s = engineWith();
    s.client.onClose.returns({ code: 4002, reason: 'done' });
    await s.engine.start();
    await s.engine.stop();
    const [onClose] = await spans(SpanName.OnClose);
    assert.equal(onClose.attributes[Attr.CloseCode], undefined);
    const [close] = await spans(SpanName.Close);
    assert.equal(close.attributes[Attr.CloseCode], 4002);
    assert.equal(close.attributes[Attr.CloseReason], 'done');
  });
});

describe('ENGINE.md Observability: callback errors are recorded on the trace', () => {
  /** Every contained callback throws once; returns what the engine did. */
  async function throwingCallbacks(traced: boolean) {
    const s = engineWith({ reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 0 } }, traced);
    s.client.onMessage.rejectsOnce(new Error('m'));
    s.client.onReadError.throws(new Error('r'));
    s.client.onClose.throws(new Error('c'));
    s.client.onCloseError.rejects(new Error('ce'));
    s.client.onRestartError.throws(new Error('re'));
    s.client.onExit.rejects(new Error('x'));
    await s.engine.start();
    s.adapter.pushMessage(text('first'));
    await s.client.onReadError.waitForCall(1);
    s.adapter.pushMessage(text('second'));
    await s.client.onMessage.waitForCall(2);
    s.adapter.dial.rejectsOnce(new Error('dial failed'));
    s.adapter.pushClose(1011, 'oops');
    await s.client.onRestartError.waitForCall(1);
    await until(() => s.clock.pendingTimers > 0, 'backoff timer');
    await s.clock.advance(10);
    await s.client.onOpen.waitForCall(2);
    s.adapter.close.rejectsOnce(new Error('close failed'));
    await s.engine.stop();
    const count = (f: { callCount: number }) => f.callCount;
    const { onOpen, onMessage, onReadError, onClose, onCloseError, onRestartError, onExit } = s.client;
    return {
      calls: [onOpen, onMessage, onReadError, onClose, onCloseError, onRestartError, onExit].map(count),
      readError: onReadError.calls[0].args[0].error instanceof CallbackError,
      messages: s.client.receivedMessages().map((m) => m.data),
      closes: s.adapter.close.calls.map((call) => call.args.slice(0, 2)),
      dials: s.adapter.dial.callCount,
      exit: await s.engine.closed,
      started: s.engine.isStarted,
    };
  }

  it('a throwing onMessage, onReadError, onClose, onCloseError, onRestartError and onExit: each span records its error, and the engine does what it does without telemetry', async () => {
    const untraced = await throwingCallbacks(false);
    assert.equal(tracing().spans().length, 0);
    const traced = await throwingCallbacks(true);
    assert.deepEqual(traced, untraced);
    assert.deepEqual(untraced.calls, [2, 2, 1, 2, 1, 1, 1]);
    assert.deepEqual(untraced.exit, { reason: 'stop' });
    const onMessage = await spans(SpanName.OnMessage, 2);
    assertRecorded(onMessage[0], 'm');
    assert.equal(onMessage[1].status.code, SpanStatusCode.UNSET, 'the next message is traced as fine');
    assertRecorded((await spans(SpanName.OnReadError))[0], 'r');
    for (const span of await spans(SpanName.OnClose, 2)) assertRecorded(span, 'c');
    assertRecorded((await spans(SpanName.OnCloseError))[0], 'ce');
    assertRecorded((await spans(SpanName.OnRestartError))[0], 're');
    assertRecorded((await spans(SpanName.OnExit))[0], 'x');
  });

  it('an onOpen that throws at start: on_open and start record it, and start() rejects with EngineStartError', async () => {
    const s = engineWith();
    const cause = new Error('subscribe failed');
    s.client.onOpen.throws(cause);
    const error = await s.engine.start().then(
      () => assert.fail('start should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof EngineStartError);
    assert.equal(error.cause, cause);
    assertRecorded((await spans(SpanName.OnOpen))[0], 'subscribe failed');
    const [start] = await spans(SpanName.Start);
    assert.equal(start.status.code, SpanStatusCode.ERROR);
    assert.equal(start.attributes[Attr.ErrorType], 'EngineStartError');
    assert.equal(s.engine.isStarted, false);
  });
});
