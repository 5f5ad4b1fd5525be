import { CallbackError, ConnectionClosedError, WebSocketCloseError } from '../../core/errors.js';
import type { InboundQueue } from '../../core/inbound-queue.js';
import { inboundQueueOf, type QueueConsumer } from '../../core/inbound-seam.js';
import type { Message } from '../../core/message.js';
import { messageSize } from '../../core/message-size.js';
import { ABNORMAL_CLOSURE } from '../../core/status.js';
import { contained } from '../callbacks.js';
import type { MutexReader } from '../read-mutex.js';
import { Attr, SpanName } from '../telemetry.js';
import type { OnMessageArgs } from '../types.js';
import type { SessionView } from './parts.js';

/**
 * A session's reader: takes messages in arrival order and calls `onMessage` with up to
 * `readers` calls in flight; takes nothing while `onReadError` runs or a user holds the
 * read mutex; stops once the session closes and what it started is done.
 *
 * It is a pump, not a loop parked in `await read()`: `#pump` takes messages while it
 * may, and whatever ends a wait calls it again (a message queued, a call settled, the lock
 * released, the session closing). Two sources feed it:
 * - the adapter's inbound queue, when the adapter exposes it (every adapter shipped here;
 *   see `inbound-seam.ts`): messages are taken synchronously, a message arriving while the
 *   reader is free goes straight to `onMessage`, and an idle session waits on nothing;
 * - otherwise `conn.read()`, one at a time, holding the read mutex so that a user's
 *   `lock()` interrupts it (an aborted read takes no message).
 * With telemetry the reader always uses `read()`, so every read is a span.
 * @internal
 */
export class Reader implements QueueConsumer, MutexReader {
  #queue: InboundQueue | undefined;
  /** `onMessage` calls started and not settled (their error report included). */
  #inFlight = 0;
  /** `onReadError` calls running: nothing is read meanwhile. */
  #reportingErrors = 0;
  #phase: 'idle' | 'reading' | 'stopping' | 'stopped' = 'idle';
  /** Whether `#pump` runs, and whether something asked it to go round once more. */
  #pumpState: 'idle' | 'running' | 'again' = 'idle';
  /**
   * What the `read()` path needs, made by its first read (an adapter with a queue never
   * does): the pending read's controller, which interrupts it, and a message a read
   * returned after the reader had to stop taking, delivered first.
   */
  #blocking: { reading: AbortController | undefined; held: Message | undefined } | undefined;

  /** Completion handlers of asynchronous `onMessage` calls, made by the first one. */
  #onSettled: { settled(): void; failed(error: unknown): void } | undefined;

  readonly #session: SessionView;

  constructor(session: SessionView) {
    this.#session = session;
  }

  /** Starts taking messages. */
  start(): void {
    const { conn, options } = this.#session;
    this.#queue = options.telemetry === undefined ? inboundQueueOf(conn) : undefined;
    this.#phase = 'reading';
    this.#queue?.watch(this);
    this.pump();
  }

  /** Takes nothing more; once what runs is done, `readerStopped` follows (if it had started). */
  stop(): void {
    if (this.#phase === 'idle') {
      this.#phase = 'stopped';
      return;
    }
    if (this.#phase !== 'reading') return;
    this.#phase = 'stopping';
    this.interrupt();
    this.pump();
  }

  /** Whether messages wait for the reader (a full queue pauses the socket, pongs included). */
  get backlogged(): boolean {
    if (this.#queue !== undefined) return this.#queue.size > 0;
    // Without the queue the reader cannot see the adapter's: not asking means it may hold some.
    return this.#blocking?.reading === undefined && this.#phase === 'reading';
  }

  /** Queue: a message arrived while nothing was queued. Taken now if the reader is free. */
  offer(message: Message): boolean {
    if (this.#pumpState !== 'idle' || !this.mayTake()) return false;
    this.#pumpState = 'running';
    let again = false;
    try {
      this.take(message);
    } finally {
      again = this.askedAgain();
      this.#pumpState = 'idle';
    }
    if (again) this.pump();
    return true;
  }

  /** Queue: a message is waiting. */
  queued(): void {
    this.pump();
  }

  /** Queue: the connection ended; what is queued is still taken, then `read()` reports how. */
  ended(): void {
    this.pump();
  }

  /** Mutex: the lock is free again. */
  wake(): void {
    this.pump();
  }

  /** Mutex or shutdown: gives up the pending `read()`, which takes no message. */
  interrupt(): void {
    this.#blocking?.reading?.abort();
  }

  /** Reports `error` to `onReadError`; nothing is read until it returns. Never rejects. */
  async reportError(error: unknown): Promise<void> {
    if (this.#reportingErrors++ === 0) this.interrupt();
    const { client, conn, mutex, id, restart, exit, options } = this.#session;
    try {
      await contained(
        options.telemetry,
        SpanName.OnReadError,
        () => ({ [Attr.SessionId]: id }),
        () => client.onReadError?.({ error, conn, readMutex: mutex, restart, exit, sessionId: id }),
      );
    } finally {
      this.#reportingErrors--;
      this.pump();
    }
  }

  /** Takes and dispatches messages until it has to wait. Never throws, never runs twice at once. */
  private pump(): void {
    if (this.#pumpState !== 'idle') {
      this.#pumpState = 'again';
      return;
    }
    try {
      do {
        this.#pumpState = 'running';
        this.step();
      } while (this.askedAgain());
    } finally {
      this.#pumpState = 'idle';
    }
  }

  /** Whether a wake-up came while the pump ran (a method: the pump's own calls change the state). */
  private askedAgain(): boolean {
    return this.#pumpState === 'again';
  }

  private step(): void {
    const { mutex } = this.#session;
    const held = this.#blocking?.held;
    if (held !== undefined && this.hasSlot()) {
      this.#blocking!.held = undefined;
      this.take(held);
    }
    while (this.mayTake()) {
      const message = this.#queue?.shift();
      if (message === undefined) {
        this.waitForMessage();
        return;
      }
      this.take(message);
    }
    if (this.#phase === 'stopping') this.checkStopped();
    else if (mutex.isLocked && this.#blocking?.reading === undefined) mutex.waitForTurn(this);
  }

  private hasSlot(): boolean {
    return this.#reportingErrors === 0 && this.#inFlight < this.#session.options.readers;
  }

  private mayTake(): boolean {
    return (
      this.#phase === 'reading' &&
      this.#blocking?.held === undefined &&
      this.hasSlot() &&
      !this.#session.mutex.isLocked
    );
  }

  /** Nothing to take now: a queue wakes the reader itself; otherwise (or once it ended) `read()`. */
  private waitForMessage(): void {
    if (this.#queue !== undefined && !this.#queue.isEnded) return;
    this.#blocking ??= { reading: undefined, held: undefined };
    if (this.#blocking.reading !== undefined) return;
    const controller = new AbortController();
    this.#blocking.reading = controller;
    this.#session.mutex.startRead(this);
    let pending: Promise<Message>;
    try {
      pending = this.#session.conn.read({ signal: controller.signal });
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (message) => this.readSettled(controller, message, undefined),
      (error: unknown) => this.readSettled(controller, undefined, error),
    );
  }

  private readSettled(controller: AbortController, message: Message | undefined, error: unknown): void {
    const blocking = this.#blocking!;
    blocking.reading = undefined;
    this.#session.mutex.endRead();
    if (message !== undefined) blocking.held = message;
    else if (!controller.signal.aborted) this.readFailed(error);
    this.pump();
  }

  /** A read rejected: a close ends the session, anything else goes to `onReadError`. */
  private readFailed(error: unknown): void {
    if (error instanceof WebSocketCloseError) {
      this.#session.end('peer', error);
    } else if (error instanceof ConnectionClosedError) {
      // The connection is gone without a close frame reaching us: a drop.
      this.#session.end('peer', new WebSocketCloseError(ABNORMAL_CLOSURE, '', { cause: error }));
    } else {
      void this.reportError(error);
    }
  }

  private checkStopped(): void {
    if (this.#inFlight > 0 || this.#reportingErrors > 0) return;
    if (this.#blocking?.reading !== undefined || this.#blocking?.held !== undefined) return;
    this.#phase = 'stopped';
    this.#queue?.watch(undefined);
    this.#session.readerStopped();
  }

  /**
   * Calls `onMessage`. A synchronous return costs nothing more; a returned promise holds a
   * slot until it settles; a throw or rejection goes to `onReadError`, slot held until the
   * report is done.
   */
  private take(message: Message): void {
    if (this.#session.messageArrived(message)) return;
    let result: unknown;
    try {
      result = this.callOnMessage(message);
    } catch (error) {
      this.#inFlight++;
      this.failed(error);
      return;
    }
    if (result == null || typeof (result as PromiseLike<unknown>).then !== 'function') return;
    this.#inFlight++;
    const handlers = this.completionHandlers();
    (result as PromiseLike<unknown>).then(handlers.settled, handlers.failed);
  }

  private callOnMessage(message: Message): unknown {
    const { client, conn, mutex, id, restart, exit, options } = this.#session;
    const args: OnMessageArgs = { message, conn, readMutex: mutex, restart, exit, sessionId: id };
    const telemetry = options.telemetry;
    if (telemetry === undefined) return client.onMessage?.(args);
    const attributes = {
      [Attr.SessionId]: id,
      [Attr.BodySize]: messageSize(message),
      [Attr.MessageType]: message.type === 1 ? 'text' : 'binary',
    };
    return telemetry.span(SpanName.OnMessage, attributes, async () => client.onMessage?.(args));
  }

  private failed(error: unknown): void {
    void this.reportError(new CallbackError('onMessage', error)).then(this.completionHandlers().settled);
  }

  /** What ends an asynchronous `onMessage`: its slot is freed (after the report of a failure). */
  private completionHandlers(): { settled(): void; failed(error: unknown): void } {
    this.#onSettled ??= {
      settled: () => {
        this.#inFlight--;
        this.pump();
      },
      failed: (error: unknown) => this.failed(error),
    };
    return this.#onSettled;
  }
}
