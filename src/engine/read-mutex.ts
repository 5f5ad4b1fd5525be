import { onAbort } from '../core/abort.js';
import type { CallOptions } from '../core/message.js';
import type { ReadMutex } from './types.js';

interface LockWaiter {
  grant(): void;
}

/** The engine's reader, as the mutex sees it. @internal */
export interface Reader {
  /** The lock is free again after the reader waited for its turn: called synchronously. */
  wake(): void;
  /** A user wants the lock while the reader holds it in a blocking read: give it back. */
  interrupt(): void;
}

/** Bits of {@link EngineReadMutex}'s state. */
const State = Object.freeze({
  Locked: 1,
  /** The reader waits for its turn (wake it when the lock is free). */
  ReaderWaiting: 2,
  /** The reader holds the lock in a blocking read (interrupt it when a user wants the lock). */
  ReaderReading: 4,
} as const);

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
  // Three fields for the whole mutex: an engine holds one, and an idle engine should hold
  // little (see bench/README.md). The reader's roles and the lock are bits of `state`.
  private state = 0;
  /** The reader while it waits for its turn or reads holding the lock (`state` says which). */
  private reader: Reader | undefined;
  // Allocated on first use: most engines never contend.
  private queues: { users: LockWaiter[]; free: (() => void)[] } | undefined;

  get isLocked(): boolean {
    return (this.state & State.Locked) !== 0;
  }

  lock(options?: CallOptions): Promise<() => void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.isLocked) {
      this.state |= State.Locked;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: LockWaiter = { grant: () => undefined };
      const queues = this.queued();
      const off = onAbort(signal, (reason) => {
        const index = queues.users.indexOf(waiter);
        if (index >= 0) queues.users.splice(index, 1);
        reject(reason);
      });
      waiter.grant = () => {
        off();
        resolve(this.releaser());
      };
      queues.users.push(waiter);
      if (this.state & State.ReaderReading) this.reader?.interrupt();
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

  /**
   * Reader side: takes the lock for a blocking read, which a user's `lock()` interrupts
   * (`reader.interrupt()`) until {@link endRead}. The caller has checked it is free.
   */
  startRead(reader: Reader): void {
    this.state |= State.Locked | State.ReaderReading;
    this.reader = reader;
  }

  /** Reader side: the blocking read is over; releases the lock (to a waiting user first). */
  endRead(): void {
    this.state &= ~State.ReaderReading;
    this.forgetReader();
    this.unlock();
  }

  /** Releases the lock: hands it to the oldest waiting user, else frees it. */
  private unlock(): void {
    const user = this.queues?.users.shift();
    if (user !== undefined) {
      user.grant();
      return;
    }
    this.state &= ~State.Locked;
    const queues = this.queues;
    if (queues === undefined || queues.free.length === 0) return;
    const free = queues.free;
    queues.free = [];
    for (const w of free) w();
  }

  /**
   * Reader side: `reader.wake()` is called once the lock is free again (a user released
   * it). One session reads at a time, so there is at most one such waiter; the reader
   * re-checks everything when woken.
   */
  waitForTurn(reader: Reader): void {
    this.state |= State.ReaderWaiting;
    this.reader = reader;
  }

  /** Wakes the reader if it waits for its turn. */
  private wakeReader(): void {
    if (!(this.state & State.ReaderWaiting)) return;
    this.state &= ~State.ReaderWaiting;
    const reader = this.reader;
    this.forgetReader();
    reader?.wake();
  }

  /** Drops the reader once it has no role left: a finished session is not kept alive. */
  private forgetReader(): void {
    if (!(this.state & (State.ReaderWaiting | State.ReaderReading))) this.reader = undefined;
  }

  /** Resolves once nobody holds the lock (shutdown waits for a user's lock this way). */
  whenFree(): Promise<void> {
    if (!this.isLocked) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.queued().free.push(resolve);
    });
  }

  private queued(): { users: LockWaiter[]; free: (() => void)[] } {
    this.queues ??= { users: [], free: [] };
    return this.queues;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.unlock();
      // A user releasing frees the connection for the reader.
      if (!this.isLocked) this.wakeReader();
    };
  }
}
