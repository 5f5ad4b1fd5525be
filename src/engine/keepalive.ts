import { UnsupportedOperationError } from '../core/errors.js';
import type { KeepaliveOptions } from './options.js';
import type { Clock } from './types.js';

/** What the keepalive of one session needs from it. @internal */
export interface KeepaliveHost {
  /** Sends a ping; resolves on the pong. */
  ping(signal: AbortSignal): Promise<void>;
  /** Count of messages received so far in the session: any inbound message is proof of life. */
  received(): number;
  /** No pong and no message within `timeoutMs`: the connection is presumed dead. */
  dead(): void;
  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  unsupported(error: unknown): void;
}

/**
 * Finds half-open connections. Every `intervalMs` it checks whether anything arrived since
 * the last check; if not, it pings and waits `timeoutMs` for the pong or any message.
 * Counting messages (instead of timestamping each one) keeps the hot path at one increment.
 * @internal
 */
export class Keepalive {
  private cancelTimer: unknown;
  private controller: AbortController | undefined;
  private stopped = false;
  private lastSeen = -1;

  constructor(
    private readonly clock: Clock,
    private readonly options: KeepaliveOptions,
    private readonly host: KeepaliveHost,
  ) {}

  start(): void {
    this.lastSeen = this.host.received();
    this.arm(this.options.intervalMs, () => this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    this.controller?.abort();
    this.controller = undefined;
  }

  private tick(): void {
    const seen = this.host.received();
    if (seen !== this.lastSeen) {
      this.lastSeen = seen;
      this.arm(this.options.intervalMs, () => this.tick());
      return;
    }
    this.sendPing();
  }

  private sendPing(): void {
    const controller = new AbortController();
    this.controller = controller;
    const seenAtPing = this.host.received();
    this.arm(this.options.timeoutMs, () => {
      controller.abort();
      if (this.host.received() !== seenAtPing) return this.restartCycle();
      this.stopped = true;
      this.host.dead();
    });
    this.host.ping(controller.signal).then(
      () => {
        if (controller.signal.aborted || this.stopped) return;
        this.restartCycle();
      },
      (error: unknown) => {
        if (controller.signal.aborted || this.stopped) return;
        this.disarm();
        if (error instanceof UnsupportedOperationError) {
          this.stopped = true;
          this.host.unsupported(error);
        }
        // Any other ping failure means the connection is closing: read reports it.
      },
    );
  }

  private restartCycle(): void {
    this.controller = undefined;
    this.lastSeen = this.host.received();
    this.arm(this.options.intervalMs, () => this.tick());
  }

  private arm(ms: number, fn: () => void): void {
    this.disarm();
    if (this.stopped) return;
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      fn();
    }, ms);
  }

  private disarm(): void {
    if (this.cancelTimer === undefined) return;
    this.clock.clearTimeout(this.cancelTimer);
    this.cancelTimer = undefined;
  }
}
