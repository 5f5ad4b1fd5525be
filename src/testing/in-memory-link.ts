import { noop, onAbort } from '../core/abort.js';
import { ConnectionClosedError, WebSocketCloseError } from '../core/errors.js';
import { InboundQueue } from '../core/inbound-queue.js';
import { type Message, MessageType } from '../core/message.js';
import { type CloseFrame, InMemoryOutbox } from './in-memory-outbox.js';
import type { InMemoryReadyState, InMemorySocket, LinkSettings } from './in-memory-types.js';

interface PendingPing {
  resolve(): void;
  reject(error: unknown): void;
}

/** Every delivery crosses this hop, so nothing arrives synchronously, as on a network; FIFO keeps order. */
function hop(fn: () => void): void {
  queueMicrotask(fn);
}

/** Messages are copied on send: a sender reusing its buffer must not change what was sent. */
function copy(message: Message): Message {
  return typeof message.data === 'string'
    ? message
    : { type: MessageType.Binary, data: message.data.slice() };
}

/**
 * One in-memory WebSocket connection: both directions, the close handshake, pings, and
 * back-pressure from the client's bounded {@link InboundQueue} to the server's outbox.
 * Sans-I/O: no sockets, and the only timer is the client's close timeout, armed while
 * its close handshake is in progress.
 */
export class InMemoryLink implements InMemorySocket {
  /** Server → client: what the adapter reads. */
  readonly inbound: InboundQueue;
  /**
   * Client → server: what the peer's `nextMessage()` reads. Never ended: like the `ws`
   * peer's, `nextMessage()` stays pending once the connection is gone.
   */
  readonly toServer = new InboundQueue({
    maxMessages: Number.MAX_SAFE_INTEGER,
    maxBytes: Number.POSITIVE_INFINITY,
  });
  readyState: InMemoryReadyState = 'open';
  answerPings = true;
  /** Set by `stopReading()`: the client's frames wait here, unprocessed, in order. */
  private held: (() => void)[] | undefined;
  pingCount = 0;
  /** Settles once the link is gone, with the close the server received (1005/1006 if none). */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Settles once the link is gone (what the client's `close()` waits for). */
  readonly torn: Promise<void>;

  private readonly outbox: InMemoryOutbox;
  private paused = false;
  private flushScheduled = false;
  private readonly pings = new Set<PendingPing>();
  private clientCloseError: WebSocketCloseError | undefined;
  private serverReceived: CloseFrame | undefined;
  private serverCloseSent = false;
  private dropped = false;
  private isTorn = false;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveClosed: (value: { code: number; reason: string }) => void = noop;
  private resolveTorn: () => void = noop;

  constructor(
    readonly settings: LinkSettings,
    private readonly onGone: (link: InMemoryLink) => void = noop,
  ) {
    this.outbox = new InMemoryOutbox(settings.transportBufferBytes);
    this.inbound = new InboundQueue(
      settings.inboundQueue,
      () => {
        this.paused = true;
      },
      () => {
        this.paused = false;
        this.scheduleFlush();
      },
    );
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.torn = new Promise((resolve) => {
      this.resolveTorn = resolve;
    });
  }

  get url(): URL {
    return this.settings.url;
  }

  get protocol(): string {
    return this.settings.protocol;
  }

  /** Bytes the server sent that the client has not taken in yet. */
  get bufferedAmount(): number {
    return this.outbox.bufferedAmount;
  }

  /** Whether the link is gone. */
  get isGone(): boolean {
    return this.isTorn;
  }

  // --- client side -------------------------------------------------------------------

  clientWrite(message: Message): void {
    if (this.readyState !== 'open') throw new ConnectionClosedError();
    const sent = copy(message);
    hop(() => this.serverReceive(() => this.toServer.push(sent)));
  }

  clientPing(signal: AbortSignal | undefined): Promise<void> {
    if (this.readyState !== 'open') return Promise.reject(new ConnectionClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const ping: PendingPing = { resolve, reject };
      const off = onAbort(signal, (reason) => {
        this.pings.delete(ping);
        reject(reason);
      });
      ping.resolve = () => {
        off();
        resolve();
      };
      ping.reject = (error) => {
        off();
        reject(error);
      };
      this.pings.add(ping);
      hop(() => this.serverReceive(() => this.serverReceivePing(ping)));
    });
  }

  /** Sends the client's close frame; resolves once the link is gone (acknowledged, dropped or timed out). */
  clientClose(code: number, reason: string): Promise<void> {
    if (this.readyState !== 'open') return Promise.reject(new ConnectionClosedError());
    this.readyState = 'closing';
    this.clientCloseError = new WebSocketCloseError(code, reason);
    // A local close drops what was not read yet, and stops waiting for more.
    this.inbound.end(this.clientCloseError, true);
    this.paused = false;
    this.rejectPings(this.clientCloseError);
    this.outbox.discardMessages();
    const frame = { code, reason };
    hop(() => this.serverReceive(() => this.serverReceiveClose(frame)));
    this.closeTimer = setTimeout(() => this.teardown(), this.settings.closeTimeoutMs);
    return this.torn;
  }

  /** Closes without waiting for the handshake: used when a new dial replaces this connection. */
  abandon(): void {
    if (this.readyState === 'open') void this.clientClose(1001, 'Going away');
    hop(() => this.teardown());
  }

  // --- server side -------------------------------------------------------------------

  serverSend(message: Message): Promise<void> {
    if (this.serverCloseSent || this.dropped || this.readyState !== 'open') {
      return Promise.reject(new ConnectionClosedError('the connection is closed: nothing can be sent'));
    }
    const sent = this.outbox.push(copy(message));
    this.scheduleFlush();
    return sent;
  }

  serverClose(code: number | undefined, reason: string): void {
    if (this.serverCloseSent || this.dropped || this.isTorn) return;
    this.serverCloseSent = true;
    this.outbox.pushClose({ code, reason });
    this.scheduleFlush();
  }

  /** Server shutdown: discards undelivered data so the close frame is not stuck behind a paused client. */
  shutdown(code: number, reason: string): void {
    if (this.isTorn) return;
    this.outbox.discardMessages();
    this.paused = false;
    this.serverClose(code, reason);
    this.scheduleFlush();
  }

  /** Loses the transport: no close frame either way. Unsent data is lost. */
  drop(): void {
    if (this.dropped || this.isTorn) return;
    this.dropped = true;
    this.outbox.discardMessages();
    hop(() => this.teardown());
  }

  /** The server stops processing what the client sends (messages, pings, close frames): they wait, in order. */
  stopReading(): void {
    this.held ??= [];
  }

  /** Processes what waited since `stopReading()`, in order, then reads normally again. */
  resumeReading(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const receive of held) receive();
  }

  private serverReceive(receive: () => void): void {
    if (this.isTorn || this.dropped) return;
    if (this.held) this.held.push(receive);
    else receive();
  }

  // --- deliveries ----------------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    hop(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.paused || this.isTorn) return;
    this.outbox.drain({
      // The queue may pause synchronously when it fills up, which stops the drain.
      deliver: (message) => {
        this.inbound.push(message);
        return !this.paused && !this.isTorn;
      },
      deliverClose: (frame) => this.clientReceiveClose(frame),
    });
  }

  private serverReceivePing(ping: PendingPing): void {
    if (this.isTorn || this.dropped) return;
    this.pingCount++;
    if (this.answerPings) hop(() => this.clientReceivePong(ping));
  }

  private clientReceivePong(ping: PendingPing): void {
    if (this.pings.delete(ping)) ping.resolve();
  }

  private serverReceiveClose(frame: CloseFrame): void {
    if (this.isTorn || this.dropped) return;
    this.serverReceived = frame;
    if (this.serverCloseSent) {
      // The server had closed first: this frame is the client's acknowledgement.
      this.teardown();
    } else {
      this.serverCloseSent = true;
      hop(() => this.clientReceiveClose(frame));
    }
  }

  private clientReceiveClose(frame: CloseFrame): void {
    if (this.isTorn) return;
    if (this.readyState !== 'open') {
      // Our own close, acknowledged (or a simultaneous close).
      this.teardown();
      return;
    }
    this.readyState = 'closed';
    this.clientCloseError = new WebSocketCloseError(frame.code ?? 1005, frame.reason);
    // Messages that arrived before the close frame stay readable.
    this.inbound.end(this.clientCloseError);
    this.rejectPings(this.clientCloseError);
    hop(() => this.serverReceive(() => this.serverReceiveClose(frame)));
  }

  private teardown(): void {
    if (this.isTorn) return;
    this.isTorn = true;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    const error = this.clientCloseError ?? new WebSocketCloseError(1006, '');
    this.clientCloseError = error;
    this.readyState = 'closed';
    this.inbound.end(error);
    const received = this.serverReceived;
    const closeMessage = received
      ? { code: received.code ?? 1005, reason: received.reason }
      : { code: 1006, reason: '' };
    this.rejectPings(error);
    this.outbox.clear();
    this.resolveClosed(closeMessage);
    this.resolveTorn();
    this.onGone(this);
  }

  private rejectPings(error: unknown): void {
    for (const ping of this.pings) ping.reject(error);
    this.pings.clear();
  }
}
