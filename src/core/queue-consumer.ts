import type { Message } from './message.js';

/**
 * Who takes messages from an `InboundQueue` without waiting on `read()` (the engine's
 * reader): registered with `queue.watch(consumer)`. Its methods are called synchronously
 * from the queue's `push`/`end` and must not throw; they may call the queue's `shift()`.
 *
 * Declared apart from the queue and from the engine's seam (`inbound-seam.ts`), which both
 * use it, so neither has to import the other.
 * @internal
 */
export interface QueueConsumer {
  /**
   * Optional: a message arrived while nothing is queued and no `read` waits. Return `true`
   * to take it (it is then neither queued nor announced), `false` to have it queued. Never
   * called for a message behind queued ones, so taking offers keeps the arrival order.
   */
  offer?(message: Message): boolean;
  /** A message was queued: `shift()` returns it now. */
  queued(): void;
  /** The queue ended: once `shift()` returns `undefined`, `read()` rejects with the end error. */
  ended(): void;
}
