import type { InboundQueueLimits } from '../core/inbound-queue.js';

/** State of the client end of an in-memory connection. */
export type InMemoryReadyState = 'open' | 'closing' | 'closed';

/** What the in-memory adapter's `getUnderlyingConnection()` returns: a read-only view of its connection. */
export interface InMemorySocket {
  /** The URL dialled. */
  readonly url: URL;
  /** The negotiated subprotocol, `''` if none. */
  readonly protocol: string;
  /** `'closing'` once the client sent its close frame, `'closed'` once the connection is gone. */
  readonly readyState: InMemoryReadyState;
}

/** Settings of one link, fixed at dial time. */
export interface LinkSettings {
  url: URL;
  protocol: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  inboundQueue: InboundQueueLimits;
  closeTimeoutMs: number;
  transportBufferBytes: number;
}
