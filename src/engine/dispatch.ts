import { noop } from '../core/abort.js';
import { CallbackError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { Attr, SpanName } from '../otel/constants.js';
import { messageSize } from '../otel/trace-adapter.js';
import { contained } from './callbacks.js';
import type { SessionDeps } from './session.js';
import type { OnMessageArgs } from './types.js';

/** Abort reason of a read interrupted so a user can take the lock, or because the session ends. @internal */
export const INTERRUPTED: unique symbol = Symbol('wscengine.read-interrupted');

/**
 * The per-message half of a session: reading with interruption, calling `onMessage` with
 * up to `readers` calls in flight, and reporting errors to `onReadError` while nothing
 * reads. Kept apart from the shutdown logic in `Session` so the hot path is small and easy
 * to audit for allocations. Everything that is only needed once something happens (the
 * read's AbortController, the bound `restart`/`exit`, the completion handlers of async
 * `onMessage` calls) is created on first use, so an idle session holds little.
 * @internal
 */
export abstract class MessageDispatcher {
  /** Messages delivered so far; the keepalive reads it as proof of life. */
  received = 0;
  /** `onReadError` calls running; the reader does not read while it is above 0. */
  pauses = 0;
  /** `onMessage` calls started and not settled yet (error report included). */
  inFlight = 0;
  abstract closing: boolean;

  private readController: AbortController | undefined;
  private readOptions: { signal: AbortSignal } | undefined;
  private resumeGate: Promise<void> | undefined;
  private openGate: () => void = noop;
  private wakeReader: (() => void) | undefined;
  private boundRestart: (() => void) | undefined;
  private boundExit: (() => void) | undefined;
  private onSettled: (() => void) | undefined;
  private onFailed: ((error: unknown) => void) | undefined;
  private readonly traced: boolean;

  constructor(
    readonly deps: SessionDeps,
    readonly id: string,
  ) {
    this.traced = deps.telemetry.enabled;
  }

  /** A read rejected; returns true when the reader should stop. */
  abstract readFailed(error: unknown): Promise<boolean>;
  /** The reader has stopped and no `onMessage` is in flight. */
  abstract readerDone(): void;
  /** Closes this session and reconnects. */
  abstract doRestart(): void;
  /** Closes this session and ends the engine. */
  abstract doExit(): void;

  /** `restart` as handed to callbacks: bound once, on first use (users may destructure it). */
  get restart(): () => void {
    this.boundRestart ??= () => this.doRestart();
    return this.boundRestart;
  }

  /** `exit` as handed to callbacks: bound once, on first use. */
  get exit(): () => void {
    this.boundExit ??= () => this.doExit();
    return this.boundExit;
  }

  /** Aborts the pending blocking read, if any (it takes no message). Called by the mutex too. */
  interrupt(): void {
    this.readController?.abort(INTERRUPTED);
  }

  /**
   * Options of the next blocking read: one signal, reused by every read until an
   * interruption aborts it, created on the first read that has to wait.
   */
  readSignal(): { signal: AbortSignal } {
    if (this.readOptions === undefined || this.readOptions.signal.aborted) {
      this.readController = new AbortController();
      this.readOptions = { signal: this.readController.signal };
    }
    return this.readOptions;
  }

  /** Resolves when no `onReadError` runs any more. */
  resumed(): Promise<void> {
    return this.resumeGate ?? Promise.resolve();
  }

  /** Resolves when an in-flight `onMessage` settles (the reader is the only one waiting). */
  settled(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeReader = resolve;
    });
  }

  /**
   * Calls `onMessage`. A synchronous return is the hot path: nothing is allocated but the
   * argument object. A returned promise (or a throw, reported asynchronously) counts as in
   * flight until it and its error report are done; it never rejects.
   */
  deliver(message: Message): void {
    let pending: Promise<unknown>;
    if (this.traced) {
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
    this.onSettled ??= () => this.settle();
    this.onFailed ??= (error: unknown) => this.failed(error);
    void pending.then(this.onSettled, this.onFailed);
  }

  /** Reports `error` to `onReadError`; nothing reads until it returns. Never rejects. */
  async reportError(error: unknown): Promise<void> {
    if (this.pauses++ === 0) {
      this.resumeGate = new Promise<void>((resolve) => {
        this.openGate = resolve;
      });
      // No read while onReadError runs: a read waiting in the adapter gives its turn back.
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

  private args(message: Message): OnMessageArgs {
    const d = this.deps;
    return {
      message,
      conn: d.conn,
      readMutex: d.readMutex,
      // The fields once bound: the getters (which create them) are not inlined, and cost
      // ~20 ns per message in a flood.
      restart: this.boundRestart ?? this.restart,
      exit: this.boundExit ?? this.exit,
      sessionId: this.id,
    };
  }

  /** An in-flight `onMessage` is done: free its slot and wake the reader if it waits for one. */
  private settle(): void {
    this.inFlight--;
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  /** An in-flight `onMessage` threw or rejected: its slot stays taken until the report is done. */
  private failed(error: unknown): void {
    this.onSettled ??= () => this.settle();
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
