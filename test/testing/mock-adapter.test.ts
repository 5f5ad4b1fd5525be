import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DialError, type Message, MessageType, WebSocketCloseError } from '../../src/core/index.js';
import { MOCK_HANDSHAKE_RESPONSE, WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';
import { scriptable } from '../../src/testing/scriptable.js';

const text = (data: string): Message => ({ type: MessageType.Text, data });
const url = new URL('ws://example.test/');

describe('scriptable()', () => {
  it('runs queued once behaviours in order before the always behaviour', async () => {
    const fn = scriptable(async (): Promise<string> => 'default', { async: true });
    fn.resolvesOnce('a')
      .rejectsOnce(new Error('b'))
      .implementationOnce(async () => 'c');
    assert.equal(await fn(), 'a');
    await assert.rejects(fn(), /^Error: b$/);
    assert.equal(await fn(), 'c');
    assert.equal(await fn(), 'default');
    fn.resolves('always');
    fn.resolvesOnce('once');
    assert.equal(await fn(), 'once');
    assert.equal(await fn(), 'always');
    assert.equal(await fn(), 'always');
  });

  it('supports synchronous returns and throws', () => {
    const fn = scriptable((x: number) => x * 2);
    fn.returnsOnce(7).throwsOnce(new RangeError('nope'));
    assert.equal(fn(1), 7);
    assert.throws(() => fn(1), RangeError);
    assert.equal(fn(3), 6);
    fn.throws(new TypeError('always'));
    assert.throws(() => fn(1), TypeError);
  });

  it('turns synchronous throws into rejections when async', async () => {
    const fn = scriptable(async () => undefined, { async: true });
    fn.throwsOnce(new Error('sync'));
    const result = fn();
    assert.ok(result instanceof Promise);
    await assert.rejects(result, /sync/);
  });

  it('records args and outcomes, in order', async () => {
    const fn = scriptable(async (a: number, b: string) => `${a}${b}`, { async: true });
    fn.rejectsOnce(new Error('first'));
    await assert.rejects(fn(1, 'x'));
    await fn(2, 'y');
    assert.equal(fn.callCount, 2);
    assert.deepEqual(fn.calls[0].args, [1, 'x']);
    assert.equal(fn.calls[0].index, 1);
    assert.equal(fn.calls[0].outcome?.status, 'rejected');
    assert.deepEqual(fn.calls[1].outcome, { status: 'fulfilled', value: '2y' });
    assert.equal(fn.lastCall, fn.calls[1]);
  });

  it('leaves outcome undefined until the call settles', async () => {
    let release!: () => void;
    const fn = scriptable(() => new Promise<void>((resolve) => (release = resolve)));
    const pending = fn();
    assert.equal(fn.calls[0].outcome, undefined);
    release();
    await pending;
    assert.deepEqual(await fn.calls[0].settled, { status: 'fulfilled', value: undefined });
  });

  it('waitForCall(n) resolves when the n-th call happens, or at once if it has', async () => {
    const fn = scriptable((x: number) => x);
    const third = fn.waitForCall(3);
    let resolved = false;
    void third.then(() => {
      resolved = true;
    });
    fn(1);
    fn(2);
    await Promise.resolve();
    assert.equal(resolved, false);
    fn(3);
    assert.deepEqual((await third).args, [3]);
    assert.deepEqual((await fn.waitForCall(1)).args, [1]);
    const next = fn.waitForNextCall();
    fn(4);
    assert.equal((await next).index, 4);
  });

  it('waitForCall rejects with the signal reason when aborted', async () => {
    const fn = scriptable(() => undefined);
    const controller = new AbortController();
    const waiting = fn.waitForCall(1, { signal: controller.signal });
    const reason = new Error('gave up');
    controller.abort(reason);
    await assert.rejects(waiting, (e) => e === reason);
    assert.throws(() => fn.waitForCall(0), RangeError);
  });

  it('reset() forgets calls and scripts, back to the default', () => {
    const fn = scriptable(() => 'default');
    fn.returns('scripted').returnsOnce('once');
    fn();
    fn.reset();
    assert.equal(fn.callCount, 0);
    assert.equal(fn(), 'default');
  });

  it('exposes the default implementation for delegation', async () => {
    const fn = scriptable((x: number) => x + 1);
    fn.implementation((x) => fn.default(x) * 10);
    assert.equal(fn(1), 20);
  });
});

describe('WebSocketConnectionAdapterMock', () => {
  it('defaults: dial resolves 101, write and ping resolve, getUnderlyingConnection is undefined', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    assert.deepEqual(await mock.dial(url), MOCK_HANDSHAKE_RESPONSE);
    await mock.write(MessageType.Text, 'x');
    await mock.ping();
    assert.equal(mock.getUnderlyingConnection(), undefined);
    assert.deepEqual(mock.dial.calls[0].args, [url]);
    assert.deepEqual(mock.writtenMessages(), [text('x')]);
  });

  it('default read waits for pushed messages and errors, in push order', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    const first = mock.read();
    const second = mock.read();
    const third = mock.read();
    const boom = new Error('boom');
    mock.pushMessage(text('a'));
    mock.pushReadError(boom);
    mock.pushMessage(text('b'));
    assert.equal((await first).data, 'a');
    await assert.rejects(second, (e) => e === boom);
    assert.equal((await third).data, 'b');
  });

  it('default read stays pending until something is pushed', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    let settled = false;
    const read = mock.read().finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    mock.pushMessage(text('late'));
    assert.equal((await read).data, 'late');
  });

  it('close() rejects pending and later default reads with WebSocketCloseError(code, reason)', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    const pending = mock.read();
    await mock.close(4001, 'bye');
    await assert.rejects(
      pending,
      (e) => e instanceof WebSocketCloseError && e.code === 4001 && e.reason === 'bye',
    );
    await assert.rejects(mock.read(), { code: 4001 });
    mock.pushMessage(text('ignored'));
    await assert.rejects(mock.read(), { code: 4001 });
  });

  it('dial after a close starts a fresh session for default reads', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    await mock.close(1000);
    await mock.dial(url);
    mock.pushMessage(text('second session'));
    assert.equal((await mock.read()).data, 'second session');
  });

  it('pushClose delivers queued messages first, then rejects every read', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    mock.pushMessage(text('last'));
    mock.pushClose(1001, 'going');
    assert.equal((await mock.read()).data, 'last');
    await assert.rejects(mock.read(), { name: 'WebSocketCloseError', code: 1001, reason: 'going' });
    await assert.rejects(mock.read(), { code: 1001 });
  });

  it('pushReadError with a WebSocketCloseError ends the session', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    mock.pushReadError(new WebSocketCloseError(1006));
    await assert.rejects(mock.read(), { code: 1006 });
    await assert.rejects(mock.read(), { code: 1006 });
  });

  it('an aborted default read rejects with signal.reason and loses no pushed message', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    const controller = new AbortController();
    const aborted = mock.read({ signal: controller.signal });
    const kept = mock.read();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    mock.pushMessage(text('one'));
    mock.pushMessage(text('two'));
    assert.equal((await kept).data, 'one');
    await assert.rejects(mock.read({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    assert.equal((await mock.read()).data, 'two');
  });

  it('default dial, write and ping honour an aborted signal; close closes anyway', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    const signal = AbortSignal.abort(new Error('aborted'));
    await assert.rejects(mock.dial(url, { signal }), /aborted/);
    await assert.rejects(mock.write(MessageType.Text, 'x', { signal }), /aborted/);
    await assert.rejects(mock.ping({ signal }), /aborted/);
    await mock.close(1000, '', { signal });
    await assert.rejects(mock.read(), { code: 1000 });
  });

  it('scripted methods override the defaults once or always', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    mock.dial.rejectsOnce(new DialError('refused'));
    await assert.rejects(mock.dial(url), { name: 'DialError', code: 'ERR_DIAL' });
    assert.equal((await mock.dial(url)).status, 101);
    mock.read.resolvesOnce(text('scripted'));
    mock.pushMessage(text('pushed'));
    assert.equal((await mock.read()).data, 'scripted');
    assert.equal((await mock.read()).data, 'pushed');
    const socket = { fake: true };
    mock.getUnderlyingConnection.returns(socket);
    assert.equal(mock.getUnderlyingConnection(), socket);
  });

  it('waitForCall lets a test await a method call instead of sleeping', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    const written = mock.write.waitForCall(2);
    setImmediate(() => {
      void mock.write(MessageType.Text, 'a');
      void mock.write(MessageType.Binary, new Uint8Array([1]));
    });
    const call = await written;
    assert.equal(call.args[0], MessageType.Binary);
    assert.deepEqual(call.args[1], new Uint8Array([1]));
  });

  it('reset() clears every method and the mailbox', async () => {
    const mock = new WebSocketConnectionAdapterMock();
    mock.pushMessage(text('stale'));
    mock.read.rejects(new Error('scripted'));
    await mock.write(MessageType.Text, 'x');
    mock.reset();
    assert.equal(mock.write.callCount, 0);
    mock.pushMessage(text('fresh'));
    assert.equal((await mock.read()).data, 'fresh');
  });
});
