import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { noop, onAbort } from '../../core/abort.js';
import { ConnectionClosedError, WebSocketCloseError } from '../../core/errors.js';
import { InboundQueue, type InboundQueueLimits } from '../../core/inbound-queue.js';
import { MessageType } from '../../core/message.js';
import { PendingCalls } from './pending.js';
import { closeCodeOfWsError } from './ws-errors.js';

// Shared so a write allocates no options object; ws copies them.
const TEXT = Object.freeze({ binary: false });
const BINARY = Object.freeze({ binary: true });

/** What a connection needs from the adapter's options. */
export interface ConnectionOptions {
  inboundQueue: Required<InboundQueueLimits>;
  closeTimeoutMs: number;
}

/**
 * `'open'` until a close starts (ours, or ws failing the connection on a bad frame);
 * `'closed'` once ws has emitted `close`.
 */
type State = 'open' | 'closing' | 'closed';

/**
 * One open `ws` socket and everything that hangs on it: the inbound queue, pending writes
 * and pings, the close timer. Its listeners stay on the socket until ws emits `close`,
 * then all of them are removed, so a socket dropped by a new `dial` cannot leak them nor
 * emit an unhandled `error`.
 */
export class WsConnection {
  /** Messages received and not yet read; ended (with the close error) when the connection ends. */
  readonly queue: InboundQueue;
  private state: State = 'open';
  private closedPromise: Promise<void> | undefined;
  private readonly writes = new PendingCalls();
  private readonly pings = new PendingCalls(true);
  private pingId = 0;
  private onPong: ((data: Buffer) => void) | undefined;
  private lastError: unknown;
  private closeTimer: NodeJS.Timeout | undefined;
  private offCloseAbort: () => void = noop;
  private markClosed: () => void = noop;

  constructor(
    /** The `ws` client socket, OPEN. */
    readonly ws: WebSocket,
    private readonly options: ConnectionOptions,
  ) {
    // Bound methods rather than arrows: no closure context kept per connection.
    this.queue = new InboundQueue(options.inboundQueue, ws.pause.bind(ws), ws.resume.bind(ws));
    ws.on('message', this.onMessage);
    ws.on('error', this.onError);
    ws.on('close', this.onClose);
  }

  /** Settles once ws has emitted `close` and every listener is gone. */
  get closed(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    // Created on demand: most connections are never awaited until they close.
    this.closedPromise ??= new Promise((resolve) => {
      this.markClosed = resolve;
    });
    return this.closedPromise;
  }

  /** No close has started: `close()` may be called. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** ws has emitted `close`. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Messages can be sent: no close started on either side. */
  get canSend(): boolean {
    return this.state === 'open' && this.ws.readyState === this.ws.OPEN;
  }

  /** Calls waiting for a pong, for tests and diagnostics. */
  get pendingPings(): number {
    return this.pings.size;
  }

  /** Sends one message; resolves once ws has written it to the socket. */
  write(type: MessageType, data: string | Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    return this.writes.start(0, signal, (call) => {
      this.ws.send(data, type === MessageType.Binary ? BINARY : TEXT, (error) => {
        if (error) call.reject(this.sendError(error, 'the message was sent'));
        else call.resolve();
      });
    });
  }

  /** Sends a ping with a payload of its own and resolves when a pong answers it or a later one. */
  ping(signal: AbortSignal | undefined): Promise<void> {
    // Pongs are only listened for once we ping: an idle connection that never pings holds
    // one listener less.
    if (this.onPong === undefined) {
      this.onPong = (data: Buffer) => this.pongReceived(data);
      this.ws.on('pong', this.onPong);
    }
    const id = ++this.pingId;
    return this.pings.start(id, signal, (call) => {
      this.ws.ping(String(id), undefined, (error?: Error) => {
        if (error) call.reject(this.sendError(error, 'the ping was sent'));
      });
    });
  }

  /**
   * Starts our close handshake: pending reads, writes and pings reject at once and queued
   * messages are dropped. Resolves once ws emits `close`: the handshake finished, or
   * `closeTimeoutMs` passed or `signal` aborted and the socket was destroyed.
   */
  close(code: number, reason: string, signal: AbortSignal | undefined): Promise<void> {
    this.state = 'closing';
    this.end(new WebSocketCloseError(code, reason), true);
    // A socket paused by a full queue would never read the server's close frame.
    if (this.ws.isPaused) this.ws.resume();
    this.ws.close(code, reason);
    if (signal?.aborted) {
      this.drop();
    } else {
      this.closeTimer = setTimeout(this.drop, this.options.closeTimeoutMs);
      this.offCloseAbort = onAbort(signal, this.drop);
    }
    return this.closed;
  }

  /** Destroys the socket without waiting for a close handshake. */
  readonly drop = (): void => {
    this.ws.terminate();
  };

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    // binaryType stays 'nodebuffer', so data is one Buffer, which is a Uint8Array.
    this.queue.push(
      isBinary
        ? { type: MessageType.Binary, data: data as Buffer }
        : { type: MessageType.Text, data: data.toString() },
    );
  };

  private pongReceived(data: Buffer): void {
    const id = Number(data.toString('latin1'));
    // Pongs we did not ask for (unsolicited, or another payload) answer nothing.
    if (Number.isSafeInteger(id) && id > 0) this.pings.resolveUpTo(id);
  }

  private readonly onError = (error: Error): void => {
    this.lastError = error;
    const code = closeCodeOfWsError(error);
    if (code === undefined || this.state !== 'open') return;
    // ws has sent its close frame and is waiting for the server's: reads end now, with the
    // code ws sent, rather than with the 1006 or echo the later `close` event reports.
    this.state = 'closing';
    this.end(new WebSocketCloseError(code, error.message, { cause: error }), false);
  };

  private readonly onClose = (code: number, reason: Buffer): void => {
    this.state = 'closed';
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.offCloseAbort();
    this.ws.off('message', this.onMessage);
    if (this.onPong) this.ws.off('pong', this.onPong);
    this.ws.off('error', this.onError);
    this.ws.off('close', this.onClose);
    const cause = this.lastError;
    this.end(
      new WebSocketCloseError(code, reason.toString(), cause === undefined ? undefined : { cause }),
      false,
    );
    this.markClosed();
  };

  /** Ends reads (the queue ignores all but the first end) and rejects every waiting call. */
  private end(error: WebSocketCloseError, dropQueued: boolean): void {
    this.queue.end(error, dropQueued);
    this.writes.rejectAll(error);
    this.pings.rejectAll(error);
  }

  private sendError(error: Error, what: string): ConnectionClosedError {
    return new ConnectionClosedError(`the connection closed before ${what}: ${error.message}`, {
      cause: error,
    });
  }
}
