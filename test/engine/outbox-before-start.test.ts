// ENGINE.md "Send, request, iterate": "with an outbox, sends made while no session is ready
// wait ... and go out in order on the next ready session". No session is ready before the
// first start() and after a run ended either: the outbox belongs to the engine, not a run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnOpenArgs } from '../../src/engine/index.js';
import { ConnectionClosedError, DialError, ErrorCode, MessageType, SendError } from '../../src/index.js';
import { deferred, setup, text, until } from './helpers.js';

/** Asserts `promise` rejects with a SendError of `code` that carries `payload`. */
async function rejectsWith(promise: Promise<unknown>, code: string, payload: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof SendError, `expected a SendError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.data, payload);
    return true;
  });
}

const written = (s: ReturnType<typeof setup>) => s.adapter.writtenMessages().map((m) => m.data);

describe('ENGINE.md Send: the outbox before start() and between runs', () => {
  it('a send made before start() waits, and goes out after the first onOpen, in send order', async () => {
    const s = setup({ outbox: {} });
    s.client.onOpen.implementation(({ conn }: OnOpenArgs) => conn.write(MessageType.Text, 'auth'));
    const sent = [s.engine.send('a'), s.engine.send('b')];
    assert.equal(s.adapter.dial.callCount, 0, 'nothing dials before start()');
    await s.engine.start();
    await Promise.all(sent);
    assert.deepEqual(written(s), ['auth', 'a', 'b']);
    await s.engine.stop();
  });

  it('request() before start() is written after the first onOpen and resolves with its reply', async () => {
    const s = setup({ outbox: {}, requests: { idOf: (m) => String(m.data).split(':')[0] } });
    const reply = s.engine.request('q1:balance?', { id: 'q1' });
    await s.engine.start();
    await until(() => written(s).includes('q1:balance?'), 'the request written');
    s.adapter.pushMessage(text('q1:42'));
    assert.deepEqual(await reply, text('q1:42'));
    await s.engine.stop();
  });

  it('stop() before any start() rejects the waiting sends with ERR_SEND_ABORTED and their payload', async () => {
    const s = setup({ outbox: {} });
    const waiting = s.engine.send('early');
    await s.engine.stop();
    await rejectsWith(waiting, ErrorCode.SendAborted, 'early');
    assert.equal(s.clock.pendingTimers, 0, 'the expiry timer is gone with the last message');
  });

  it('a send made before start() that waits past ttlMs rejects with ERR_SEND_EXPIRED and is never written', async () => {
    const s = setup({ outbox: { ttlMs: 1_000 } });
    const stale = rejectsWith(s.engine.send('stale'), ErrorCode.SendExpired, 'stale');
    await s.clock.advance(1_000);
    await stale;
    const fresh = s.engine.send('fresh');
    await s.engine.start();
    await fresh;
    assert.deepEqual(written(s), ['fresh']);
    await s.engine.stop();
  });

  it('a first start that fails rejects the sends waiting for it with ERR_SEND_ABORTED', async () => {
    const s = setup({ outbox: {} });
    s.adapter.dial.rejectsOnce(new DialError('refused'));
    const waiting = s.engine.send('early');
    await assert.rejects(s.engine.start());
    await rejectsWith(waiting, ErrorCode.SendAborted, 'early');
    assert.deepEqual(written(s), []);
  });

  it('a send made while stop() is under way rejects with ERR_SEND_ABORTED and its payload', async () => {
    const s = setup({ outbox: {} });
    const closing = deferred<void>();
    s.client.onClose.implementation(() => closing.promise);
    await s.engine.start();
    const stopped = s.engine.stop();
    await s.client.onClose.waitForCall(1);
    const late = s.engine.send('late');
    closing.resolve();
    await stopped;
    await rejectsWith(late, ErrorCode.SendAborted, 'late');
    assert.deepEqual(written(s), []);
  });

  it('after stop(), a send waits for the next start() and goes out after its onOpen', async () => {
    const s = setup({ outbox: {} });
    await s.engine.start();
    await s.engine.stop();
    const next = s.engine.send('for the next run');
    await s.engine.start();
    await next;
    assert.deepEqual(written(s), ['for the next run']);
    await s.engine.stop();
  });

  it('without an outbox, a send before start() rejects at once with ConnectionClosedError', async () => {
    const s = setup();
    await assert.rejects(s.engine.send('early'), ConnectionClosedError);
    await assert.rejects(s.engine.request('early', { id: 'x' }));
  });
});
