import { onAbort } from '../../core/abort.js';
import { SendError } from '../../core/send-errors.js';
import type { OutboxOptions } from '../options.js';
import type { Clock } from '../types.js';

/** A send waiting in the outbox, and how to settle it. @internal */
export interface QueuedSend<S> {
  readonly data: string | Uint8Array;
  /** The sender's signal, for the write. */
  readonly signal: AbortSignal | undefined;
  /** The message was written, on `session`. */
  sent(session: S): void;
  /** The message was not written (and never will be). */
  failed(error: unknown): void;
}

interface Entry<S> extends QueuedSend<S> {
  readonly size: number;
  readonly expiresAt: number;
  offAbort(): void;
}

/**
 * Where `send()` puts messages while no session is ready: first in, first out, bounded by
 * count and bytes, each message for at most `ttlMs`. A message that cannot wait is rejected
 * with a {@link SendError} carrying its payload, so nothing is dropped without a word; one
 * runtime timer rejects the expired ones, armed only while something waits.
 * @internal
 */
export class Outbox<S> {
  readonly #entries: Entry<S>[] = [];
  #bytes = 0;
  #cancelExpiry: (() => void) | undefined;
  /** The session writing what waits here, if one is: later sends queue behind it. */
  flushing: S | undefined;

  readonly #limits: Readonly<Required<OutboxOptions>>;
  readonly #clock: Clock;

  constructor(limits: Readonly<Required<OutboxOptions>>, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Messages waiting. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Queues `data`; resolves with the session that wrote it, or rejects: `ERR_OUTBOX_FULL`
   * at once when it does not fit, `ERR_SEND_EXPIRED` after `ttlMs`, `signal.reason` on abort.
   */
  add(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<S> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const size = data.length;
    const { maxMessages, maxBytes, ttlMs } = this.#limits;
    if (this.#entries.length >= maxMessages || this.#bytes + size > maxBytes) {
      const what = `${this.#entries.length} messages, ${this.#bytes} bytes waiting`;
      const limit = `outbox.maxMessages ${maxMessages}, outbox.maxBytes ${maxBytes}`;
      return Promise.reject(
        new SendError('ERR_OUTBOX_FULL', `outbox full (${what}; ${limit}): not queued`, data),
      );
    }
    return new Promise<S>((resolve, reject) => {
      const entry: Entry<S> = {
        data,
        signal,
        size,
        expiresAt: this.#clock.now() + ttlMs,
        sent: (session) => {
          entry.offAbort();
          resolve(session);
        },
        failed: (error) => {
          entry.offAbort();
          reject(error);
        },
        offAbort: () => undefined,
      };
      entry.offAbort = onAbort(signal, (reason) => {
        if (this.#remove(entry)) reject(reason);
      });
      this.#entries.push(entry);
      this.#bytes += size;
      if (this.#cancelExpiry === undefined) this.#armExpiry();
    });
  }

  /** Takes the oldest waiting message off the queue; the caller settles it. */
  shift(): QueuedSend<S> | undefined {
    const entry = this.#entries.shift();
    if (entry === undefined) return undefined;
    this.#bytes -= entry.size;
    if (this.#entries.length === 0) this.#disarmExpiry();
    return entry;
  }

  /** Puts back a message {@link shift} took and could not write: it goes first next time. */
  unshift(queued: QueuedSend<S>): void {
    const entry = queued as Entry<S>;
    this.#entries.unshift(entry);
    this.#bytes += entry.size;
    if (this.#cancelExpiry === undefined) this.#armExpiry();
  }

  /** Rejects every waiting message with `ERR_SEND_ABORTED` (the run is over). */
  abortAll(why: string): void {
    this.#disarmExpiry();
    const entries = this.#entries.splice(0);
    this.#bytes = 0;
    for (const entry of entries) {
      entry.failed(new SendError('ERR_SEND_ABORTED', `not sent: ${why}`, entry.data));
    }
  }

  #remove(entry: Entry<S>): boolean {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return false;
    this.#entries.splice(index, 1);
    this.#bytes -= entry.size;
    if (this.#entries.length === 0) this.#disarmExpiry();
    return true;
  }

  /** One timer for the oldest message: entries expire in queue order. */
  #armExpiry(): void {
    const head = this.#entries[0];
    if (head === undefined) return;
    const ms = Math.max(1, head.expiresAt - this.#clock.now());
    const handle = this.#clock.setTimeout(() => {
      this.#cancelExpiry = undefined;
      this.#expire();
    }, ms);
    this.#cancelExpiry = () => this.#clock.clearTimeout(handle);
  }

  #disarmExpiry(): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = undefined;
  }

  #expire(): void {
    const now = this.#clock.now();
    while (this.#entries.length > 0 && this.#entries[0].expiresAt <= now) {
      const entry = this.shift()!;
      const age = `waited ${this.#limits.ttlMs} ms (outbox.ttlMs) without a ready session`;
      entry.failed(new SendError('ERR_SEND_EXPIRED', `not sent: ${age}`, entry.data));
    }
    this.#armExpiry();
  }
}
