import type { ReadWatcher } from '../core/adapter.js';
import { CallbackError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { Attr, SpanName } from '../otel/constants.js';
import { messageSize } from '../otel/trace-adapter.js';
import { contained } from './callbacks.js';
import type { Reader } from './read-mutex.js';
import type { SessionDeps } from './session.js';
import type { OnMessageArgs } from './types.js';

/** Abort reason of a read interrupted so a user can take the lock, or because the session ends. @internal */
export const INTERRUPTED: unique symbol = Symbol('wscengine.read-interrupted');

/**
 * How a session's reader gets messages from its adapter, chosen once per run from the
 * methods the adapter has: `Blocking`, only the contract's `read()` (one at a time,
 * interruptible by a signal); `Queued`, `readQueued()` for what is queued and a blocking
 * `read()` when nothing is; `Watched`, `readQueued()` plus `watchReads()`, so the adapter
 * says when to read and no read waits.
 * @internal
 */
export const ReadMode = Object.freeze({ Blocking: 0, Queued: 1, Watched: 2 } as const);
/** @internal */
export type ReadMode = (typeof ReadMode)[keyof typeof ReadMode];

/** The read mode an adapter allows. @internal */
export function readModeOf(adapter: SessionDeps['conn']): ReadMode {
  if (typeof adapter.readQueued !== 'function') return ReadMode.Blocking;
  return typeof adapter.watchReads === 'function' ? ReadMode.Watched : ReadMode.Queued;
}

/** Bits of a session's state (`MessageDispatcher.bits`). @internal */
export const Bit = Object.freeze({
  /** Set by `run()`: wake-ups before it (an `exit()` inside `onOpen`) do nothing. */
  Active: 1,
  /** The pump is running: a wake-up now only asks it to go round once more. */
  Pumping: 2,
  /** Something woke the reader while the pump ran. */
  Repump: 4,
  /** A blocking `read()` is pending; its settlement pumps. */
  Reading: 8,
  /** The adapter said the connection ended: a blocking read now reports how. */
  SourceEnded: 16,
  /** `readerDone()` was called. */
  Finished: 32,
  /** Telemetry is on: callbacks run in spans. */
  Traced: 64,
  /** `exit()` or `stop()` was called during the session. */
  ExitRequested: 128,
  /** `restart()` was called during the session. */
  RestartRequested: 256,
  /** A message was delivered since the keepalive last looked: proof of life. */
  Seen: 512,
} as const);

/** A blocking read's signal and its settlement handlers, kept between reads. */
interface BlockingRead {
  /** What the last read resolved with, dispatched by the next pump. */
  message: Message | undefined;
  controller: AbortController;
  options: { signal: AbortSignal };
  onRead: (message: Message) => void;
  onRejected: (error: unknown) => void;
}

/**
 * The per-message half of a session: the reader, `onMessage` with up to `readers` calls
 * in flight, and `onReadError` while nothing reads. Kept apart from the shutdown logic in
 * `Session` so the hot path is small and easy to audit for allocations.
 *
 * The reader is a pump, not a loop parked in `await read()`: {@link pump} takes messages
 * while it may (no `onReadError` running, a slot free, nobody holding the lock) and returns
 * when it must wait. Whatever ends the wait calls `pump()` again: the adapter's watcher
 * (`queued()`/`ended()`), a settled `onMessage`, the end of an `onReadError`, the lock
 * being released, the session ending. So an idle session over a watching adapter holds no
 * promise, no suspended function and no `AbortSignal`, and a queued message is handed to a
 * synchronous `onMessage` from the adapter's event that brought it, with no promise, timer
 * or closure per message. Adapters without `watchReads` get one blocking `read()` at a time
 * (with an `AbortSignal` so a user's `lock()` and the shutdown can interrupt it).
 *
 * Order and bounds are those of N read loops: messages read in arrival order, `onMessage`
 * started in that order, at most `readers` in flight (`readers: 1` is strictly sequential),
 * no read while the lock is held or `onReadError` runs. The pump never runs re-entrantly: a
 * wake-up from inside it (an `onMessage` that releases a lock) makes it go round once more.
 * Everything only needed once something happens (the read's AbortController, the bound
 * `restart`/`exit`, completion handlers) is created on first use.
 * @internal
 */
export abstract class MessageDispatcher implements ReadWatcher, Reader {
  /** `onReadError` calls running; the reader does not read while it is above 0. */
  pauses = 0;
  /** `onMessage` calls started and not settled yet (error report included). */
  inFlight = 0;
  /**
   * The reader's booleans as bits of one number ({@link Bit}): an idle session holds
   * thousands of these objects in a busy process, and each boolean field costs 8 bytes.
   */
  protected bits = 0;
  /** What a blocking read needs, created on the first one (never, over a watched adapter). */
  private blocking: BlockingRead | undefined;
  private boundRestart: (() => void) | undefined;
  private boundExit: (() => void) | undefined;
  private onSettled: (() => void) | undefined;
  private onFailed: ((error: unknown) => void) | undefined;

  constructor(
    readonly deps: SessionDeps,
    readonly id: string,
  ) {
    if (deps.telemetry.enabled) this.bits = Bit.Traced;
  }

  /** True from the first end trigger on: the reader takes no new message. */
  abstract get closing(): boolean;

  /** A read rejected with something other than an interruption. */
  abstract readFailed(error: unknown): void;
  /** The reader has stopped for good: closing, no read pending, no `onMessage` or `onReadError` running. */
  abstract readerDone(): void;
  /** Closes this session and reconnects. */
  abstract doRestart(): void;
  /** Closes this session and ends the engine. */
  abstract doExit(): void;

  /** `restart` as handed to callbacks: bound once, on first use (users may destructure it). */
  get restart(): () => void {
    this.boundRestart ??= this.doRestart.bind(this);
    return this.boundRestart;
  }

  /** `exit` as handed to callbacks: bound once, on first use. */
  get exit(): () => void {
    this.boundExit ??= this.doExit.bind(this);
    return this.boundExit;
  }

  /** Watcher: a message was queued in the adapter. */
  queued(): void {
    this.pump();
  }

  /**
   * Watcher: a message arrived and nothing is queued. Taken and dispatched at once when the
   * reader could take it now (the common case while idle): no queue round trip. Declined
   * while the reader waits for a slot, the lock or `onReadError`, or is already running
   * (the message is then queued and the pump takes it in order), and with telemetry on (the
   * pump sets the span context).
   */
  offer(message: Message): boolean {
    if (
      (this.bits & (Bit.Active | Bit.Pumping | Bit.Traced | Bit.Reading)) !== Bit.Active ||
      this.closing ||
      this.pauses > 0 ||
      this.inFlight >= this.deps.readers ||
      this.deps.mutex.isLocked
    ) {
      return false;
    }
    this.bits |= Bit.Pumping | Bit.Seen;
    try {
      this.deliver(message);
    } finally {
      this.bits &= ~Bit.Pumping;
    }
    // Something woke the reader while onMessage ran (a released lock, a settled call).
    if (this.bits & Bit.Repump) this.pump();
    return true;
  }

  /** Watcher: the connection ended; what is queued is still delivered, then the read reports the close. */
  ended(): void {
    this.bits |= Bit.SourceEnded;
    this.pump();
  }

  /** The lock is free again. */
  wake(): void {
    this.pump();
  }

  /** Starts watching the adapter (when it can be watched) and reading. */
  protected startReading(): void {
    this.bits |= Bit.Active;
    if (this.deps.readMode === ReadMode.Watched) this.deps.conn.watchReads?.(this);
    this.pump();
  }

  /** Aborts the pending blocking read, if any (it takes no message). Called by the mutex too. */
  interrupt(): void {
    this.blocking?.controller.abort(INTERRUPTED);
  }

  /**
   * Takes and dispatches messages until it has to wait; never throws, never runs twice at
   * once. With telemetry on it runs with no active span, whoever woke it (a socket event
   * runs in the context the socket was created in), so `onMessage` spans root their traces.
   */
  pump(): void {
    const bits = this.bits;
    if (!(bits & Bit.Active)) return;
    if (bits & Bit.Pumping) {
      this.bits = bits | Bit.Repump;
      return;
    }
    this.bits = bits | Bit.Pumping;
    try {
      if (bits & Bit.Traced) {
        // Bound per pump: with telemetry on, each message costs a span anyway, and an
        // idle session then holds one field less.
        this.deps.telemetry.detached(this.drain.bind(this));
      } else {
        this.drain();
      }
    } finally {
      this.bits &= ~Bit.Pumping;
    }
  }

  private drain(): void {
    do {
      this.bits &= ~Bit.Repump;
      this.step();
    } while (this.bits & Bit.Repump);
  }

  private step(): void {
    const { mutex, conn: adapter, readers, readMode } = this.deps;
    for (;;) {
      const read = this.blocking?.message;
      if (read !== undefined) {
        (this.blocking as BlockingRead).message = undefined;
        this.bits |= Bit.Seen;
        this.deliver(read);
        continue;
      }
      if (this.closing) {
        this.finishReading();
        return;
      }
      if (this.bits & Bit.Reading || this.pauses > 0 || this.inFlight >= readers) return;
      if (mutex.isLocked) {
        mutex.waitForTurn(this);
        return;
      }
      // Synchronous: nothing can take the lock between the check above and this.
      const message = readMode === ReadMode.Blocking ? undefined : adapter.readQueued?.();
      if (message !== undefined) {
        this.bits |= Bit.Seen;
        this.deliver(message);
        continue;
      }
      if (readMode === ReadMode.Watched && !(this.bits & Bit.SourceEnded)) return;
      this.blockingRead();
      return;
    }
  }

  /** One `read()` holding the lock; a user's `lock()` or the shutdown interrupts it. */
  private blockingRead(): void {
    const { mutex, conn: adapter } = this.deps;
    mutex.startRead(this);
    this.bits |= Bit.Reading;
    const blocking = this.blockingState();
    let pending: Promise<Message>;
    try {
      pending = adapter.read(blocking.options);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(blocking.onRead, blocking.onRejected);
  }

  private readSettled(message: Message | undefined, error: unknown): void {
    const { mutex } = this.deps;
    this.bits &= ~Bit.Reading;
    mutex.endRead();
    if (message !== undefined) (this.blocking as BlockingRead).message = message;
    else if (error !== INTERRUPTED) this.readFailed(error);
    this.pump();
  }

  /**
   * The next blocking read's signal and handlers: one signal, reused by every read until
   * an interruption aborts it; all created on the first read that has to wait.
   */
  private blockingState(): BlockingRead {
    let blocking = this.blocking;
    if (blocking === undefined) {
      const controller = new AbortController();
      blocking = {
        message: undefined,
        controller,
        options: { signal: controller.signal },
        onRead: (message: Message) => this.readSettled(message, undefined),
        onRejected: (error: unknown) => this.readSettled(undefined, error),
      };
      this.blocking = blocking;
    } else if (blocking.controller.signal.aborted) {
      blocking.controller = new AbortController();
      blocking.options = { signal: blocking.controller.signal };
    }
    return blocking;
  }

  /** Closing: once nothing reads or runs, the reader is done (once). */
  private finishReading(): void {
    if (this.bits & (Bit.Finished | Bit.Reading) || this.pauses > 0 || this.inFlight > 0) return;
    this.bits |= Bit.Finished;
    if (this.deps.readMode === ReadMode.Watched) this.deps.conn.watchReads?.(undefined);
    this.readerDone();
  }

  /**
   * Calls `onMessage`. A synchronous return is the hot path: nothing is allocated but the
   * argument object. A returned promise (or a throw, reported asynchronously) counts as in
   * flight until it and its error report are done; it never rejects.
   */
  private deliver(message: Message): void {
    let pending: Promise<unknown>;
    if (this.bits & Bit.Traced) {
      pending = this.deliverTraced(message);
    } else {
      let result: unknown;
      try {
        result = this.deps.client.onMessage(this.args(message));
      } catch (error) {
        this.inFlight++;
        this.failed(error);
        return;
      }
      if (result == null || typeof (result as PromiseLike<void>).then !== 'function') return;
      pending = Promise.resolve(result);
    }
    this.inFlight++;
    this.onSettled ??= this.settle.bind(this);
    this.onFailed ??= this.failed.bind(this);
    void pending.then(this.onSettled, this.onFailed);
  }

  /** Reports `error` to `onReadError`; nothing reads until it returns. Never rejects. */
  async reportError(error: unknown): Promise<void> {
    // No read while onReadError runs: a read waiting in the adapter gives its turn back.
    if (this.pauses++ === 0) this.interrupt();
    const d = this.deps;
    try {
      await contained(
        d.telemetry,
        SpanName.OnReadError,
        () => ({ [Attr.SessionId]: this.id }),
        () =>
          d.client.onReadError?.({
            error,
            conn: d.conn,
            readMutex: d.mutex,
            restart: this.restart,
            exit: this.exit,
            sessionId: this.id,
          }),
      );
    } finally {
      if (--this.pauses === 0) this.pump();
    }
  }

  private args(message: Message): OnMessageArgs {
    const d = this.deps;
    return {
      message,
      conn: d.conn,
      readMutex: d.mutex,
      // The fields once bound: the getters (which create them) are not inlined, and cost
      // ~20 ns per message in a flood.
      restart: this.boundRestart ?? this.restart,
      exit: this.boundExit ?? this.exit,
      sessionId: this.id,
    };
  }

  /** An in-flight `onMessage` is done: free its slot and let the reader go on. */
  private settle(): void {
    this.inFlight--;
    this.pump();
  }

  /** An in-flight `onMessage` threw or rejected: its slot stays taken until the report is done. */
  private failed(error: unknown): void {
    this.onSettled ??= this.settle.bind(this);
    void this.reportError(new CallbackError('onMessage', error)).then(this.onSettled);
  }

  private deliverTraced(message: Message): Promise<unknown> {
    // Counted by the traced adapter already; here only the span's attributes.
    const attributes = {
      [Attr.SessionId]: this.id,
      [Attr.BodySize]: messageSize(message),
      [Attr.MessageType]: message.type === 1 ? 'text' : 'binary',
    };
    return this.deps.telemetry.span(SpanName.OnMessage, attributes, async () =>
      this.deps.client.onMessage(this.args(message)),
    );
  }
}
