import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InboundQueue, type Message, MessageType } from '../../src/index.js';

const text = (data: string): Message => ({ type: MessageType.Text, data });

describe('InboundQueue', () => {
  it('queues messages that arrive before read, in order', async () => {
    const queue = new InboundQueue();
    for (let i = 0; i < 100; i++) queue.push(text(String(i)));
    for (let i = 0; i < 100; i++) assert.equal((await queue.read()).data, String(i));
  });

  it('gives concurrent reads different messages in arrival order', async () => {
    const queue = new InboundQueue();
    const reads = [queue.read(), queue.read(), queue.read()];
    queue.push(text('a'));
    queue.push(text('b'));
    queue.push(text('c'));
    assert.deepEqual(
      (await Promise.all(reads)).map((m) => m.data),
      ['a', 'b', 'c'],
    );
  });

  it('pauses the source when full and resumes when drained to half', () => {
    const events: string[] = [];
    const queue = new InboundQueue(
      { maxMessages: 4 },
      () => events.push('pause'),
      () => events.push('resume'),
    );
    for (let i = 0; i < 4; i++) queue.push(text(String(i)));
    assert.deepEqual(events, ['pause']);
    assert.equal(queue.isPaused, true);
    queue.shift();
    assert.deepEqual(events, ['pause']);
    queue.shift();
    assert.deepEqual(events, ['pause', 'resume']);
    assert.equal(queue.isPaused, false);
  });

  it('pauses on the byte bound too', () => {
    let paused = false;
    const queue = new InboundQueue({ maxBytes: 10 }, () => {
      paused = true;
    });
    queue.push({ type: MessageType.Binary, data: new Uint8Array(6) });
    assert.equal(paused, false);
    queue.push({ type: MessageType.Binary, data: new Uint8Array(6) });
    assert.equal(paused, true);
  });

  it('an aborted read loses no message', async () => {
    const queue = new InboundQueue();
    const controller = new AbortController();
    const aborted = queue.read(controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    queue.push(text('kept'));
    assert.equal((await queue.read()).data, 'kept');
  });

  it('reads waiting with the same signal share one abort listener, kept while it is the latest', async () => {
    const queue = new InboundQueue();
    const controller = new AbortController();
    const counts = countListeners(controller.signal);
    for (let i = 0; i < 50; i++) {
      const pending = queue.read(controller.signal);
      queue.push(text(String(i)));
      assert.equal((await pending).data, String(i));
    }
    assert.deepEqual(counts, { added: 1, removed: 0 });
    queue.end(new Error('closed'));
    assert.deepEqual(counts, { added: 1, removed: 1 });
  });

  it('aborting one signal rejects only the reads that wait with it, in order for the rest', async () => {
    const queue = new InboundQueue();
    const a = new AbortController();
    const b = new AbortController();
    const first = queue.read(a.signal);
    const second = queue.read(b.signal);
    const third = queue.read(a.signal);
    const reason = new Error('a aborted');
    a.abort(reason);
    await assert.rejects(first, (e) => e === reason);
    await assert.rejects(third, (e) => e === reason);
    queue.push(text('for b'));
    assert.equal((await second).data, 'for b');
  });

  it('a new signal replaces an idle older subscription, so per-call signals do not pile up', async () => {
    const queue = new InboundQueue();
    const all: { added: number; removed: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const signal = new AbortController().signal;
      all.push(countListeners(signal));
      const pending = queue.read(signal);
      queue.push(text(String(i)));
      await pending;
    }
    const live = all.reduce((n, c) => n + c.added - c.removed, 0);
    assert.equal(live, 1);
  });

  it('a read with an already aborted signal rejects with its reason when nothing is queued', async () => {
    const queue = new InboundQueue();
    const signal = AbortSignal.abort(new Error('late'));
    await assert.rejects(queue.read(signal), /late/);
  });

  it('end() rejects waiting reads, then delivers queued messages before the end error', async () => {
    const queue = new InboundQueue();
    const waiting = queue.read();
    const error = new Error('closed');
    queue.end(error);
    await assert.rejects(waiting, (e) => e === error);

    const queue2 = new InboundQueue();
    queue2.push(text('last'));
    queue2.end(error);
    queue2.push(text('ignored'));
    assert.equal((await queue2.read()).data, 'last');
    await assert.rejects(queue2.read(), (e) => e === error);
  });

  it('a read whose signal already aborted takes no queued message', async () => {
    const queue = new InboundQueue();
    queue.push(text('kept'));
    await assert.rejects(queue.read(AbortSignal.abort(new Error('gone'))), /gone/);
    assert.equal((await queue.read()).data, 'kept');
  });

  it('end(error, true) resumes a paused source so the close handshake can be read', () => {
    const events: string[] = [];
    const queue = new InboundQueue(
      { maxMessages: 2 },
      () => events.push('pause'),
      () => events.push('resume'),
    );
    queue.push(text('a'));
    queue.push(text('b'));
    assert.equal(queue.isFull, true);
    queue.end(new Error('closed locally'), true);
    assert.deepEqual(events, ['pause', 'resume']);
    assert.equal(queue.isPaused, false);
  });

  it('end(error, true) drops queued messages', async () => {
    const queue = new InboundQueue();
    queue.push(text('dropped'));
    queue.end(new Error('closed locally'), true);
    assert.equal(queue.size, 0);
    await assert.rejects(queue.read(), /closed locally/);
  });

  it('grows past its initial capacity without reordering (ring wrap-around)', () => {
    const queue = new InboundQueue({ maxMessages: 10_000 });
    const out: string[] = [];
    for (let i = 0; i < 10; i++) queue.push(text(`x${i}`));
    for (let i = 0; i < 5; i++) out.push(queue.shift()!.data as string);
    for (let i = 10; i < 60; i++) queue.push(text(`x${i}`));
    for (let m = queue.shift(); m; m = queue.shift()) out.push(m.data as string);
    assert.deepEqual(
      out,
      Array.from({ length: 60 }, (_, i) => `x${i}`),
    );
  });
});

function countListeners(signal: AbortSignal): { added: number; removed: number } {
  const counts = { added: 0, removed: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    counts.added++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    counts.removed++;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return counts;
}
