import { onAbort, throwIfAborted } from '../../core/abort.js';
import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import { CANNOT_PING } from '../../core/adapter-traits.js';
import { ConnectionClosedError, DialError, UnsupportedOperationError } from '../../core/errors.js';
import type { InboundQueue } from '../../core/inbound-queue.js';
import { INBOUND_QUEUE } from '../../core/inbound-seam.js';
import type { CallOptions, HandshakeResponse, Message, MessageType } from '../../core/message.js';
import { redactUrl } from '../../core/redact.js';
import { NORMAL_CLOSURE } from '../../core/status.js';
import {
  checkCallOptions,
  validateClose,
  validateMessage,
  validateWebSocketUrl,
} from '../../core/validation.js';
import { WhatwgConnection } from './connection.js';
import { type ResolvedWhatwgOptions, resolveOptions, type WhatwgWebSocketAdapterOptions } from './options.js';
import type { WhatwgErrorEventLike, WhatwgWebSocketLike } from './types.js';

const PING_UNSUPPORTED =
  'the WHATWG WebSocket API cannot send pings: give the engine keepalive.heartbeat ' +
  '{ message, isReply }, or use WsAdapter (wscengine/adapters/ws) on Node';

/**
 * Adapter over any WHATWG `WebSocket` constructor: browsers, Deno, Bun, Node >= 22's
 * global, or undici's on Node 20. Imports nothing Node-specific.
 *
 * Where the WHATWG API falls short of the adapter contract it fails clearly instead:
 * - `ping()` rejects with `UnsupportedOperationError` (the API cannot send pings); the
 *   engine's keepalive sends `keepalive.heartbeat` instead.
 * - `dial()` resolves with status 101 and `headers: {}`, and rejects with `DialError`
 *   for both a refused connection and a non-101 answer (the API does not tell them apart).
 * - The socket cannot be paused: a full inbound queue fails the connection (see
 *   `inboundOverflow`).
 * - Close codes 1001-1014 go out as 1000 with the given reason (WHATWG `close()` throws
 *   for them); locally the close still reports the caller's code.
 * - A close code a runtime invents for a dropped connection (Deno's 0, anything outside
 *   1000-4999) is reported as 1006, as the contract says.
 * - `write()` resolves once the message is queued in the runtime's send buffer; see
 *   {@link WhatwgWebSocketAdapter.bufferedAmount}.
 *
 * @example
 * ```ts
 * import { WhatwgWebSocketAdapter } from 'wscengine/adapters/whatwg';
 * import { WebSocket } from 'undici'; // Node 20 only; elsewhere omit the option
 *
 * const adapter = new WhatwgWebSocketAdapter({ WebSocket, protocols: ['chat.v1'] });
 * await adapter.dial(new URL('wss://example.com/socket'));
 * await adapter.write(MessageType.Text, 'hello');
 * const reply = await adapter.read({ signal: AbortSignal.timeout(5_000) });
 * await adapter.close(NORMAL_CLOSURE, 'done');
 * ```
 */
export class WhatwgWebSocketAdapter implements WebSocketConnectionAdapter {
  /** @internal The WHATWG API cannot send pings: the engine's keepalive needs a heartbeat. */
  readonly [CANNOT_PING] = true;
  readonly #options: ResolvedWhatwgOptions;
  #current: WhatwgConnection | undefined;
  // The queue outlives its socket so reads can still drain it and then see the close.
  #queue: InboundQueue | undefined;

  /** @throws InvalidOptionsError listing every bad option, or when no `WebSocket` is available. */
  constructor(options: WhatwgWebSocketAdapterOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /**
   * Bytes handed to `write()` that the runtime has not yet sent; `0` without a connection.
   * Poll it to apply back-pressure on writes, which the WHATWG API does not signal.
   */
  get bufferedAmount(): number {
    return this.#current?.ws.bufferedAmount ?? 0;
  }

  /**
   * Opens a socket and resolves on its `open` event. Status is always 101 and headers `{}`:
   * the WHATWG API exposes neither.
   * @throws DialError when the socket fails before opening: refused, unreachable, TLS, or a
   *   non-101 answer, which the WHATWG API reports identically.
   */
  async dial(target: URL, options: CallOptions = {}): Promise<HandshakeResponse> {
    const url = validateWebSocketUrl(target);
    checkCallOptions(options, 'dial');
    const previous = this.#current;
    this.#queue = undefined;
    if (previous) await previous.shutdown(NORMAL_CLOSURE, '', true);
    throwIfAborted(options.signal);
    const connection = this.#connect(url);
    await waitForOpen(connection, url, options.signal);
    const replaced = this.#current;
    this.#current = connection;
    this.#queue = connection.queue;
    // A concurrent dial may have opened meanwhile: one connection per adapter, the last wins.
    replaced?.shutdown(NORMAL_CLOSURE, '', true);
    return {
      status: 101,
      headers: {},
      protocol: connection.ws.protocol,
      extensions: connection.ws.extensions,
    };
  }

  /**
   * Closes with `code` and `reason` and resolves once the close handshake finished, or
   * after `closeTimeoutMs`, or as soon as `signal` aborts (the socket is then dropped;
   * an already-aborted signal still sends the close). Codes 1001-1014 go out as 1000.
   */
  async close(code: number, reason = '', options: CallOptions = {}): Promise<void> {
    validateClose(code, reason);
    checkCallOptions(options, 'close');
    const connection = this.#current;
    if (!connection) throw new ConnectionClosedError();
    await connection.shutdown(code, reason, true, options.signal);
  }

  /** Always rejects with `UnsupportedOperationError`: the WHATWG API cannot send pings. */
  async ping(options: CallOptions = {}): Promise<void> {
    checkCallOptions(options, 'ping');
    throw new UnsupportedOperationError(PING_UNSUPPORTED);
  }

  /**
   * The next message, queued or to come. After the connection closes, queued messages are
   * still delivered (unless a local `close()` dropped them), then it rejects with
   * `WebSocketCloseError`.
   */
  async read(options: CallOptions = {}): Promise<Message> {
    checkCallOptions(options, 'read');
    if (!this.#queue) throw new ConnectionClosedError();
    return this.#queue.read(options.signal);
  }

  /**
   * The engine's read path without a promise per message (`core/inbound-seam.ts`): the
   * current connection's inbound queue, kept after the socket closed so it can be drained,
   * or `undefined` before the first dial and while a dial is in progress. Each `dial` makes
   * a new queue, unwatched; the `message` event feeds it, so a consumer hears of a message
   * from inside that event.
   * @internal
   */
  [INBOUND_QUEUE](): InboundQueue | undefined {
    return this.#queue;
  }

  /**
   * Queues one message in the runtime's send buffer (the WHATWG API reports no completion),
   * synchronously, so concurrent writes keep their call order.
   */
  async write(type: MessageType, data: string | Uint8Array, options: CallOptions = {}): Promise<void> {
    validateMessage(type, data);
    checkCallOptions(options, 'write');
    throwIfAborted(options.signal);
    const connection = this.#current;
    if (!connection?.isOpen) throw new ConnectionClosedError();
    try {
      connection.ws.send(data);
    } catch (cause) {
      throw new ConnectionClosedError('the socket refused the message: it is no longer open', { cause });
    }
  }

  /** The WHATWG `WebSocket` instance, or `undefined` when there is no open connection. */
  getUnderlyingConnection(): WhatwgWebSocketLike | undefined {
    return this.#current?.ws;
  }

  #connect(url: URL): WhatwgConnection {
    let ws: WhatwgWebSocketLike;
    try {
      const { protocols } = this.#options;
      ws =
        protocols.length > 0
          ? new this.#options.WebSocket(url.href, protocols)
          : new this.#options.WebSocket(url.href);
    } catch (cause) {
      throw new DialError(`could not create a WebSocket for ${redactUrl(url)}`, { cause });
    }
    return new WhatwgConnection(ws, this.#options, (ended) => {
      if (this.#current === ended) this.#current = undefined;
    });
  }
}

/** Resolves on `open`; on failure or abort drops the socket, so nothing is left open. */
function waitForOpen(connection: WhatwgConnection, url: URL, signal: AbortSignal | undefined): Promise<void> {
  const { ws } = connection;
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('error', onFail);
      ws.removeEventListener('close', onFail);
      offAbort();
      if (error === undefined) return resolve();
      connection.abandon(error);
      reject(error);
    };
    const onOpen = () => settle();
    const onFail = (event: WhatwgErrorEventLike) => settle(dialError(url, connection.error ?? event));
    const offAbort = onAbort(signal, (reason) => settle(reason));
    ws.addEventListener('open', onOpen);
    ws.addEventListener('error', onFail);
    ws.addEventListener('close', onFail);
  });
}

function dialError(url: URL, cause: unknown): DialError {
  return new DialError(
    `could not open a WebSocket to ${redactUrl(url)}: refused, unreachable, or not answered with 101 ` +
      '(the WHATWG API does not say which, nor the HTTP status)',
    { cause },
  );
}
