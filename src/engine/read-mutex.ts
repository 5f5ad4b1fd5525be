import { onAbort } from '../core/abort.js';
import type { CallOptions } from '../core/message.js';
import type { ReadMutex } from './types.js';

interface LockWaiter {
  grant(): void;
}

/**
 * The engine's {@link ReadMutex}. Users (`lock`, `runExclusive`) queue FIFO and take
 * precedence over the read loops, so a lock requested while the loops are busy is granted
 * as soon as the current read ends. A loop blocked in `read()` with an empty queue is
 * interrupted (its read aborted, which takes no message) so a user's lock never waits for
 * the next inbound message.
 *
 * The loops' side is allocation-free when uncontended: `tryLock()`/`unlock()` are boolean
 * operations.
 * @internal
 */
export class EngineReadMutex implements ReadMutex {
  private locked = false;
  private readonly users: LockWaiter[] = [];
  private loopWaiters: (() => void)[] = [];
  private freeWaiters: (() => void)[] = [];
  /** Set by a loop while it holds the lock inside a blocking read; called when a user wants the lock. */
  interruptor: (() => void) | undefined;

  get isLocked(): boolean {
    return this.locked;
  }

  lock(options?: CallOptions): Promise<() => void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: LockWaiter = { grant: () => undefined };
      const off = onAbort(signal, (reason) => {
        const index = this.users.indexOf(waiter);
        if (index >= 0) this.users.splice(index, 1);
        reject(reason);
      });
      waiter.grant = () => {
        off();
        resolve(this.releaser());
      };
      this.users.push(waiter);
      this.interruptor?.();
    });
  }

  async runExclusive<T>(fn: () => T | Promise<T>, options?: CallOptions): Promise<T> {
    const release = await this.lock(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Loop side: takes the lock if it is free. */
  tryLock(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  /** Releases the lock: hands it to the oldest waiting user, else frees it. */
  unlock(): void {
    const user = this.users.shift();
    if (user) {
      user.grant();
      return;
    }
    this.locked = false;
    if (this.freeWaiters.length > 0) {
      const waiters = this.freeWaiters;
      this.freeWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Loop side: resolves when a loop may try the lock again (a user released it, or another
   * loop went off to await an async `onMessage`). The loop re-checks with `tryLock()`.
   */
  waitForTurn(): Promise<void> {
    return new Promise<void>((resolve) => this.loopWaiters.push(resolve));
  }

  /** Wakes one loop waiting for its turn. */
  wakeOne(): void {
    this.loopWaiters.shift()?.();
  }

  /** Wakes every loop waiting for its turn (shutdown: they see it and end). */
  wakeAll(): void {
    const waiters = this.loopWaiters;
    this.loopWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once nobody holds the lock (shutdown waits for a user's lock this way). */
  whenFree(): Promise<void> {
    if (!this.locked) return Promise.resolve();
    return new Promise<void>((resolve) => this.freeWaiters.push(resolve));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.unlock();
      // A user releasing frees the connection for the loops.
      if (!this.locked) this.wakeOne();
    };
  }
}
