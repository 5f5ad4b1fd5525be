import type { InboundQueue } from './inbound-queue.js';

/**
 * The engine's fast read path, kept out of the adapter contract: an adapter whose inbound
 * side is an {@link InboundQueue} (every adapter shipped here) hands the queue of its
 * current connection to the engine through this symbol-keyed method, and the engine takes
 * messages from the queue without a promise per message. An adapter without it is read
 * through `read()`, which gives the same guarantees. Not documented for third parties on
 * purpose: the six methods of the contract are all an adapter needs.
 *
 * `Symbol.for`, so the ESM and CJS builds of the package agree on it.
 * @internal
 */
export const INBOUND_QUEUE: unique symbol = Symbol.for('wscengine.inboundQueue') as never;

/** An adapter that exposes its current connection's queue. @internal */
export interface HasInboundQueue {
  /** The current connection's queue, or `undefined` when there is no connection. */
  [INBOUND_QUEUE](): InboundQueue | undefined;
}

/** The queue of `adapter`'s current connection, when it exposes one. @internal */
export function inboundQueueOf(adapter: object): InboundQueue | undefined {
  const method = (adapter as Partial<HasInboundQueue>)[INBOUND_QUEUE];
  return typeof method === 'function' ? method.call(adapter) : undefined;
}

export type { QueueConsumer } from './queue-consumer.js';
