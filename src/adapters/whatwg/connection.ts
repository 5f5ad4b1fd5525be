import { noop, onAbort } from '../../core/abort.js';
import { ConnectionClosedError, WebSocketCloseError } from '../../core/errors.js';
import { InboundQueue } from '../../core/inbound-queue.js';
import { type Message, MessageType } from '../../core/message.js';
import { ABNORMAL_CLOSURE, NORMAL_CLOSURE, POLICY_VIOLATION, UNSUPPORTED_DATA } from '../../core/status.js';
import { INBOUND_OVERFLOW_REASON, type ResolvedWhatwgOptions } from './options.js';
import {
  ReadyState,
  type WhatwgCloseEventLike,
  type WhatwgErrorEventLike,
  type WhatwgMessageEventLike,
  type WhatwgWebSocketLike,
} from './types.js';

/**
 * One WHATWG socket and everything attached to it: its inbound queue, its listeners and
 * its close timer. Kept apart from the adapter so a replaced or timed-out socket can never
 * feed the queue of the next one: once `detach()` ran, nothing of it is referenced.
 */
export class WhatwgConnection {
  /** Messages received and not yet read; ended when the socket closes. */
  readonly queue: InboundQueue;
  #lastError: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #offAbort: () => void = noop;
  #closing: Promise<void> | undefined;
  #detached = false;
  #resolveDetached!: () => void;
  readonly #detachedPromise = new Promise<void>((resolve) => {
    this.#resolveDetached = resolve;
  });
  readonly #options: ResolvedWhatwgOptions;
  readonly #onEnd: (connection: WhatwgConnection) => void;

  /**
   * @param ws the socket, freshly constructed.
   * @param options resolved adapter options.
   * @param onEnd called once, when the socket stops being usable (closed or closing).
   */
  constructor(
    readonly ws: WhatwgWebSocketLike,
    options: ResolvedWhatwgOptions,
    onEnd: (connection: WhatwgConnection) => void,
  ) {
    this.#options = options;
    this.#onEnd = onEnd;
    this.queue = new InboundQueue(options.inboundQueue);
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', this.#handleMessage);
    ws.addEventListener('error', this.#handleError);
    ws.addEventListener('close', this.#handleClose);
  }

  /** Whether messages can be sent: open, and no close started by either side. */
  get isOpen(): boolean {
    return this.#closing === undefined && !this.#detached && this.ws.readyState === ReadyState.Open;
  }

  /** The last `error` event seen, kept as the `cause` of the close error. */
  get error(): unknown {
    return this.#lastError;
  }

  /**
   * Starts the close handshake and resolves once the `close` event arrived, the close
   * timeout passed, or `signal` aborted (then the socket is dropped). Only the first call
   * acts; later ones share its promise.
   * @param dropQueued whether queued messages are discarded (a local `close()`), or still
   *   delivered before the close error (an overflow).
   */
  shutdown(code: number, reason: string, dropQueued: boolean, signal?: AbortSignal): Promise<void> {
    if (this.#closing) return this.#closing;
    this.queue.end(new WebSocketCloseError(code, reason), dropQueued);
    this.#onEnd(this);
    sendClose(this.ws, code, reason);
    if (this.ws.readyState === ReadyState.Closed || this.#options.closeTimeoutMs === 0 || signal?.aborted) {
      this.detach();
    } else {
      this.#timer = setTimeout(() => this.detach(), this.#options.closeTimeoutMs);
      this.#offAbort = onAbort(signal, () => this.detach());
    }
    this.#closing = this.#detachedPromise;
    return this.#closing;
  }

  /** Drops a socket that never opened (failed or aborted dial); nothing is left open. */
  abandon(reason: unknown): void {
    this.queue.end(reason instanceof Error ? reason : new ConnectionClosedError());
    try {
      this.ws.close();
    } catch {
      // close() on a CONNECTING socket never throws per the spec; a runtime that does has
      // nothing more we could ask of it.
    }
    this.detach();
  }

  /** Removes every listener and timer; the socket is no longer this library's business. */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    clearTimeout(this.#timer);
    this.#offAbort();
    this.ws.removeEventListener('message', this.#handleMessage);
    this.ws.removeEventListener('error', this.#handleError);
    this.ws.removeEventListener('close', this.#handleClose);
    this.#resolveDetached();
  }

  readonly #handleMessage = (event: WhatwgMessageEventLike): void => {
    const message = toMessage(event.data);
    if (!message) {
      this.shutdown(UNSUPPORTED_DATA, 'binary data is not an ArrayBuffer', false);
      return;
    }
    // The WHATWG API cannot pause a socket: a full queue either fails the connection or,
    // when the user chose so explicitly, grows.
    if (this.queue.isPaused && this.#options.inboundOverflow === 'fail') {
      this.shutdown(POLICY_VIOLATION, INBOUND_OVERFLOW_REASON, false);
      return;
    }
    this.queue.push(message);
  };

  readonly #handleError = (event: WhatwgErrorEventLike): void => {
    this.#lastError = event?.error ?? event;
  };

  readonly #handleClose = (event: WhatwgCloseEventLike): void => {
    const cause = this.#lastError;
    const code = closeCodeOf(event.code);
    this.queue.end(new WebSocketCloseError(code, event.reason, cause === undefined ? {} : { cause }));
    this.#onEnd(this);
    this.detach();
  };
}

/**
 * WHATWG `close()` accepts only 1000 and 3000-4999 and throws for 1001-1014, so those go
 * out as 1000 with the caller's reason; the caller still sees its own code locally.
 */
function sendClose(ws: WhatwgWebSocketLike, code: number, reason: string): void {
  const wireCode = code === NORMAL_CLOSURE || code >= 3000 ? code : NORMAL_CLOSURE;
  try {
    ws.close(wireCode, reason);
  } catch {
    // Validation already ran, so only a non-conforming runtime gets here: close without
    // a code rather than leave the socket open.
    try {
      ws.close();
    } catch {
      // Nothing left to try; detach() still drops the socket.
    }
  }
}

/**
 * The close code the contract reports for a `close` event. A code from a close frame is
 * 1000-4999 (1005 when the frame had none); anything else is a runtime's own word for a
 * connection lost without a close frame (Deno says 0), which the contract calls 1006.
 */
function closeCodeOf(code: unknown): number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 1000 && code <= 4999
    ? code
    : ABNORMAL_CLOSURE;
}

function toMessage(data: unknown): Message | undefined {
  if (typeof data === 'string') return { type: MessageType.Text, data };
  // toString rather than instanceof: the ArrayBuffer may come from another realm.
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    return { type: MessageType.Binary, data: new Uint8Array(data as ArrayBuffer) };
  }
  if (ArrayBuffer.isView(data)) {
    return { type: MessageType.Binary, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  return undefined;
}
