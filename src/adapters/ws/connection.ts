import type { RawData, WebSocket } from 'ws';
import { noop, onAbort } from '../../core/abort.js';
import { WebSocketCloseError } from '../../core/errors.js';
import { InboundQueue, type InboundQueueLimits } from '../../core/inbound-queue.js';
import { MessageType } from '../../core/message.js';
import { PendingCalls, PendingWrites } from './pending.js';
import { closeCodeOfWsError } from './ws-errors.js';

/** What a connection needs from the adapter's options. */
export interface ConnectionOptions {
  readonly inboundQueue: Readonly<Required<InboundQueueLimits>>;
}

/**
 * What the end of a connection holds: created when a close starts (ours, or ws reporting an
 * error) or when `closed` is first awaited, so an open connection holds none of it.
 */
interface Ending {
  /** Settles once ws has emitted `close`. */
  readonly promise: Promise<void>;
  settle: () => void;
  /** Our close's timeout, and the removal of its signal's abort listener. */
  timer: NodeJS.Timeout | undefined;
  offAbort: () => void;
  /** The last error ws reported (the cause of the close error). */
  error: unknown;
  /** ws failed the connection on a bad frame, and the socket is being destroyed. */
  failed: boolean;
}

// The socket's back-reference to its connection, read by the listeners below; set while
// they are on the socket. A property rather than a WeakMap: one load per message.
const CONNECTION = Symbol('wscengine.WsConnection');

/** A `ws` socket that a {@link WsConnection} listens to. */
type Socket = WebSocket & { [CONNECTION]?: WsConnection | undefined };

/**
 * One open `ws` socket and everything that hangs on it: it is the inbound queue (pausing
 * the socket while full), and holds pending writes and pings and the close in progress.
 *
 * Its listeners are functions shared by every connection (ws calls them with the socket as
 * `this`, whose back-reference leads to the connection), so a connection allocates no
 * closure. They stay on the socket until ws emits `close`, then all of them are removed, so
 * a socket dropped by a new `dial` cannot leak them nor emit an unhandled `error`.
 *
 * Its state: open until the queue ends (our close, ws failing the connection on a bad
 * frame, or ws's `close`); closed once ws has emitted `close`, which a failure on a bad
 * frame brings about at once by destroying the socket.
 */
export class WsConnection extends InboundQueue {
  // Created by the first write; the pings' only while some wait for their pong, so an idle
  // connection between keepalive pings holds none.
  private writes: PendingWrites | undefined;
  private pings: PendingCalls | undefined;
  private ending: Ending | undefined;

  constructor(
    /** The `ws` client socket, OPEN. */
    readonly ws: WebSocket,
    options: ConnectionOptions,
  ) {
    super(options.inboundQueue);
    (ws as Socket)[CONNECTION] = this;
    ws.on('message', onMessage);
    ws.on('error', onError);
    ws.on('close', onClose);
  }

  /** Settles once ws has emitted `close` and every listener is gone. */
  get closed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return this.startEnding().promise;
  }

  /** No close has started: `close()` may be called. */
  get isOpen(): boolean {
    return !this.isEnded;
  }

  /** ws has emitted `close` (and the listeners are gone). */
  get isClosed(): boolean {
    return (this.ws as Socket)[CONNECTION] !== this;
  }

  /** Closed, or failed on a bad frame and being destroyed: the socket is of no more use. */
  get isGone(): boolean {
    return this.isClosed || this.ending?.failed === true;
  }

  /** Messages can be sent: no close started on either side. */
  get canSend(): boolean {
    return !this.isEnded && this.ws.readyState === this.ws.OPEN;
  }

  /** Calls waiting for a pong, for tests and diagnostics. */
  get pendingPings(): number {
    return this.pings?.size ?? 0;
  }

  /** Sends one message; resolves once ws has written it to the socket. */
  write(data: string | Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    // ws sends a string as text and bytes as binary by itself (the adapter has checked that
    // they match the type), and calls back in send order: one shared callback settles the
    // oldest write, so a write costs a promise and a small record (the send-flood figure).
    this.writes ??= new PendingWrites();
    const writes = this.writes;
    return new Promise<void>((resolve, reject) => {
      writes.add(resolve, reject, signal);
      this.ws.send(data, writes.written);
    });
  }

  /** Sends a ping with a payload of its own and resolves when a pong answers it or a later one. */
  ping(signal: AbortSignal | undefined): Promise<void> {
    // Pongs are only listened for once we ping: an idle connection that never pings holds
    // one listener less (and ws's table of listeners stays at its smaller size).
    if (this.ws.listenerCount('pong') === 0) this.ws.on('pong', onPong);
    const id = ++lastPingId;
    this.pings ??= new PendingCalls();
    // No write callback: a ping that cannot be written fails the socket, and the close
    // that follows rejects every pending ping.
    return this.pings.start(id, signal, () => this.ws.ping(String(id)));
  }

  /**
   * Starts our close handshake: pending reads, writes and pings reject at once and queued
   * messages are dropped. Resolves once ws emits `close`: the handshake finished, or
   * `timeoutMs` passed or `signal` aborted and the socket was destroyed.
   */
  close(code: number, reason: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    this.finish(new WebSocketCloseError(code, reason), true);
    // A socket paused by a full queue would never read the server's close frame.
    if (this.ws.isPaused) this.ws.resume();
    this.ws.close(code, reason);
    const ending = this.startEnding();
    if (signal?.aborted) {
      this.drop();
    } else {
      const drop = () => this.drop();
      clearTimeout(ending.timer);
      ending.timer = setTimeout(drop, timeoutMs);
      ending.offAbort = onAbort(signal, drop);
    }
    return ending.promise;
  }

  /** Destroys the socket without waiting for a close handshake. */
  drop(): void {
    this.ws.terminate();
  }

  /**
   * Waits until ws has emitted `close`. A close of ours in progress is bounded by its own
   * timer; otherwise the socket is destroyed if it is still there after `timeoutMs`.
   */
  gone(timeoutMs: number): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    const ending = this.startEnding();
    ending.timer ??= setTimeout(() => this.drop(), timeoutMs);
    return ending.promise;
  }

  /** ws reported an error (`close` follows). Called by the shared `error` listener. */
  errored(error: Error): void {
    const ending = this.startEnding();
    ending.error = error;
    const code = closeCodeOfWsError(error);
    if (code === undefined) return;
    // ws failed the connection on a bad frame: it has written its close frame and stopped
    // reading, so no close frame of the server's can come, yet it would keep the socket
    // until the server ends TCP or its close timeout passes. RFC 6455 7.1.7 says close the
    // connection: reads end now, with the code ws sent (not the 1006 the `close` event will
    // report), and the socket is destroyed on the next tick, once ws's own error handling
    // is done. The close frame is already in the socket's hands unless the send buffer was
    // full (or a compressed message was in progress), in which case the server sees a drop.
    if (!this.isEnded) this.finish(new WebSocketCloseError(code, error.message, { cause: error }), false);
    ending.failed = true;
    process.nextTick(terminate, this.ws);
  }

  /** ws emitted `close`: the connection is gone. Called by the shared `close` listener. */
  closedByWs(code: number, reason: Buffer): void {
    const { ws, ending } = this;
    ws.off('message', onMessage);
    ws.off('pong', onPong);
    ws.off('error', onError);
    ws.off('close', onClose);
    (ws as Socket)[CONNECTION] = undefined;
    this.ending = undefined;
    if (ending) {
      clearTimeout(ending.timer);
      ending.offAbort();
    }
    const cause = ending?.error;
    this.finish(
      new WebSocketCloseError(code, reason.toString(), cause === undefined ? undefined : { cause }),
      false,
    );
    ending?.settle();
  }

  /** ws received a pong. Called by the shared `pong` listener. */
  pongReceived(data: Buffer): void {
    const id = Number(data.toString('latin1'));
    // Pongs we did not ask for (unsolicited, or another payload) answer nothing.
    const pings = this.pings;
    if (pings === undefined || !Number.isSafeInteger(id) || id <= 0) return;
    pings.resolveUpTo(id);
    if (pings.size === 0) this.pings = undefined;
  }

  protected override pauseSource(): void {
    this.ws.pause();
  }

  protected override resumeSource(): void {
    this.ws.resume();
  }

  private startEnding(): Ending {
    let ending = this.ending;
    if (ending === undefined) {
      let settle = noop;
      const promise = new Promise<void>((resolve) => {
        settle = resolve;
      });
      ending = this.ending = {
        promise,
        settle,
        timer: undefined,
        offAbort: noop,
        error: undefined,
        failed: false,
      };
    }
    return ending;
  }

  /** Ends reads (the queue ignores all but the first end) and rejects every waiting call. */
  private finish(error: WebSocketCloseError, dropQueued: boolean): void {
    this.end(error, dropQueued);
    this.writes?.rejectAll(error);
    this.pings?.rejectAll(error);
  }
}

// The listeners, shared by every connection: ws calls them with the socket as `this`.

function onMessage(this: Socket, data: RawData, isBinary: boolean): void {
  // binaryType stays 'nodebuffer', so data is one Buffer, which is a Uint8Array.
  this[CONNECTION]!.push(
    isBinary
      ? { type: MessageType.Binary, data: data as Buffer }
      : { type: MessageType.Text, data: data.toString() },
  );
}

function onError(this: Socket, error: Error): void {
  this[CONNECTION]?.errored(error);
}

function onClose(this: Socket, code: number, reason: Buffer): void {
  this[CONNECTION]?.closedByWs(code, reason);
}

/**
 * Id (payload) of the latest ping of any connection: each connection's pings carry
 * increasing ids, which is all pong matching needs, and a connection keeps no counter.
 */
let lastPingId = 0;

function onPong(this: Socket, data: Buffer): void {
  this[CONNECTION]?.pongReceived(data);
}

function terminate(ws: WebSocket): void {
  ws.terminate();
}
