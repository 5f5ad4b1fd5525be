import { onAbort } from '../core/abort.js';
import type { CallOptions } from '../core/message.js';
import { checkCallOptions, checkFunction } from '../core/validation.js';
import type { ReadMutex } from './types.js';

/** The engine's reader, as the mutex sees it. @internal */
export interface MutexReader {
  /** The lock is free again after the reader waited for its turn. */
  wake(): void;
  /** A user wants the lock while the reader holds it in a blocking `read()`: give it back. */
  interrupt(): void;
}

interface UserWaiter {
  grant(release: () => void): void;
}

/**
 * The engine's {@link ReadMutex}. Users (`lock`, `runExclusive`) queue first in, first out
 * and take precedence over the reader: a reader blocked in `read()` while a user asks for
 * the lock is interrupted (its read aborted, which takes no message), so a user's lock
 * never waits for the next inbound message.
 *
 * Users get this object as `engine.readMutex`, typed as its {@link ReadMutex} half; the
 * reader's side (`startRead`, `endRead`, `waitForTurn`, `whenFree`) is internal.
 * @internal
 */
export class EngineReadMutex implements ReadMutex {
  /** Who holds the lock: a user, or the reader for a blocking `read()`; `undefined` when free. */
  #holder: 'user' | MutexReader | undefined;
  /**
   * Who waits, made on first contention: users for the lock, shutdowns for it to be free,
   * and the reader for its turn (woken when a user releases it).
   */
  #waiting: { users: UserWaiter[]; free: (() => void)[]; reader: MutexReader | undefined } | undefined;

  get isLocked(): boolean {
    return this.#holder !== undefined;
  }

  lock(options?: CallOptions): Promise<() => void> {
    try {
      checkCallOptions(options, 'readMutex.lock');
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#holder === undefined) {
      this.#holder = 'user';
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: UserWaiter = {
        grant: (release) => {
          off();
          resolve(release);
        },
      };
      const off = onAbort(signal, (reason) => {
        const users = this.queues().users;
        const index = users.indexOf(waiter);
        if (index >= 0) users.splice(index, 1);
        reject(reason);
      });
      this.queues().users.push(waiter);
      if (this.#holder !== 'user') this.#holder?.interrupt();
    });
  }

  async runExclusive<T>(fn: () => T | Promise<T>, options?: CallOptions): Promise<T> {
    checkFunction(
      fn,
      'readMutex.runExclusive(fn): fn',
      'it runs while the lock is held, e.g. async () => { ... }',
    );
    checkCallOptions(options, 'readMutex.runExclusive');
    const release = await this.lock(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Reader side: takes the (free) lock for a blocking read until {@link endRead}. */
  startRead(reader: MutexReader): void {
    this.#holder = reader;
  }

  /** Reader side: the blocking read is over; the lock goes to a waiting user, else is free. */
  endRead(): void {
    this.unlock();
  }

  /** Reader side: `reader.wake()` is called once a user releases the lock. */
  waitForTurn(reader: MutexReader): void {
    this.queues().reader = reader;
  }

  /** Resolves once nobody holds the lock (a session's shutdown waits for a user's lock). */
  whenFree(): Promise<void> {
    if (this.#holder === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => this.queues().free.push(resolve));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.unlock();
      if (this.#holder !== undefined) return;
      const waiting = this.#waiting;
      const reader = waiting?.reader;
      if (waiting) waiting.reader = undefined;
      reader?.wake();
    };
  }

  private unlock(): void {
    const user = this.#waiting?.users.shift();
    if (user !== undefined) {
      this.#holder = 'user';
      user.grant(this.releaser());
      return;
    }
    this.#holder = undefined;
    if (this.#waiting === undefined || this.#waiting.free.length === 0) return;
    for (const resolve of this.#waiting.free.splice(0)) resolve();
  }

  private queues(): { users: UserWaiter[]; free: (() => void)[]; reader: MutexReader | undefined } {
    this.#waiting ??= { users: [], free: [], reader: undefined };
    return this.#waiting;
  }
}
