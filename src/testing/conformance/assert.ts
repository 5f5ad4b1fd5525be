import { type Message, MessageType } from '../../core/message.js';

/**
 * A conformance check failed. `actual` holds the value or error the adapter produced
 * instead of the expected one, so a declared exception can tell "the adapter refused with
 * a typed error" from "the adapter silently did something else". Thrown by the suite's
 * own tiny assertion helpers, which avoid `node:assert` so the suite also runs in browsers.
 */
export class ConformanceAssertionError extends Error {
  /** What the adapter produced instead (a value or an error), when there is one. */
  readonly actual: unknown;

  constructor(message: string, options: { actual?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConformanceAssertionError';
    this.actual = options.actual;
  }
}

/** Throws a {@link ConformanceAssertionError}. */
export function fail(message: string, actual?: unknown): never {
  throw new ConformanceAssertionError(message, {
    actual,
    cause: actual instanceof Error ? actual : undefined,
  });
}

/** Fails unless `actual === expected` (`Object.is`). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) {
    fail(`${what}: expected ${show(expected)}, got ${show(actual)}`, actual);
  }
}

/** Fails unless `condition` holds. */
export function ok(condition: unknown, message: string, actual?: unknown): asserts condition {
  if (!condition) fail(message, actual);
}

/** Fails unless `actual` is the same message as `expected`: same type, same text or bytes. */
export function sameMessage(actual: Message, expected: Message, what: string): void {
  ok(actual && typeof actual === 'object', `${what}: expected a message, got ${show(actual)}`, actual);
  equal(actual.type, expected.type, `${what}: message type`);
  if (expected.type === MessageType.Text) {
    ok(typeof actual.data === 'string', `${what}: text data must be a string, got ${show(actual.data)}`);
    if (actual.data !== expected.data) {
      fail(`${what}: text differs (${describeData(actual.data)} instead of ${describeData(expected.data)})`);
    }
    return;
  }
  ok(
    actual.data instanceof Uint8Array,
    `${what}: binary data must be a Uint8Array, got ${show(actual.data)}`,
  );
  if (!sameBytes(actual.data as Uint8Array, expected.data)) {
    fail(`${what}: bytes differ (${describeData(actual.data)} instead of ${describeData(expected.data)})`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeData(data: string | Uint8Array): string {
  if (typeof data === 'string') {
    return data.length > 40
      ? `${data.length} chars starting ${JSON.stringify(data.slice(0, 20))}`
      : JSON.stringify(data);
  }
  return `${data.byteLength} bytes`;
}

/** A short, safe rendering of a value for failure messages. */
export function show(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return `${value.name}${code === undefined ? '' : ` [${String(code)}]`}: ${value.message}`;
  }
  if (typeof value === 'string')
    return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}...` : JSON.stringify(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
  if (value && typeof value === 'object') {
    try {
      const json = JSON.stringify(value);
      return json.length > 120 ? `${json.slice(0, 120)}...` : json;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** Text message helper. */
export const text = (data: string): Message => ({ type: MessageType.Text, data });
/** Binary message helper. */
export const binary = (data: Uint8Array | number[]): Message => ({
  type: MessageType.Binary,
  data: data instanceof Uint8Array ? data : Uint8Array.from(data),
});

// biome-ignore lint/suspicious/noExplicitAny: constructor parameters vary per error class.
export type ErrorClass<E> = abstract new (...args: any[]) => E;

/**
 * Waits for `promise` to reject with an instance of `Class` (and `code`, if given) and
 * returns the error. A resolution or another error fails, carrying what came instead.
 */
export async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  Class: ErrorClass<E>,
  what: string,
  code?: string | number,
): Promise<E> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (!(error instanceof Class)) fail(`${what}: expected ${Class.name}, got ${show(error)}`, error);
    if (code !== undefined) equal((error as { code?: unknown }).code, code, `${what}: error code`);
    return error;
  }
  fail(`${what}: expected a rejection with ${Class.name}, but it resolved with ${show(value)}`, value);
}

/** Waits for `promise` to reject with exactly `signal.reason` (by identity). */
export async function rejectsWithReason(
  promise: Promise<unknown>,
  signal: AbortSignal,
  what: string,
): Promise<void> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    const reason = signal.reason;
    if (!signal.aborted || error !== reason)
      fail(`${what}: expected signal.reason (${show(reason)}), got ${show(error)}`, error);
    return;
  }
  fail(`${what}: expected a rejection with signal.reason, but it resolved with ${show(value)}`, value);
}

/**
 * Marks `promise` as handled and returns it, for calls started now and awaited later: a
 * rejection in between must not surface as an unhandled rejection (test runners blame it
 * on whichever test is running).
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
