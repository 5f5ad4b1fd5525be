import type { Clock } from './types.js';

/** The real clock: wall time from `Date.now()` and the runtime's timers. @internal */
export const realClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** The first reading of each clock that {@link sinceEpoch} was asked about. */
const epochs = new WeakMap<Clock, number>();

/**
 * `clock.now()` in ms since the first time this was asked of `clock`. For 24 days that is a
 * small integer, which V8 keeps in the field that holds it, where `Date.now()` (past 2^31)
 * is a boxed double: 16 bytes more for each idle session that keeps a time. Differences
 * between two readings are those of `now()`.
 * @internal
 */
export function sinceEpoch(clock: Clock): number {
  const now = clock.now();
  const epoch = epochs.get(clock);
  if (epoch !== undefined) return unboxed(now - epoch);
  epochs.set(clock, now);
  return 0;
}

/**
 * `n` itself, as a small integer when it is one. V8's interpreter computes `a - b` of two
 * large numbers as a boxed double even when the result is small, and storing a boxed double
 * in a field makes V8 box that field in every object of the class.
 * @internal
 */
export function unboxed(n: number): number {
  const int = n | 0;
  return int === n ? int : n;
}

/**
 * Longest single timer of a wall-time wait. Runtime timers count monotonic time, which stops
 * while a laptop sleeps; re-checking the wall clock at least this often lets a wait that fell
 * due during the sleep end right after wake instead of running its full remaining length.
 */
export const WALL_CHECK_MS = 1_000;

/**
 * Waits until `ms` of wall time (`clock.now()`) have passed, or `signal` aborts (then it
 * resolves `false` at once and leaves no timer). Resolves `true` when the wait completed.
 * @internal
 */
export function wallSleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  const deadline = clock.now() + ms;
  return new Promise<boolean>((resolve) => {
    let handle: unknown;
    const onAbortFn = () => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const tick = () => {
      const left = deadline - clock.now();
      if (left <= 0) {
        signal.removeEventListener('abort', onAbortFn);
        resolve(true);
        return;
      }
      handle = clock.setTimeout(tick, Math.min(left, WALL_CHECK_MS));
    };
    signal.addEventListener('abort', onAbortFn, { once: true });
    tick();
  });
}

/**
 * Runs `fn` after `ms` on `clock`; returns a function that cancels it (idempotent).
 * @internal
 */
export function schedule(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: unknown = clock.setTimeout(() => {
    handle = undefined;
    fn();
  }, ms);
  return () => {
    if (handle === undefined) return;
    clock.clearTimeout(handle);
    handle = undefined;
  };
}
