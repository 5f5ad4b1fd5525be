import type { Clock } from './types.js';

/** The real clock: wall time from `Date.now()` and the runtime's timers. @internal */
export const realClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
});

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
