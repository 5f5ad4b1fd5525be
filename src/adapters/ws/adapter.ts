import { WebSocket } from 'ws';
import { noop, raceAbort, throwIfAborted } from '../../core/abort.js';
import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import { ConnectionClosedError, DialError } from '../../core/errors.js';
import type { InboundQueue } from '../../core/inbound-queue.js';
import { INBOUND_QUEUE } from '../../core/inbound-seam.js';
import type { CallOptions, HandshakeResponse, Message, MessageType } from '../../core/message.js';
import { redactUrl } from '../../core/redact.js';
import { StatusCode } from '../../core/status.js';
import {
  checkCallOptions,
  validateClose,
  validateMessage,
  validateWebSocketUrl,
} from '../../core/validation.js';
import { WsConnection } from './connection.js';
import { awaitOpen } from './handshake.js';
import { type ResolvedWsOptions, resolveOptions, type WsAdapterOptions } from './options.js';

/** Reason of the 1001 close sent to a connection that a new `dial` replaces. */
export const REDIAL_CLOSE_REASON = 'replaced by a new connection';

/**
 * {@link WebSocketConnectionAdapter} over the `ws` library (Node.js): handshake headers,
 * subprotocols, TLS options and agents, real pings, handshake status and headers, and a
 * bounded inbound queue that pauses the socket when full. Holds one connection at a time.
 *
 * After a close, `read` keeps rejecting with the close error (after any message the peer
 * sent before it); `write`, `ping` and `close` reject with `ConnectionClosedError`.
 *
 * An idle connection costs little beyond the `ws` socket: the listeners are shared by all
 * connections, and options left unset are shared by all adapters.
 *
 * @example
 * ```ts
 * import { MessageType } from 'wscengine';
 * import { WsAdapter } from 'wscengine/adapters/ws';
 *
 * const adapter = new WsAdapter({ headers: { authorization: `Bearer ${token}` } });
 * await adapter.dial(new URL('wss://example.com/feed'), { signal: AbortSignal.timeout(10_000) });
 * await adapter.write(MessageType.Text, 'subscribe');
 * const message = await adapter.read();
 * await adapter.close(1000, 'done');
 * ```
 */
export class WsAdapter implements WebSocketConnectionAdapter {
  private readonly options: ResolvedWsOptions;
  private connection: WsConnection | undefined;

  /** @throws InvalidOptionsError listing every bad option at once. */
  constructor(options?: WsAdapterOptions) {
    this.options = resolveOptions(options);
  }

  /**
   * Opens a connection and resolves with the server's 101 answer (status, lower-case
   * headers, negotiated subprotocol and extensions). A connection already held is closed
   * with 1001 first. Rejects with `HandshakeError` (non-101 answer, first 1 KiB of body),
   * `DialError` (unreachable, TLS, handshake timeout) or `signal.reason`, leaving nothing open.
   */
  async dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    const url = validateWebSocketUrl(target);
    checkCallOptions(options, 'dial');
    const signal = options?.signal;
    throwIfAborted(signal);
    // The old connection's close goes on even if this dial is given up.
    await raceAbort(this.dropConnection(), signal);
    throwIfAborted(signal);
    const { response, connection } = await awaitOpen(
      this.createSocket(url),
      signal,
      (ws) => new WsConnection(ws, this.options),
    );
    // A concurrent dial may have finished first: the latest to finish wins.
    await this.dropConnection();
    this.connection = connection;
    return response;
  }

  /**
   * Sends a close frame; resolves once the close handshake finished or `closeTimeoutMs`
   * passed. Rejects with `ConnectionClosedError` when the connection is no longer open: a
   * close already started (by this adapter, or by `ws` failing the connection on a bad
   * frame) first waits until the socket is gone, at most `closeTimeoutMs`, so nothing of
   * the connection outlives the call.
   */
  async close(code: number, reason = '', options?: CallOptions): Promise<void> {
    validateClose(code, reason);
    checkCallOptions(options, 'close');
    const connection = this.connection;
    if (!connection) throw new ConnectionClosedError();
    if (!connection.isOpen) {
      await connection.gone(this.options.closeTimeoutMs);
      throw new ConnectionClosedError();
    }
    // The signal cannot stop a close: an aborted one only cuts the handshake wait short.
    await connection.close(code, reason, this.options.closeTimeoutMs, options?.signal);
  }

  /** Sends a ping and resolves when its pong arrives; needs no concurrent `read`. */
  ping(options?: CallOptions): Promise<void> {
    try {
      checkCallOptions(options, 'ping');
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const connection = this.connection;
    if (!connection?.canSend) return Promise.reject(new ConnectionClosedError());
    return connection.ping(signal);
  }

  /** The next message, queued or to come; rejects with `WebSocketCloseError` once closed. */
  read(options?: CallOptions): Promise<Message> {
    try {
      checkCallOptions(options, 'read');
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const connection = this.connection;
    if (!connection) return Promise.reject(new ConnectionClosedError());
    return connection.read(signal);
  }

  /**
   * The engine's read path without a promise per message (`core/inbound-seam.ts`): the
   * current connection, which is its own inbound queue, or `undefined` before the first
   * dial and while a dial replaces it. Each `dial` makes a new queue, unwatched.
   * @internal
   */
  [INBOUND_QUEUE](): InboundQueue | undefined {
    return this.connection;
  }

  /** Sends one message; resolves once `ws` has written it to the socket. */
  write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    try {
      validateMessage(type, data);
      checkCallOptions(options, 'write');
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const connection = this.connection;
    if (!connection?.canSend) return Promise.reject(new ConnectionClosedError());
    return connection.write(data, signal);
  }

  /**
   * The `ws` `WebSocket` of the current connection, or `undefined` if none: never dialled,
   * closed, or failed by `ws` on a bad frame (its socket is then being destroyed).
   */
  getUnderlyingConnection(): WebSocket | undefined {
    const connection = this.connection;
    return connection && !connection.isGone ? connection.ws : undefined;
  }

  private createSocket(url: URL): WebSocket {
    const { client, protocols, headers, closeTimeoutMs } = this.options;
    try {
      // ws writes into `headers` on some redirects, so each dial gets its own copy.
      // `closeTimeout` (ws >= 8.19) bounds closes ws starts itself, e.g. its answer to the
      // server's close frame.
      const options = { ...client, headers: { ...headers }, closeTimeout: closeTimeoutMs };
      // ws only reads the list (its types ask for a mutable one).
      return new WebSocket(url, protocols as string[], options);
    } catch (cause) {
      throw new DialError(`could not start connecting to ${redactUrl(url)}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  /** Closes (1001) or drops whatever connection is held, and waits until it is gone. */
  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection || connection.isClosed) return;
    if (connection.isOpen) {
      await connection
        .close(StatusCode.GoingAway, REDIAL_CLOSE_REASON, this.options.closeTimeoutMs, undefined)
        .catch(noop);
    } else {
      connection.drop();
      await connection.closed;
    }
  }
}
