/**
 * Message types an adapter reads and writes. The values mirror the RFC 6455 data-frame
 * opcodes; control frames (close, ping, pong, continuation) never surface as messages.
 *
 * @example
 * ```ts
 * await adapter.write(MessageType.Text, 'hello');
 * ```
 */
export const MessageType = {
  /** A UTF-8 text message, delivered as a `string`. */
  Text: 1,
  /** A binary message, delivered as a `Uint8Array`. */
  Binary: 2,
} as const;

/** One of the {@link MessageType} values: `1` (text) or `2` (binary). */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * A whole WebSocket message, already defragmented and decompressed.
 * Text messages carry a `string`, binary messages a `Uint8Array` (a Node `Buffer` in Node
 * adapters, which is a `Uint8Array`).
 */
export type Message =
  | { type: typeof MessageType.Text; data: string }
  | { type: typeof MessageType.Binary; data: Uint8Array };

/**
 * Per-call options. `signal` cancels the call or bounds it in time
 * (`AbortSignal.timeout(ms)`); an aborted call rejects with `signal.reason`.
 */
export interface CallOptions {
  /** Aborts the call; the call rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** What the server answered to the opening handshake. */
export interface HandshakeResponse {
  /** HTTP status, `101` on success. */
  status: number;
  /** Response headers with lower-case names; `{}` where the library hides them (WHATWG). */
  headers: Record<string, string | string[] | undefined>;
  /** The negotiated subprotocol, `''` if none. */
  protocol: string;
  /** The negotiated extensions, `''` if none. */
  extensions: string;
}
