import { UnsupportedOperationError, WebSocketCloseError } from '../../core/errors.js';
import { StatusCode } from '../../core/status.js';
import { detached } from '../callbacks.js';
import type { KeepaliveOptions } from '../options.js';
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
  private seen = false;
  /** The sweep tick that sent the ping in flight, or -1: results of other pings are stale. */
  private pingTick = -1;

  constructor(private readonly session: SessionView) {}

  private get options(): KeepaliveOptions {
    return this.session.options.keepalive!;
  }

  start(): void {
    const { intervalMs, timeoutMs } = this.options;
    joinSweep(this.session.options.clock, intervalMs, timeoutMs, this);
  }

  /** Stops for good: leaves the sweep; a ping in flight no longer counts. Idempotent. */
  stop(): void {
    const { intervalMs, timeoutMs } = this.options;
    leaveSweep(this.session.options.clock, intervalMs, timeoutMs, this);
    this.pingTick = -1;
  }

  /** Proof of life. */
  messageArrived(): void {
    this.seen = true;
  }

  /** The interval passed: ping when nothing arrived since the last look. */
  tick(tick: number): boolean {
    if (this.pingTick >= 0) return false; // its deadline decides
    if (this.seen || this.session.readerBacklogged()) {
      this.seen = false;
      return false;
    }
    this.sendPing(tick);
    return true;
  }

  /** `timeoutMs` passed since `tick`: a ping sent then and unanswered means a dead peer. */
  deadline(tick: number): void {
    if (this.pingTick !== tick) return;
    this.pingTick = -1;
    if (this.seen || this.session.readerBacklogged()) {
      this.seen = false;
      return;
    }
    const reason = `keepalive timeout: no pong within ${this.options.timeoutMs} ms`;
    this.session.end('keepalive', new WebSocketCloseError(StatusCode.AbnormalClosure, reason));
  }

  private sendPing(tick: number): void {
    const { conn, options } = this.session;
    this.pingTick = tick;
    // Detached: the sweep's timer runs in whatever context armed it first.
    const pong = detached(options.telemetry, () => conn.ping());
    pong.then(
      () => {
        // Alive now: the next look pings again if nothing arrives meanwhile.
        if (this.pingTick === tick) this.pingTick = -1;
      },
      (error: unknown) => {
        if (this.pingTick !== tick) return;
        this.pingTick = -1;
        // Any other failure means the connection is closing: the reader reports it.
        if (error instanceof UnsupportedOperationError) this.unsupported(error);
      },
    );
  }

  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  private unsupported(error: UnsupportedOperationError): void {
    this.stop();
    this.session.reportError(error);
  }
}
