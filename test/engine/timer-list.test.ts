import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sinceEpoch, unboxed } from '../../src/engine/clock.js';
import { FakeClock } from '../../src/engine/fake-clock.js';
import { armTimer, disarmTimer, type TimerEntry, type TimerList } from '../../src/engine/timer-list.js';

/** A timer entry that records when it ran (fake wall time) in a shared log. */
class Entry implements TimerEntry {
  timerPrev: TimerEntry | undefined = undefined;
  timerNext: TimerEntry | undefined = undefined;
  timerDue = 0;
  timerList: TimerList | undefined = undefined;
  /** Runs after recording, inside the list's batch. */
  andThen: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly clock: FakeClock,
    private readonly log: string[],
  ) {}

  onTimer(): void {
    this.log.push(`${this.name}@${this.clock.now()}`);
    this.andThen?.();
  }
}

function entries(clock: FakeClock, names: string[]) {
  const log: string[] = [];
  return { log, all: names.map((name) => new Entry(name, clock, log)) };
}

describe('timer lists (one runtime timer per clock and duration)', () => {
  it('runs many entries in due order, and entries armed at the same time in arm order', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(
      clock,
      Array.from({ length: 60 }, (_, i) => `e${i}`),
    );
    // Three entries per millisecond step, over 20 steps.
    for (let i = 0; i < all.length; i++) {
      if (i > 0 && i % 3 === 0) await clock.advance(7);
      armTimer(all[i], clock, 1_000);
    }
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(1_000);
    assert.deepEqual(
      log,
      all.map((e, i) => `${e.name}@${1_000 + Math.floor(i / 3) * 7}`),
    );
    assert.equal(clock.pendingTimers, 0);
  });

  it('holds one clock timer per list whatever the number of entries, one list per duration and clock', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(
      clock,
      Array.from({ length: 10_000 }, (_, i) => `e${i}`),
    );
    for (const e of all.slice(0, 5_000)) armTimer(e, clock, 10_000);
    assert.equal(clock.pendingTimers, 1);
    for (const e of all.slice(5_000)) armTimer(e, clock, 5_000);
    assert.equal(clock.pendingTimers, 2);
    const other = new FakeClock();
    const { all: others } = entries(other, ['x', 'y']);
    for (const e of others) armTimer(e, other, 10_000);
    assert.equal(clock.pendingTimers, 2);
    assert.equal(other.pendingTimers, 1);
    await clock.advance(5_000);
    assert.equal(log.length, 5_000);
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(5_000);
    assert.equal(log.length, 10_000);
    assert.equal(clock.pendingTimers, 0);
    for (const e of others) disarmTimer(e);
    assert.equal(other.pendingTimers, 0);
  });

  it('removes from the head, the middle and the tail in O(1); the others run on time', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b', 'c', 'd', 'e']);
    const [a, b, c, d, e] = all;
    for (const entry of all) {
      armTimer(entry, clock, 100);
      await clock.advance(10);
    }
    disarmTimer(a); // head
    disarmTimer(c); // middle
    disarmTimer(e); // tail
    disarmTimer(e); // not armed: no-op
    assert.equal(a.timerList, undefined);
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(200);
    assert.deepEqual(log, ['b@110', 'd@130']);
    assert.equal(clock.pendingTimers, 0);
    // Disarming every entry clears the timer at once, without waiting for it to fire.
    armTimer(b, clock, 100);
    armTimer(d, clock, 100);
    disarmTimer(d);
    disarmTimer(b);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(b.timerNext, undefined);
    assert.equal(d.timerPrev, undefined);
  });

  it('re-arming an entry moves it to the tail, due a full duration from now', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b']);
    const [a, b] = all;
    armTimer(a, clock, 100);
    armTimer(b, clock, 100);
    await clock.advance(50);
    armTimer(a, clock, 100); // sole timer kept: it fires for b, then re-arms for a
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(100);
    assert.deepEqual(log, ['b@100', 'a@150']);
    // Moving an entry to another duration leaves the first list (its timer cleared once empty).
    armTimer(a, clock, 100);
    armTimer(a, clock, 30);
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(30);
    assert.deepEqual(log, ['b@100', 'a@150', 'a@180']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('an entry may re-arm itself from its own callback: it runs once per batch, one timer throughout', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['tick', 'other']);
    const [tick, other] = all;
    let runs = 0;
    tick.andThen = () => {
      if (++runs < 5) armTimer(tick, clock, 100);
    };
    armTimer(tick, clock, 100);
    armTimer(other, clock, 100);
    for (let i = 0; i < 4; i++) {
      await clock.advance(100);
      assert.equal(clock.pendingTimers, 1);
    }
    await clock.advance(100);
    assert.deepEqual(log, ['tick@100', 'other@100', 'tick@200', 'tick@300', 'tick@400', 'tick@500']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('an entry removed by another callback of the same batch does not run', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b', 'c']);
    const [a, b, c] = all;
    a.andThen = () => disarmTimer(b);
    for (const entry of all) armTimer(entry, clock, 100);
    await clock.advance(100);
    assert.deepEqual(log, ['a@100', 'c@100']);
    assert.equal(b.timerList, undefined);
    // The last entry removed by a callback: the list retires at the end of the batch.
    armTimer(a, clock, 100);
    armTimer(b, clock, 100);
    a.andThen = () => disarmTimer(b);
    c.andThen = undefined;
    await clock.advance(100);
    assert.deepEqual(log, ['a@100', 'c@100', 'a@200']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('an entry armed by a callback on the firing list waits its full duration', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b']);
    const [a, b] = all;
    a.andThen = () => armTimer(b, clock, 100);
    armTimer(a, clock, 100);
    await clock.advance(100);
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(100);
    assert.deepEqual(log, ['a@100', 'b@200']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a callback that throws does not cost the other entries their turn; the error surfaces after the batch', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b', 'c', 'd']);
    const [a, b, , d] = all;
    const boom = new Error('boom');
    a.andThen = () => {
      throw boom;
    };
    for (const entry of all.slice(0, 3)) armTimer(entry, clock, 100);
    armTimer(d, clock, 200);
    armTimer(d, clock, 100); // d: re-armed later, in another batch
    await clock.advance(50);
    disarmTimer(d);
    armTimer(d, clock, 100);
    await assert.rejects(clock.advance(50), boom);
    assert.deepEqual(log, ['a@100', 'b@100', 'c@100']);
    assert.equal(clock.pendingTimers, 1, 'the list is re-armed for d');
    await clock.advance(100);
    assert.deepEqual(log, ['a@100', 'b@100', 'c@100', 'd@150']);
    // Several throwing: all run, one AggregateError.
    b.andThen = a.andThen;
    armTimer(a, clock, 100);
    armTimer(b, clock, 100);
    await assert.rejects(clock.advance(100), (error: unknown) => {
      assert.ok(error instanceof AggregateError);
      assert.deepEqual(error.errors, [boom, boom]);
      return true;
    });
    assert.equal(clock.pendingTimers, 0);
  });

  it('a clock going backwards loses no entry, runs none early and keeps the order', async () => {
    const clock = new FakeClock(1_000_000);
    const { log, all } = entries(clock, ['a', 'b', 'c']);
    const [a, b, c] = all;
    armTimer(a, clock, 1_000);
    await clock.advance(500);
    clock.jump(-60_000); // the wall clock is set back a minute while a waits
    armTimer(b, clock, 1_000);
    await clock.advance(200);
    armTimer(c, clock, 1_000);
    // b and c wait exactly their 1 000 ms; a, late by the 500 ms the list did not see, runs
    // with b (never early, never lost), c after them.
    await clock.advance(799);
    assert.deepEqual(log, []);
    await clock.advance(1);
    const at = (ms: number) => 1_000_000 - 60_000 + ms;
    assert.deepEqual(log, [`a@${at(1_500)}`, `b@${at(1_500)}`]);
    await clock.advance(200);
    assert.deepEqual(log.slice(2), [`c@${at(1_700)}`]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a clock set back while a list is idle delays its entries by at most its duration', async () => {
    const clock = new FakeClock(1_000_000);
    const { log, all } = entries(clock, ['a', 'b', 'c']);
    const [a, b, c] = all;
    armTimer(a, clock, 1_000);
    clock.jump(-3_600_000);
    await clock.advance(1_999);
    assert.deepEqual(log, []);
    assert.equal(clock.pendingTimers, 1, 'the timer fired early by the clock: re-armed');
    await clock.advance(1);
    assert.deepEqual(log, [`a@${1_002_000 - 3_600_000}`]);
    // A ms or two back (the rounding of Date.now against the runtime's clock): the timer is trusted.
    armTimer(b, clock, 100);
    clock.jump(-2);
    await clock.advance(100);
    assert.equal(log.length, 2);
    // More than that: the entry waits for the clock.
    armTimer(c, clock, 100);
    clock.jump(-5);
    await clock.advance(104);
    assert.equal(log.length, 2);
    await clock.advance(1);
    assert.equal(log.length, 3);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a clock jumping forward makes the entries it passed due at the next fire, in order', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b', 'c']);
    for (const entry of all) {
      armTimer(entry, clock, 1_000);
      await clock.advance(100);
    }
    clock.jump(5_000); // wall time moved (a laptop sleep); the runtime timer did not fire
    await clock.advance(700); // the timer armed for a fires
    assert.deepEqual(log, ['a@6000', 'b@6000', 'c@6000']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('durations below 1 ms count as 1 ms, as for setTimeout', async () => {
    const clock = new FakeClock();
    const { log, all } = entries(clock, ['a', 'b']);
    const [a, b] = all;
    armTimer(a, clock, 0);
    armTimer(b, clock, Number.NaN);
    assert.equal(clock.pendingTimers, 1);
    a.andThen = () => armTimer(a, clock, 0); // re-armed at 0 ms: next batch, not an endless loop
    await clock.advance(1);
    assert.deepEqual(log, ['a@1', 'b@1']);
    a.andThen = undefined;
    await clock.advance(1);
    assert.deepEqual(log, ['a@1', 'b@1', 'a@2']);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('times kept as small integers', () => {
  it('unboxed() returns the same number, as an int when it is one', () => {
    for (const n of [0, 1, -5, 2 ** 31 - 1, 2 ** 31, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.ok(Object.is(unboxed(n), n), `unboxed(${n})`);
    }
  });

  it('sinceEpoch() counts from the first reading of each clock', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    assert.equal(sinceEpoch(clock), 0);
    await clock.advance(1_234);
    assert.equal(sinceEpoch(clock), 1_234);
    const other = new FakeClock(5);
    assert.equal(sinceEpoch(other), 0);
  });
});
