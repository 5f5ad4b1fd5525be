import type { CallOptions, HandshakeResponse, Message, MessageType } from './message.js';

/**
 * The contract between the engine and a WebSocket library. One adapter holds at most one
 * connection at a time. Every adapter shipped here passes the executable conformance suite
 * (`wscengine/testing`), which checks each rule below; run it against your own adapter.
 *
 * Common rules:
 * - A call whose `options.signal` aborts rejects with `signal.reason` (a `TimeoutError` for
 *   `AbortSignal.timeout`) and loses nothing: an aborted `read` takes no message.
 * - A call that needs a connection when there is none rejects with `ConnectionClosedError`.
 * - Methods may be called concurrently.
 */
export interface WebSocketConnectionAdapter {
  /**
   * Opens a connection to `target` and completes the WebSocket handshake (and TLS).
   * - Resolves only once the handshake is complete, with the server's answer; the
   *   connection itself stays inside the adapter (see `getUnderlyingConnection`).
   * - If the adapter already holds a connection, it closes and drops it first.
   * - Rejects with `InvalidArgumentError` for a URL that is not `ws:`/`wss:`, with
   *   `HandshakeError` when the server answers other than 101 (leaving nothing open), and
   *   with `DialError` when the server cannot be reached.
   */
  dial(target: URL, options?: CallOptions): Promise<HandshakeResponse>;

  /**
   * Sends a close frame with `code` and `reason` and closes the connection.
   * - Resolves once the close frame is sent and the close handshake has finished, or the
   *   adapter's close timeout has passed (then the connection is dropped).
   * - Pending `read` and `write` calls reject.
   * - Closes even if `options.signal` has already aborted.
   * - Rejects with `ConnectionClosedError` when there is no open connection (so a second
   *   `close()` rejects), and with `InvalidArgumentError` for a code that may not be sent
   *   (1005, 1006, 1015, outside 1000-4999) or a reason over 123 UTF-8 bytes.
   */
  close(code: number, reason?: string, options?: CallOptions): Promise<void>;

  /**
   * Sends a ping and resolves when the matching pong arrives, whether or not a `read` is
   * pending. Rejects if the connection closes first, or with `signal.reason`.
   */
  ping(options?: CallOptions): Promise<void>;

  /**
   * Resolves with the next whole message (defragmented, decompressed); control frames are
   * handled inside. Messages that arrive before `read` is called are queued in order; the
   * queue is bounded and the socket is paused while it is full. Concurrent `read` calls
   * each get a different message, in arrival order.
   * - Rejects with `WebSocketCloseError` when the connection closes: the peer's code and
   *   reason, `1005` for a close frame without a code, `1006` when no close frame came.
   */
  read(options?: CallOptions): Promise<Message>;

  /**
   * Sends one whole message: `Text` takes a `string`, `Binary` a `Uint8Array`.
   * Resolves once the message is handed to the network; concurrent writes go out in call
   * order. Rejects with `InvalidArgumentError` for a wrong type, `ConnectionClosedError`
   * without a connection.
   */
  write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void>;

  /** The library's own connection object (e.g. a `ws` `WebSocket`), or `undefined` if none. */
  getUnderlyingConnection(): unknown;
}
