import type { Clock } from '../engine/types.js';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A {@link Clock} driven by the test: no real time passes. `advance(ms)` fires the due timers
 * in order, letting promise callbacks run between them; `jump(ms)` moves wall time without
 * firing anything, as a laptop sleep does to monotonic timers.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const engine = new WebSocketEngine({ url, adapter, client, clock, keepalive: { intervalMs: 10_000, timeoutMs: 5_000 } });
 * await engine.start();
 * await clock.advance(15_000); // ping sent, no pong: the session ends with 1006
 * ```
 */
export class FakeClock implements Clock {
  /** Wall time, what `now()` returns: moved by `advance` and `jump`. */
  private time: number;
  /** Timer time: moved by `advance` only, so `jump` fires nothing. */
  private monotonic = 0;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  /** @param start initial wall time in ms. Default `0`. */
  constructor(start = 0) {
    this.time = start;
  }

  /** Current fake wall time. */
  now(): number {
    return this.time;
  }

  /** Registers `fn` to run once `advance` reaches `now() + ms`. */
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.monotonic + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  /** Cancels a timer; unknown handles are ignored. */
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers registered and not yet fired or cleared (should be 0 once an engine stopped). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing each due timer in due order and letting pending
   * promise callbacks run before and after each one (several macrotask turns). Await it:
   * the timers have fired, and what they started has run, once it resolves.
   *
   * @example
   * ```ts
   * const clock = new FakeClock();
   * let fired = 0;
   * clock.setTimeout(() => fired++, 1_000);
   * await clock.advance(999);
   * assert.equal(fired, 0);
   * await clock.advance(1);
   * assert.equal(fired, 1);
   * ```
   */
  async advance(ms: number): Promise<void> {
    await flush();
    const end = this.monotonic + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.time += next.at - this.monotonic;
      this.monotonic = next.at;
      this.timers = this.timers.filter((t) => t !== next);
      next.fn();
      await flush();
    }
    this.time += end - this.monotonic;
    this.monotonic = end;
    await flush();
  }

  /** Moves wall time (`now()`) forward by `ms` without firing timers: a laptop sleep. */
  jump(ms: number): void {
    this.time += ms;
  }

  private nextDue(end: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (t.at <= end && (!best || t.at < best.at)) best = t;
    return best;
  }
}

/** Lets promise chains settle: a few macrotask turns of the real event loop. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => globalThis.setTimeout(resolve, 0));
}
