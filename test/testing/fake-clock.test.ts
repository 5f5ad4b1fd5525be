import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/testing/index.js';

describe('FakeClock', () => {
  it('fires due timers in due order once advance() reaches them, and not before', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    await clock.advance(99);
    assert.deepEqual(fired, []);
    await clock.advance(101);
    assert.deepEqual(fired, ['a', 'b']);
    assert.equal(clock.now(), 200);
    assert.equal(clock.pendingTimers, 0);
  });

  it('lets promise callbacks run between timers, so a timer set by one that fired can fire in the same advance()', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => fired.push(clock.now()), 50));
    }, 100);
    await clock.advance(150);
    assert.deepEqual(fired, [150]);
  });

  it('clearTimeout() cancels a timer; unknown handles are ignored', async () => {
    const clock = new FakeClock();
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout('unknown');
    await clock.advance(20);
    assert.equal(fired, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('jump() moves now() without firing timers', async () => {
    const clock = new FakeClock(1_000);
    let fired = 0;
    clock.setTimeout(() => fired++, 10);
    clock.jump(60_000);
    assert.equal(clock.now(), 61_000);
    assert.equal(fired, 0);
    await clock.advance(10);
    assert.equal(fired, 1);
    assert.equal(clock.now(), 61_010);
  });
});
