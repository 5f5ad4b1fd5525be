import { CallbackError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { Attr, SpanName } from '../otel/constants.js';
import { messageSize } from '../otel/trace-adapter.js';
import { contained } from './callbacks.js';
import type { SessionDeps } from './session.js';

/** Abort reason of a read interrupted so a user can take the lock, or because the session ends. @internal */
export const INTERRUPTED: unique symbol = Symbol('wscengine.read-interrupted');

/**
 * The per-message half of a session: reading with interruption, calling `onMessage`, and
 * reporting errors to `onReadError` while no loop reads. Kept apart from the shutdown logic
 * in `Session` so the hot path is small and easy to audit for allocations.
 * @internal
 */
export abstract class MessageDispatcher {
  /** Messages delivered so far; the keepalive reads it as proof of life. */
  received = 0;
  /** `onReadError` calls running; loops do not read while it is above 0. */
  pauses = 0;
  abstract closing: boolean;
  abstract readonly restart: () => void;
  abstract readonly exit: () => void;

  private readController: AbortController | undefined;
  private readOptions: { signal: AbortSignal } | undefined;
  private resumeGate: Promise<void> | undefined;
  private openGate: () => void = () => undefined;
  private readonly traced: boolean;

  constructor(
    readonly deps: SessionDeps,
    readonly id: string,
  ) {
    this.traced = deps.telemetry.enabled;
  }

  /** A read rejected; returns true when the loop should end. */
  abstract readFailed(error: unknown): Promise<boolean>;

  /** Aborts the pending blocking read, if any (it takes no message). */
  readonly interrupt = (): void => {
    this.readController?.abort(INTERRUPTED);
  };

  /** Waits for the next message; the caller holds the lock, which a user's `lock()` interrupts. */
  async blockingRead(): Promise<Message> {
    if (this.readOptions === undefined || this.readOptions.signal.aborted) {
      this.readController = new AbortController();
      this.readOptions = { signal: this.readController.signal };
    }
    const mutex = this.deps.mutex;
    mutex.interruptor = this.interrupt;
    try {
      return await this.deps.adapter.read(this.readOptions);
    } finally {
      mutex.interruptor = undefined;
    }
  }

  /** Resolves when no `onReadError` runs any more. */
  resumed(): Promise<void> {
    return this.resumeGate ?? Promise.resolve();
  }

  /**
   * Calls `onMessage`. Returns `undefined` when it completed synchronously (the hot path:
   * nothing allocated but the argument object), else a promise that settles once it and
   * any error report are done; it never rejects.
   */
  deliver(message: Message): Promise<unknown> | undefined {
    if (this.traced) return this.deliverTraced(message);
    const d = this.deps;
    let result: unknown;
    try {
      result = d.client.onMessage({
        message,
        conn: d.conn,
        readMutex: d.readMutex,
        restart: this.restart,
        exit: this.exit,
        sessionId: this.id,
      });
    } catch (error) {
      return this.reportError(new CallbackError('onMessage', error));
    }
    if (result != null && typeof (result as PromiseLike<void>).then === 'function') {
      return Promise.resolve(result).then(undefined, this.onMessageRejected);
    }
    return undefined;
  }

  /** Reports `error` to `onReadError`; no loop reads until it returns. Never rejects. */
  async reportError(error: unknown): Promise<void> {
    if (this.pauses++ === 0) {
      this.resumeGate = new Promise<void>((resolve) => {
        this.openGate = resolve;
      });
      // No loop reads while onReadError runs: a loop waiting in read() gives its turn back.
      this.interrupt();
    }
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
            readMutex: d.readMutex,
            restart: this.restart,
            exit: this.exit,
            sessionId: this.id,
          }),
      );
    } finally {
      if (--this.pauses === 0) {
        this.resumeGate = undefined;
        this.openGate();
      }
    }
  }

  private readonly onMessageRejected = (error: unknown): Promise<void> =>
    this.reportError(new CallbackError('onMessage', error));

  private deliverTraced(message: Message): Promise<unknown> {
    const d = this.deps;
    // Counted by the traced adapter already; here only the span's attributes.
    const bytes = messageSize(message);
    const attributes = {
      [Attr.SessionId]: this.id,
      [Attr.BodySize]: bytes,
      [Attr.MessageType]: message.type === 1 ? 'text' : 'binary',
    };
    return d.telemetry
      .span(SpanName.OnMessage, attributes, async () =>
        d.client.onMessage({
          message,
          conn: d.conn,
          readMutex: d.readMutex,
          restart: this.restart,
          exit: this.exit,
          sessionId: this.id,
        }),
      )
      .then(undefined, this.onMessageRejected);
  }
}
