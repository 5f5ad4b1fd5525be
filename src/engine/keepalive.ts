import { UnsupportedOperationError } from '../core/errors.js';
import type { KeepaliveOptions } from './options.js';
import type { Clock } from './types.js';

/** What the keepalive of one session needs from it (the session itself: no closures). @internal */
export interface KeepaliveHost {
  /** Count of messages received so far in the session: any inbound message is proof of life. */
  readonly received: number;
  /** Sends a ping; resolves on the pong. */
  keepalivePing(signal: AbortSignal): Promise<void>;
  /** No pong and no message within `timeoutMs`: the connection is presumed dead. */
  keepaliveDead(): void;
  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  keepaliveUnsupported(error: unknown): void;
}

/**
 * Finds half-open connections. Every `intervalMs` it checks whether anything arrived since
 * the last check; if not, it pings and waits `timeoutMs` for the pong or any message.
 * Counting messages (instead of timestamping each one) keeps the hot path at one increment.
 *
 * One timer at a time and one callback for it (`fire`, which looks at `pinging` to know
 * whether the interval or the pong timeout ended); the ping's AbortController lives only
 * while the ping does (an AbortSignal is an EventTarget, ~0.5 KiB), so between pings an
 * idle session holds no more than the timer.
 * @internal
 */
export class Keepalive {
  private timer: unknown;
  private controller: AbortController | undefined;
  private pinging = false;
  private stopped = false;
  private lastSeen = -1;
  private readonly fire = (): void => {
    this.timer = undefined;
    if (this.pinging) this.timedOut();
    else this.tick();
  };

  constructor(
    private readonly clock: Clock,
    private readonly options: KeepaliveOptions,
    private readonly host: KeepaliveHost,
  ) {}

  start(): void {
    this.restartCycle();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    this.giveUpPing();
  }

  private tick(): void {
    const seen = this.host.received;
    if (seen !== this.lastSeen) {
      this.lastSeen = seen;
      this.arm(this.options.intervalMs);
      return;
    }
    this.sendPing();
  }

  private sendPing(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.pinging = true;
    this.arm(this.options.timeoutMs);
    // Results of a ping given up (timeout, stop) are ignored: its controller is no longer current.
    this.host.keepalivePing(controller.signal).then(
      () => {
        if (controller !== this.controller || this.stopped) return;
        this.controller = undefined;
        this.restartCycle();
      },
      (error: unknown) => {
        if (controller !== this.controller || this.stopped) return;
        this.pingFailed(error);
      },
    );
  }

  /** No pong within `timeoutMs`: alive if a message came meanwhile, else dead. */
  private timedOut(): void {
    this.giveUpPing();
    if (this.host.received !== this.lastSeen) {
      this.restartCycle();
      return;
    }
    this.stopped = true;
    this.host.keepaliveDead();
  }

  private pingFailed(error: unknown): void {
    this.pinging = false;
    this.controller = undefined;
    this.disarm();
    if (error instanceof UnsupportedOperationError) {
      this.stopped = true;
      this.host.keepaliveUnsupported(error);
    }
    // Any other ping failure means the connection is closing: read reports it.
  }

  /** Aborts the ping in flight, so the adapter drops it (and its abort listener). */
  private giveUpPing(): void {
    this.pinging = false;
    this.controller?.abort();
    this.controller = undefined;
  }

  private restartCycle(): void {
    this.pinging = false;
    this.lastSeen = this.host.received;
    this.arm(this.options.intervalMs);
  }

  private arm(ms: number): void {
    this.disarm();
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(this.fire, ms);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
