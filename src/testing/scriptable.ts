import { raceAbort } from '../core/abort.js';
import type { CallOptions } from '../core/message.js';

/** How a recorded call ended: the value it returned (or resolved with), or what it threw (or rejected with). */
export type CallOutcome<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/** One call of a {@link ScriptableFunction}. */
export interface CallRecord<A extends unknown[], R> {
  /** The arguments, as passed (not copied). */
  readonly args: A;
  /** 1-based position of this call since creation or the last `reset()`. */
  readonly index: number;
  /** `undefined` while the call is pending; set once it returns, throws, resolves or rejects. */
  readonly outcome: CallOutcome<Awaited<R>> | undefined;
  /** Resolves (never rejects) with the outcome once the call settles. */
  readonly settled: Promise<CallOutcome<Awaited<R>>>;
}

/**
 * A function whose behaviour a test scripts and whose calls it inspects. "Once" behaviours
 * are queued and consumed in call order; when none is left, the "always" behaviour runs
 * (the default one until `resolves`, `rejects`, `returns`, `throws` or `implementation`
 * replaces it).
 *
 * @example
 * ```ts
 * mock.read.resolvesOnce(hello).rejectsOnce(new Error('boom')); // first two reads
 * mock.read.implementation(() => new Promise(() => {}));        // every later read hangs
 * const call = await mock.write.waitForCall(1);                 // no sleeping
 * assert.deepEqual(call.args, [MessageType.Text, 'hi']);
 * ```
 */
export interface ScriptableFunction<A extends unknown[], R> {
  (...args: A): R;
  /** Every later call returns a promise resolved with `value`. */
  resolves(value: Awaited<R>): this;
  /** The next unscripted call returns a promise resolved with `value`. */
  resolvesOnce(value: Awaited<R>): this;
  /** Every later call returns a promise rejected with `error`. */
  rejects(error: unknown): this;
  /** The next unscripted call returns a promise rejected with `error`. */
  rejectsOnce(error: unknown): this;
  /** Every later call returns `value` synchronously. */
  returns(value: R): this;
  /** The next unscripted call returns `value` synchronously. */
  returnsOnce(value: R): this;
  /** Every later call throws `error` synchronously (a promise-returning mock rejects instead). */
  throws(error: unknown): this;
  /** The next unscripted call throws `error` synchronously (a promise-returning mock rejects instead). */
  throwsOnce(error: unknown): this;
  /** Every later call runs `fn`. */
  implementation(fn: (...args: A) => R): this;
  /** The next unscripted call runs `fn`. */
  implementationOnce(fn: (...args: A) => R): this;
  /** The built-in behaviour, to delegate to from an `implementation`. */
  readonly default: (...args: A) => R;
  /** Every call since creation or the last `reset()`, oldest first. */
  readonly calls: readonly CallRecord<A, R>[];
  /** `calls.length`. */
  readonly callCount: number;
  /** The latest call, `undefined` if none. */
  readonly lastCall: CallRecord<A, R> | undefined;
  /** Forgets the calls and the scripted behaviours; back to the default. Pending `waitForCall`s keep waiting. */
  reset(): this;
  /**
   * Resolves with the `n`-th call (1-based, default 1) as soon as it happens, at once if it
   * already has. Rejects with `signal.reason` if `options.signal` aborts first.
   */
  waitForCall(n?: number, options?: CallOptions): Promise<CallRecord<A, R>>;
  /** Resolves with the first call made after this one: `waitForCall(callCount + 1)`. */
  waitForNextCall(options?: CallOptions): Promise<CallRecord<A, R>>;
}

/** Options of {@link scriptable}. */
export interface ScriptableOptions {
  /** Name shown in stack traces. */
  name?: string;
  /**
   * The function returns promises: a synchronous throw of the behaviour becomes a rejected
   * promise, as it would in an `async` method. Default `false`.
   */
  async?: boolean;
}

interface MutableRecord<A extends unknown[], R> extends CallRecord<A, R> {
  outcome: CallOutcome<Awaited<R>> | undefined;
}

interface State<A extends unknown[], R> {
  calls: MutableRecord<A, R>[];
  once: ((...args: A) => R)[];
  always: (...args: A) => R;
  waiters: { n: number; resolve(record: CallRecord<A, R>): void }[];
}

/**
 * Creates a {@link ScriptableFunction} whose unscripted behaviour is `defaultImpl`.
 * The building block of `WebSocketConnectionAdapterMock` and `WebSocketClientMock`; use
 * it to mock your own interfaces the same way.
 *
 * @example
 * ```ts
 * const fetchToken = scriptable(async () => 'token-1', { async: true });
 * fetchToken.resolvesOnce('token-2');
 * ```
 */
export function scriptable<A extends unknown[], R>(
  defaultImpl: (...args: A) => R,
  options: ScriptableOptions = {},
): ScriptableFunction<A, R> {
  const state: State<A, R> = { calls: [], once: [], always: defaultImpl, waiters: [] };
  const fn = function (this: unknown, ...args: A): R {
    const settle = startRecord(state, args);
    const behaviour = state.once.shift() ?? state.always;
    return invoke(settle, () => behaviour.apply(this, args), options.async === true);
  } as ScriptableFunction<A, R>;
  if (options.name) Object.defineProperty(fn, 'name', { value: options.name });
  defineApi(fn, state, defaultImpl);
  return fn;
}

type Settle<R> = (outcome: CallOutcome<Awaited<R>>) => void;

/** Records a call, wakes the `waitForCall`s it satisfies, and returns how to settle it. */
function startRecord<A extends unknown[], R>(state: State<A, R>, args: A): Settle<R> {
  let resolveSettled!: Settle<R>;
  const settled = new Promise<CallOutcome<Awaited<R>>>((resolve) => {
    resolveSettled = resolve;
  });
  const record: MutableRecord<A, R> = { args, index: state.calls.length + 1, outcome: undefined, settled };
  state.calls.push(record);
  for (const waiter of state.waiters.filter((w) => w.n <= state.calls.length)) {
    state.waiters.splice(state.waiters.indexOf(waiter), 1);
    waiter.resolve(state.calls[waiter.n - 1]);
  }
  return (outcome) => {
    record.outcome = outcome;
    resolveSettled(outcome);
  };
}

function invoke<R>(settle: Settle<R>, run: () => R, async: boolean): R {
  let result: R;
  try {
    result = run();
  } catch (reason) {
    settle({ status: 'rejected', reason });
    if (async) return Promise.reject(reason) as R;
    throw reason;
  }
  if (!isThenable(result)) {
    settle({ status: 'fulfilled', value: result as Awaited<R> });
    return result;
  }
  // Return a derived promise rather than observing `result` with a second handler: if the
  // caller ignores a rejection, it must still surface as an unhandled rejection.
  return Promise.resolve(result).then(
    (value) => {
      settle({ status: 'fulfilled', value: value as Awaited<R> });
      return value;
    },
    (reason: unknown) => {
      settle({ status: 'rejected', reason });
      throw reason;
    },
  ) as R;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function defineApi<A extends unknown[], R>(
  fn: ScriptableFunction<A, R>,
  state: State<A, R>,
  defaultImpl: (...args: A) => R,
): void {
  const always = (behaviour: (...args: A) => R) => {
    state.always = behaviour;
    return fn;
  };
  const once = (behaviour: (...args: A) => R) => {
    state.once.push(behaviour);
    return fn;
  };
  const resolving = (value: Awaited<R>) => () => Promise.resolve(value) as R;
  const rejecting = (error: unknown) => () => Promise.reject(error) as R;
  const returning = (value: R) => () => value;
  const throwing = (error: unknown) => () => {
    throw error;
  };
  const waitForCall = (n = 1, options?: CallOptions): Promise<CallRecord<A, R>> => {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`waitForCall(n): n must be an integer >= 1, got ${n}`);
    if (state.calls.length >= n) return Promise.resolve(state.calls[n - 1]);
    const waiting = new Promise<CallRecord<A, R>>((resolve) => state.waiters.push({ n, resolve }));
    return raceAbort(waiting, options?.signal);
  };
  Object.defineProperties(fn, {
    resolves: { value: (value: Awaited<R>) => always(resolving(value)) },
    resolvesOnce: { value: (value: Awaited<R>) => once(resolving(value)) },
    rejects: { value: (error: unknown) => always(rejecting(error)) },
    rejectsOnce: { value: (error: unknown) => once(rejecting(error)) },
    returns: { value: (value: R) => always(returning(value)) },
    returnsOnce: { value: (value: R) => once(returning(value)) },
    throws: { value: (error: unknown) => always(throwing(error)) },
    throwsOnce: { value: (error: unknown) => once(throwing(error)) },
    implementation: { value: always },
    implementationOnce: { value: once },
    default: { value: defaultImpl },
    calls: { get: () => state.calls },
    callCount: { get: () => state.calls.length },
    lastCall: { get: () => state.calls[state.calls.length - 1] },
    reset: {
      value: () => {
        state.calls = [];
        state.once = [];
        state.always = defaultImpl;
        return fn;
      },
    },
    waitForCall: { value: waitForCall },
    waitForNextCall: { value: (options?: CallOptions) => waitForCall(state.calls.length + 1, options) },
  });
}
