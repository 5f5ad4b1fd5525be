import { onAbort } from '../core/abort.js';
import type { CallOptions } from '../core/message.js';
import type { ReadMutex } from './types.js';

interface LockWaiter {
  grant(): void;
}

/** The reader waiting for its turn: woken (synchronously) when the lock is free again. @internal */
export interface TurnWaiter {
  wake(): void;
}

/**
 * The engine's {@link ReadMutex}. Users (`lock`, `runExclusive`) queue FIFO and take
 * precedence over the reader, so a lock requested while the reader is busy is granted
 * as soon as the current read ends. The reader blocked in `read()` with an empty queue is
 * interrupted (its read aborted, which takes no message) so a user's lock never waits for
 * the next inbound message.
 *
 * The reader's side is allocation-free when uncontended: `tryLock()`/`unlock()` are boolean
 * operations. Users get this object as `engine.readMutex`, typed as its {@link ReadMutex}
 * half: the reader's side is internal (one object per engine, no view over it).
 * @internal
 */
export class EngineReadMutex implements ReadMutex {
  private locked = false;
  // Allocated on first use: most engines never contend, and an idle one should hold little.
  private users: LockWaiter[] | undefined;
  private turnWaiter: TurnWaiter | undefined;
  private freeWaiters: (() => void)[] | undefined;
  /** Set by the reader while it holds the lock inside a blocking read; interrupted when a user wants the lock. */
  interruptor: { interrupt(): void } | undefined;

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
        const index = this.users?.indexOf(waiter) ?? -1;
        if (index >= 0) this.users?.splice(index, 1);
        reject(reason);
      });
      waiter.grant = () => {
        off();
        resolve(this.releaser());
      };
      this.users ??= [];
      this.users.push(waiter);
      this.interruptor?.interrupt();
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
    const user = this.users?.shift();
    if (user !== undefined) {
      user.grant();
      return;
    }
    this.locked = false;
    const waiters = this.freeWaiters;
    if (waiters !== undefined) {
      this.freeWaiters = undefined;
      for (const w of waiters) w();
    }
  }

  /**
   * Reader side: `reader.wake()` is called once the lock is free again (a user released
   * it). One session reads at a time, so there is at most one such waiter; the reader
   * re-checks everything when woken.
   */
  waitForTurn(reader: TurnWaiter): void {
    this.turnWaiter = reader;
  }

  /** Wakes the reader if it waits for its turn. */
  wakeReader(): void {
    const reader = this.turnWaiter;
    this.turnWaiter = undefined;
    reader?.wake();
  }

  /** Resolves once nobody holds the lock (shutdown waits for a user's lock this way). */
  whenFree(): Promise<void> {
    if (!this.locked) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.freeWaiters ??= [];
      this.freeWaiters.push(resolve);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.unlock();
      // A user releasing frees the connection for the reader.
      if (!this.locked) this.wakeReader();
    };
  }
}
