import assert from 'node:assert/strict';
import { WscEngineError } from '../../src/index.js';

/** A class of the library's error tree. */
export type ErrorClass = abstract new (...args: never[]) => WscEngineError;

/**
 * Asserts `error` is a `Class` of the library (its `name` too) with `code`, and that its
 * message matches `fix`: what the user is told to do.
 */
export function expectError(error: unknown, Class: ErrorClass, code: string | number, fix: RegExp): void {
  assert.ok(error instanceof Class, `expected a ${Class.name}, got ${String(error)}`);
  assert.ok(error instanceof WscEngineError);
  assert.equal(error.code, code);
  assert.equal(error.name, Class.name);
  assert.match(error.message, fix);
}

/** What `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.fail('nothing was thrown');
}

/** What `promise` rejects with; fails the test when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}
