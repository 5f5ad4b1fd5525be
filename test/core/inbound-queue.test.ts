import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InboundQueue, type Message, MessageType } from '../../src/core/index.js';
import type { QueueConsumer } from '../../src/core/queue-consumer.js';

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

  it('a read removes its abort listener once it settles, by message or by end', async () => {
    const queue = new InboundQueue();
    const controller = new AbortController();
    const counts = countListeners(controller.signal);
    for (let i = 0; i < 50; i++) {
      const pending = queue.read(controller.signal);
      queue.push(text(String(i)));
      assert.equal((await pending).data, String(i));
    }
    assert.deepEqual(counts, { added: 50, removed: 50 });
    const waiting = queue.read(controller.signal);
    queue.end(new Error('closed'));
    await assert.rejects(waiting, /closed/);
    assert.deepEqual(counts, { added: 51, removed: 51 });
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

describe('InboundQueue.watch', () => {
  it('calls queued() once per queued message, and not for one handed to a waiting read', async () => {
    const queue = new InboundQueue();
    const watcher = recorder();
    queue.watch(watcher);
    queue.push(text('a'));
    queue.push(text('b'));
    assert.deepEqual(watcher.events, ['queued', 'queued']);
    assert.equal(queue.shift()?.data, 'a');
    assert.equal(queue.shift()?.data, 'b');
    const waiting = queue.read();
    queue.push(text('direct'));
    assert.equal((await waiting).data, 'direct');
    assert.deepEqual(watcher.events, ['queued', 'queued'], 'no queued() for a message a read took');
    queue.push(text('c'));
    assert.deepEqual(watcher.events, ['queued', 'queued', 'queued']);
    assert.equal(queue.shift()?.data, 'c');
  });

  it('calls queued() after the message is in the queue, so shift() returns it from inside', () => {
    const queue = new InboundQueue();
    const seen: (string | undefined)[] = [];
    queue.watch({ queued: () => seen.push(queue.shift()?.data as string), ended: () => undefined });
    queue.push(text('x'));
    queue.push(text('y'));
    assert.deepEqual(seen, ['x', 'y']);
    assert.equal(queue.size, 0);
  });

  it('calls ended() once on end(), and queued messages are still delivered by shift()', async () => {
    const queue = new InboundQueue();
    const watcher = recorder();
    queue.watch(watcher);
    queue.push(text('m1'));
    queue.push(text('m2'));
    const error = new Error('closed');
    queue.end(error);
    queue.end(new Error('again'));
    queue.push(text('ignored'));
    assert.deepEqual(watcher.events, ['queued', 'queued', 'ended']);
    assert.equal(queue.shift()?.data, 'm1');
    assert.equal(queue.shift()?.data, 'm2');
    assert.equal(queue.shift(), undefined);
    await assert.rejects(queue.read(), (e) => e === error);
    assert.deepEqual(watcher.events, ['queued', 'queued', 'ended']);
  });

  it('calls ended() at once, synchronously, when registered on an ended queue', () => {
    const queue = new InboundQueue();
    queue.push(text('left'));
    queue.end(new Error('closed'));
    const watcher = recorder();
    queue.watch(watcher);
    assert.deepEqual(watcher.events, ['ended']);
    assert.equal(queue.shift()?.data, 'left');
    // Unregistering an ended queue's watcher calls nothing.
    queue.watch(undefined);
    assert.deepEqual(watcher.events, ['ended']);
  });

  it('calls ended() after end(error, true) too, with nothing left to shift', () => {
    const queue = new InboundQueue();
    const watcher = recorder();
    queue.watch(watcher);
    queue.push(text('dropped'));
    queue.end(new Error('closed locally'), true);
    assert.deepEqual(watcher.events, ['queued', 'ended']);
    assert.equal(queue.shift(), undefined);
  });

  it('ended() comes after waiting reads were rejected', async () => {
    const queue = new InboundQueue();
    const order: string[] = [];
    const waiting = queue.read().catch(() => order.push('read rejected'));
    queue.watch({ queued: () => order.push('queued'), ended: () => order.push('ended') });
    queue.end(new Error('closed'));
    await waiting;
    // The rejection is delivered as a microtask: ended() ran synchronously inside end().
    assert.deepEqual(order, ['ended', 'read rejected']);
  });

  it('watch(undefined) unregisters; a new watcher replaces the old one', () => {
    const queue = new InboundQueue();
    const first = recorder();
    const second = recorder();
    queue.watch(first);
    queue.push(text('1'));
    queue.watch(second);
    queue.push(text('2'));
    queue.watch(undefined);
    queue.push(text('3'));
    queue.end(new Error('closed'));
    assert.deepEqual(first.events, ['queued']);
    assert.deepEqual(second.events, ['queued']);
    assert.deepEqual(
      [queue.shift(), queue.shift(), queue.shift(), queue.shift()].map((m) => m?.data),
      ['1', '2', '3', undefined],
    );
  });

  it('a watcher that shifts from inside queued() sees every message in order, exactly once', () => {
    const queue = new InboundQueue({ maxMessages: 4 });
    const seen: string[] = [];
    let calls = 0;
    queue.watch({
      // Drains everything, like the engine's dispatch loop; only every third call, so the
      // queue also fills up and pauses in between.
      queued: () => {
        if (++calls % 3 !== 0) return;
        for (let m = queue.shift(); m; m = queue.shift()) seen.push(m.data as string);
      },
      ended: () => {
        for (let m = queue.shift(); m; m = queue.shift()) seen.push(m.data as string);
      },
    });
    for (let i = 0; i < 100; i++) queue.push(text(String(i)));
    queue.end(new Error('closed'));
    assert.deepEqual(
      seen,
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
  });

  it('a watcher that pushes more from inside queued() (a synchronous source) keeps the order', () => {
    const queue = new InboundQueue();
    const source = Array.from({ length: 20 }, (_, i) => text(String(i)));
    const seen: string[] = [];
    let depth = 0;
    queue.watch({
      queued: () => {
        depth++;
        // Feeding the next message from inside the notification: it must queue behind.
        const next = source.shift();
        if (next) queue.push(next);
        const m = queue.shift();
        if (m) seen.push(m.data as string);
        depth--;
      },
      ended: () => undefined,
    });
    queue.push(source.shift()!);
    assert.equal(depth, 0);
    for (let m = queue.shift(); m; m = queue.shift()) seen.push(m.data as string);
    assert.deepEqual(
      seen,
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  it('keeps the order when resuming the source pushes synchronously and the watcher drains from queued()', () => {
    const source = Array.from({ length: 12 }, (_, i) => text(String(i)));
    let paused = false;
    const pump = () => {
      while (!paused && source.length > 0) queue.push(source.shift()!);
    };
    const queue: InboundQueue = new InboundQueue(
      { maxMessages: 2 },
      () => {
        paused = true;
      },
      () => {
        paused = false;
        pump();
      },
    );
    const seen: string[] = [];
    const drain = () => {
      for (let m = queue.shift(); m; m = queue.shift()) seen.push(m.data as string);
    };
    let calls = 0;
    queue.watch({ queued: () => (++calls % 2 === 0 ? drain() : undefined), ended: drain });
    pump();
    drain();
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
  });

  it('pause/resume hysteresis holds when the consumer only watches and shifts', () => {
    const events: string[] = [];
    const queue = new InboundQueue(
      { maxMessages: 4, maxBytes: 100 },
      () => events.push('pause'),
      () => events.push('resume'),
    );
    let queued = 0;
    queue.watch({ queued: () => queued++, ended: () => undefined });
    for (let round = 0; round < 3; round++) {
      events.length = 0;
      for (let i = 0; i < 4; i++) queue.push(text('x'));
      assert.deepEqual(events, ['pause'], `round ${round}: paused once when full`);
      assert.equal(queue.isPaused, true);
      queue.shift();
      assert.deepEqual(events, ['pause'], `round ${round}: still paused above half`);
      queue.shift();
      assert.deepEqual(events, ['pause', 'resume'], `round ${round}: resumed at half`);
      assert.equal(queue.isPaused, false);
      queue.shift();
      queue.shift();
      assert.deepEqual(events, ['pause', 'resume']);
    }
    assert.equal(queued, 12);
    // The byte bound too: 60 + 60 bytes pause; shifting one leaves 60 > 50, shifting both resumes.
    events.length = 0;
    queue.push(text('a'.repeat(60)));
    queue.push(text('b'.repeat(60)));
    assert.deepEqual(events, ['pause']);
    queue.shift();
    assert.deepEqual(events, ['pause']);
    queue.shift();
    assert.deepEqual(events, ['pause', 'resume']);
  });

  it('does not resume a source after end(), even when shift() drains the queue below half', () => {
    const events: string[] = [];
    const queue = new InboundQueue(
      { maxMessages: 2 },
      () => events.push('pause'),
      () => events.push('resume'),
    );
    queue.watch(recorder());
    queue.push(text('a'));
    queue.push(text('b'));
    queue.end(new Error('closed'));
    queue.shift();
    queue.shift();
    assert.deepEqual(events, ['pause']);
  });

  it('pauseSource/resumeSource can be overridden by a subclass instead of passing functions', () => {
    const events: string[] = [];
    class SourceQueue extends InboundQueue {
      protected override pauseSource(): void {
        events.push('paused by subclass');
      }
      protected override resumeSource(): void {
        events.push('resumed by subclass');
      }
    }
    const queue = new SourceQueue({ maxMessages: 2 }, () => events.push('constructor pause'));
    const watcher = recorder();
    queue.watch(watcher);
    queue.push(text('a'));
    queue.push(text('b'));
    assert.deepEqual(events, ['paused by subclass']);
    queue.shift();
    assert.deepEqual(events, ['paused by subclass', 'resumed by subclass']);
    queue.push(text('c'));
    queue.end(new Error('closed locally'), true);
    assert.deepEqual(events, [
      'paused by subclass',
      'resumed by subclass',
      'paused by subclass',
      'resumed by subclass',
    ]);
    assert.deepEqual(watcher.events, ['queued', 'queued', 'queued', 'ended']);
  });
});

function recorder(): QueueConsumer & { events: string[] } {
  const events: string[] = [];
  return { events, queued: () => events.push('queued'), ended: () => events.push('ended') };
}

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

describe('InboundQueue.watch with offer()', () => {
  function offering(accept: (message: Message) => boolean) {
    const events: string[] = [];
    const watcher: QueueConsumer = {
      offer: (message) => {
        const taken = accept(message);
        events.push(`offer ${message.data} ${taken ? 'taken' : 'declined'}`);
        return taken;
      },
      queued: () => void events.push('queued'),
      ended: () => void events.push('ended'),
    };
    return { events, watcher };
  }

  it('offers a message that arrives on an empty queue; a taken one is not queued', () => {
    const queue = new InboundQueue();
    const { events, watcher } = offering(() => true);
    queue.watch(watcher);
    queue.push(text('a'));
    queue.push(text('b'));
    assert.deepEqual(events, ['offer a taken', 'offer b taken']);
    assert.equal(queue.size, 0);
    assert.equal(queue.shift(), undefined);
  });

  it('queues a declined message and calls queued(); later ones are queued behind it without an offer', () => {
    const queue = new InboundQueue();
    let accept = false;
    const { events, watcher } = offering(() => accept);
    queue.watch(watcher);
    queue.push(text('a'));
    accept = true;
    queue.push(text('b'));
    assert.deepEqual(events, ['offer a declined', 'queued', 'queued']);
    assert.deepEqual([queue.shift(), queue.shift()], [text('a'), text('b')]);
    queue.push(text('c'));
    assert.deepEqual(events.at(-1), 'offer c taken', 'empty again: offered again');
  });

  it('a waiting read goes before the offer, and nothing is offered after end()', async () => {
    const queue = new InboundQueue();
    const { events, watcher } = offering(() => true);
    queue.watch(watcher);
    const pending = queue.read();
    queue.push(text('to the read'));
    assert.deepEqual(await pending, text('to the read'));
    assert.deepEqual(events, []);
    queue.end(new Error('closed'));
    queue.push(text('late'));
    assert.deepEqual(events, ['ended']);
  });

  it('counts a declined message against the limits: the source is paused as usual', () => {
    let paused = 0;
    const queue = new InboundQueue({ maxMessages: 2 }, () => void paused++);
    queue.watch(offering(() => false).watcher);
    queue.push(text('a'));
    queue.push(text('b'));
    assert.equal(paused, 1);
  });
});
