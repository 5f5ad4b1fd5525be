import { noop, onAbort } from './abort.js';
import type { Message } from './message.js';
import type { QueueConsumer } from './queue-consumer.js';

/** Bounds of an {@link InboundQueue}. */
export interface InboundQueueLimits {
  /** Pause the source once this many messages wait. Default 1024. */
  maxMessages?: number;
  /** Pause the source once this many bytes wait (string length counts as bytes). Default 16 MiB. */
  maxBytes?: number;
}

/** Defaults of {@link InboundQueueLimits}. */
export const INBOUND_QUEUE_DEFAULTS = Object.freeze({ maxMessages: 1024, maxBytes: 16 * 1024 * 1024 });

/** A `read` waiting for a message; `off` removes its abort listener. */
interface Waiter {
  resolve(message: Message): void;
  reject(error: unknown): void;
  off(): void;
}

/** How a queue is set up: its bounds, and the `pause`/`resume` given to the constructor, if any. */
interface QueueSetup {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly pause?: () => void;
  readonly resume?: () => void;
}

/** `limits` with defaults, and the controls; a frozen complete `limits` alone is used as is. */
function queueSetup(limits: InboundQueueLimits, pause?: () => void, resume?: () => void): QueueSetup {
  const { maxMessages, maxBytes } = limits;
  const complete = maxMessages !== undefined && maxBytes !== undefined;
  if (Object.isFrozen(limits) && complete && !pause && !resume) return limits as QueueSetup;
  return Object.freeze({
    maxMessages: maxMessages ?? INBOUND_QUEUE_DEFAULTS.maxMessages,
    maxBytes: maxBytes ?? INBOUND_QUEUE_DEFAULTS.maxBytes,
    pause,
    resume,
  });
}

// Shared and never written: the ring is allocated on the first push, so an idle
// connection pays nothing for it.
const NO_RING: (Message | undefined)[] = [];

/**
 * The inbound side of an adapter: messages the socket delivered and `read` calls waiting
 * for them, matched in order, exactly once. When more than the limits wait, `pause` is
 * called so the socket stops reading (TCP back-pressure reaches the server); `resume` is
 * called once the queue has drained to half. After `end(error)`, queued messages are
 * still delivered and then every read rejects with `error`.
 *
 * A consumer may also `watch` it: it hears of each queued message and of the end, and
 * takes messages with `shift`, so waiting costs no promise.
 *
 * Adapters feed it from their library's events; it owns no socket and no timer.
 */
export class InboundQueue {
  #ring: (Message | undefined)[] = NO_RING;
  #head = 0;
  #count = 0;
  #bytes = 0;
  /** Reads waiting for a message, oldest first; made by the first read that waits. */
  #waiters: Waiter[] | undefined;
  #consumer: QueueConsumer | undefined;
  #paused = false;
  #ended: { error: unknown } | undefined;
  /** Bounds and source controls: one reference, usually shared with the other queues. */
  readonly #limits: QueueSetup;

  constructor(limits: InboundQueueLimits = INBOUND_QUEUE_DEFAULTS, pause?: () => void, resume?: () => void) {
    this.#limits = queueSetup(limits, pause, resume);
  }

  /** Messages waiting to be read. */
  get size(): number {
    return this.#count;
  }

  /** Whether the source is paused because the queue is full. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** Whether the queue holds as many messages or bytes as its limits allow. */
  get isFull(): boolean {
    return this.#count >= this.#limits.maxMessages || this.#bytes >= this.#limits.maxBytes;
  }

  /** Whether `end()` was called. */
  get isEnded(): boolean {
    return this.#ended !== undefined;
  }

  /**
   * Hands a message to the oldest waiting read; else, when nothing is queued, offers it to
   * the consumer (`offer`); else queues it and tells the consumer (`queued`). Ignored after
   * `end()`.
   */
  push(message: Message): void {
    if (this.#ended) return;
    const waiter = this.#waiters?.shift();
    if (waiter) {
      waiter.off();
      waiter.resolve(message);
      return;
    }
    if (this.#count === 0 && this.#consumer?.offer?.(message)) return;
    if (this.#count === this.#ring.length) this.grow();
    this.#ring[(this.#head + this.#count) & (this.#ring.length - 1)] = message;
    this.#count++;
    this.#bytes += sizeOf(message);
    if (!this.#paused && this.isFull) {
      this.#paused = true;
      this.pauseSource();
    }
    this.#consumer?.queued();
  }

  /**
   * Registers `consumer` (replacing any other; `undefined` removes it): `offer(message)`
   * for a message that arrives while nothing is queued and no read waits (when the consumer
   * has it; `true` takes the message), `queued()` after each message that is queued,
   * `ended()` once on `end()`, or at once if the queue has already ended.
   */
  watch(consumer: QueueConsumer | undefined): void {
    this.#consumer = consumer;
    if (consumer && this.#ended) consumer.ended();
  }

  /** Takes the oldest queued message without waiting, or `undefined`. */
  shift(): Message | undefined {
    if (this.#count === 0) return undefined;
    const limits = this.#limits;
    // Resume before taking the message: a source that pushes synchronously from `resume`
    // may wake a consumer that drains the queue from inside this call, and it must find
    // the head still in place for the order to hold.
    if (
      this.#paused &&
      this.#count - 1 <= limits.maxMessages >> 1 &&
      this.#bytes - sizeOf(this.#ring[this.#head]!) <= limits.maxBytes / 2
    ) {
      this.#paused = false;
      if (!this.#ended) this.resumeSource();
      if (this.#count === 0) return undefined;
    }
    const head = this.#head;
    const message = this.#ring[head]!;
    this.#ring[head] = undefined;
    this.#head = (head + 1) & (this.#ring.length - 1);
    this.#count--;
    this.#bytes -= sizeOf(message);
    return message;
  }

  /**
   * The next message: a queued one at once, else the next to arrive. Rejects with the end
   * error once the queue is ended and empty, or with `signal.reason` (taking no message).
   */
  read(signal?: AbortSignal): Promise<Message> {
    // Checked first: an aborted call must not consume a message it will never deliver.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const message = this.shift();
    if (message) return Promise.resolve(message);
    if (this.#ended) return Promise.reject(this.#ended.error);
    return new Promise<Message>((resolve, reject) => {
      this.#waiters ??= [];
      const waiters = this.#waiters;
      const waiter: Waiter = { resolve, reject, off: noop };
      waiter.off = onAbort(signal, (reason) => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        reject(reason);
      });
      waiters.push(waiter);
    });
  }

  /** Stops the source because the queue is full. Override to do it without the constructor's function. */
  protected pauseSource(): void {
    this.#limits.pause?.();
  }

  /** Restarts the source once the queue drained to half. Override along with {@link pauseSource}. */
  protected resumeSource(): void {
    this.#limits.resume?.();
  }

  /**
   * Ends the queue: waiting reads reject with `error` at once; queued messages are still
   * delivered unless `dropQueued` (a local `close()` drops them), then reads reject with
   * `error`. Dropping resumes a paused source, so the peer's close frame can still be read.
   * Only the first call counts.
   */
  end(error: unknown, dropQueued = false): void {
    if (this.#ended) return;
    this.#ended = { error };
    if (dropQueued) {
      this.#ring = NO_RING;
      this.#head = this.#count = this.#bytes = 0;
      if (this.#paused) {
        this.#paused = false;
        this.resumeSource();
      }
    }
    const waiters = this.#waiters ?? [];
    this.#waiters = undefined;
    for (const waiter of waiters) {
      waiter.off();
      waiter.reject(error);
    }
    this.#consumer?.ended();
  }

  private grow(): void {
    const ring = this.#ring;
    const next: (Message | undefined)[] = new Array(Math.max(16, ring.length * 2));
    const mask = ring.length - 1;
    for (let i = 0; i < this.#count; i++) next[i] = ring[(this.#head + i) & mask];
    this.#ring = next;
    this.#head = 0;
  }
}

/**
 * Bytes a message counts for: UTF-16 units of a string, bytes of a `Uint8Array` (whose
 * `length` is its byte length). Read again when the message leaves the queue: both are
 * fixed for the object's life, so nothing per message is stored.
 */
function sizeOf(message: Message): number {
  return message.data.length;
}
