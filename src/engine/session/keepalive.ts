import { canPing } from '../../core/adapter-traits.js';
import { CallbackError, UnsupportedOperationError, WebSocketCloseError } from '../../core/errors.js';
import { type Message, MessageType } from '../../core/message.js';
import { ABNORMAL_CLOSURE } from '../../core/status.js';
import { detached } from '../callbacks.js';
import type { HeartbeatOptions } from '../options.js';
import { joinSweep, leaveSweep, type SweepMember } from './keepalive-sweep.js';
import type { SessionView } from './parts.js';

/**
 * Finds a half-open connection. Every `intervalMs` (on a sweep shared by sessions with the
 * same times) it looks whether anything arrived since the last look; if nothing did, it
 * pings and gives the pong (or any message) `timeoutMs`. No answer: the session ends as an
 * abnormal closure (1006). A dead connection is so found within `2 × intervalMs + timeoutMs`.
 * A ping given up is not aborted: its pong, if one ever comes, resolves it, and the
 * adapter rejects it when the connection closes.
 *
 * Silence while messages wait for the engine is not the peer's: a full inbound queue pauses
 * the socket, pongs included, so a slow consumer would look dead. While the reader is
 * backlogged the keepalive neither pings nor declares the connection dead.
 * @internal
 */
export class Keepalive implements SweepMember {
  /** Something arrived since the last look (a pong or a message). */
  #seen = false;
  /** The sweep tick that sent the ping in flight, or -1: results of other pings are stale. */
  #pingTick = -1;

  readonly #session: SessionView;

  constructor(session: SessionView) {
    this.#session = session;
  }

  start(): void {
    joinSweep(this.#session.options, this);
  }

  /** Stops for good: leaves the sweep; a ping in flight no longer counts. Idempotent. */
  stop(): void {
    leaveSweep(this.#session.options, this);
    this.#pingTick = -1;
  }

  /**
   * Proof of life. Returns whether `message` is the answer to a heartbeat, which goes
   * nowhere else (not to `onMessage`).
   */
  messageArrived(message: Message): boolean {
    const heartbeat = this.#session.options.heartbeat;
    if (heartbeat !== undefined && !canPing(this.#session.conn) && isReply(heartbeat, message)) {
      // As a pong: alive now, and the next look sends another if nothing else arrives.
      this.#pingTick = -1;
      return true;
    }
    this.#seen = true;
    return false;
  }

  /** The interval passed: ping when nothing arrived since the last look, or on a `probe`. */
  tick(tick: number, probe: boolean): boolean {
    if (this.#pingTick >= 0) return false; // its deadline decides
    if (this.#session.readerBacklogged() || (this.#seen && !probe)) {
      this.#seen = false;
      return false;
    }
    this.#seen = false;
    this.sendPing(tick);
    return true;
  }

  /** `timeoutMs` passed since `tick`: a ping sent then and unanswered means a dead peer. */
  deadline(tick: number): void {
    if (this.#pingTick !== tick) return;
    this.#pingTick = -1;
    if (this.#seen || this.#session.readerBacklogged()) {
      this.#seen = false;
      return;
    }
    const reason = `keepalive timeout: no pong within ${this.#session.options.keepaliveTimeoutMs} ms`;
    this.#session.end('keepalive', new WebSocketCloseError(ABNORMAL_CLOSURE, reason));
  }

  private sendPing(tick: number): void {
    const { conn, options } = this.#session;
    this.#pingTick = tick;
    const heartbeat = this.#session.options.heartbeat !== undefined && !canPing(conn);
    // Detached: the sweep's timer runs in whatever context armed it first.
    const sent = detached(options.telemetry, () => (heartbeat ? this.sendHeartbeat() : conn.ping()));
    sent.then(
      () => {
        // A pong: alive now, and the next look pings again if nothing arrives meanwhile.
        // A heartbeat written: its reply (messageArrived) or the deadline decides.
        if (!heartbeat && this.#pingTick === tick) this.#pingTick = -1;
      },
      (error: unknown) => {
        if (this.#pingTick !== tick) return;
        this.#pingTick = -1;
        // Any other failure means the connection is closing: the reader reports it.
        if (error instanceof UnsupportedOperationError) this.unsupported(error);
        else if (error instanceof CallbackError) this.#session.reportError(error);
      },
    );
  }

  /** Writes the heartbeat message, for an adapter that cannot ping: its reply is the pong. */
  private sendHeartbeat(): Promise<void> {
    const heartbeat = this.#session.options.heartbeat!;
    let data: string | Uint8Array;
    try {
      data = typeof heartbeat.message === 'function' ? heartbeat.message() : heartbeat.message;
    } catch (error) {
      return Promise.reject(new CallbackError('keepalive.heartbeat.message', error));
    }
    const type = typeof data === 'string' ? MessageType.Text : MessageType.Binary;
    return this.#session.conn.write(type, data);
  }

  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  private unsupported(error: UnsupportedOperationError): void {
    this.stop();
    this.#session.reportError(error);
  }
}

function isReply(heartbeat: HeartbeatOptions, message: Message): boolean {
  try {
    return heartbeat.isReply(message) === true;
  } catch {
    return false;
  }
}
