import { UnsupportedOperationError, WebSocketCloseError } from '../../core/errors.js';
import { StatusCode } from '../../core/status.js';
import { detached } from '../callbacks.js';
import { schedule } from '../clock.js';
import type { KeepaliveOptions } from '../options.js';
import { joinSweep, leaveSweep, type Tickable } from './keepalive-sweep.js';
import type { SessionView } from './parts.js';

/**
 * Finds a half-open connection. Every `intervalMs` (on a sweep shared by sessions with the
 * same interval) it looks whether anything arrived since the last look; if nothing did, it
 * pings and gives the pong (or any message) `timeoutMs`. No answer: the session ends as an
 * abnormal closure (1006). A dead connection is so found within `2 × intervalMs + timeoutMs`.
 *
 * Silence while messages wait for the engine is not the peer's: a full inbound queue pauses
 * the socket, pongs included, so a slow consumer would look dead. While the reader is
 * backlogged the keepalive neither pings nor declares the connection dead.
 * @internal
 */
export class Keepalive implements Tickable {
  /** Something arrived since the last look (a pong or a message). */
  private seen = false;
  /** The ping in flight, if any; aborting it makes the adapter drop it. */
  private ping: AbortController | undefined;
  private cancelTimeout: (() => void) | undefined;

  constructor(private readonly session: SessionView) {}

  private get options(): KeepaliveOptions {
    return this.session.options.keepalive!;
  }

  start(): void {
    joinSweep(this.session.options.clock, this.options.intervalMs, this);
  }

  /** Stops for good: leaves the sweep and gives up the ping in flight. Idempotent. */
  stop(): void {
    leaveSweep(this.session.options.clock, this.options.intervalMs, this);
    this.giveUpPing();
  }

  /** Proof of life. */
  messageArrived(): void {
    this.seen = true;
  }

  /** The interval passed. */
  tick(): void {
    if (this.ping !== undefined) return; // its timeout decides
    if (this.seen || this.session.readerBacklogged()) {
      this.seen = false;
      return;
    }
    this.sendPing();
  }

  private sendPing(): void {
    const { conn, options } = this.session;
    const controller = new AbortController();
    this.ping = controller;
    this.cancelTimeout = schedule(options.clock, this.options.timeoutMs, () => this.timedOut());
    // Detached: the sweep's timer runs in whatever context armed it first.
    const pong = detached(options.telemetry, () => conn.ping({ signal: controller.signal }));
    pong.then(
      () => {
        // Alive now: the next look pings again if nothing arrives meanwhile.
        if (controller === this.ping) this.clearPing();
      },
      (error: unknown) => {
        if (controller !== this.ping) return;
        this.clearPing();
        // Any other failure means the connection is closing: the reader reports it.
        if (error instanceof UnsupportedOperationError) this.unsupported(error);
      },
    );
  }

  private timedOut(): void {
    this.giveUpPing();
    if (this.seen || this.session.readerBacklogged()) {
      this.seen = false;
      return;
    }
    const reason = `keepalive timeout: no pong within ${this.options.timeoutMs} ms`;
    this.session.end('keepalive', new WebSocketCloseError(StatusCode.AbnormalClosure, reason));
  }

  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  private unsupported(error: UnsupportedOperationError): void {
    this.stop();
    this.session.reportError(error);
  }

  /** Aborts the ping in flight, so the adapter drops it (and its abort listener). */
  private giveUpPing(): void {
    const ping = this.ping;
    this.clearPing();
    ping?.abort();
  }

  private clearPing(): void {
    this.ping = undefined;
    this.cancelTimeout?.();
    this.cancelTimeout = undefined;
  }
}
