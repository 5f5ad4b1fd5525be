import { UnsupportedOperationError } from '../core/errors.js';
import type { KeepaliveOptions } from './options.js';
import { armTimer, disarmTimer, type TimerEntry, type TimerList } from './timer-list.js';
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
 * It owns no runtime timer: it is itself an entry of the clock's shared timer list for
 * `intervalMs` or for `timeoutMs` (see {@link TimerList}: one runtime timer per clock and
 * duration, whatever the number of sessions), and `onTimer` looks at `pinging` to know
 * which of the two ended. The ping's AbortController lives only while the ping does (an
 * AbortSignal is an EventTarget, ~0.5 KiB), so an idle session holds nothing but this object.
 * @internal
 */
export class Keepalive implements TimerEntry {
  /** @internal Timer list link, owned by the list. */
  timerPrev: TimerEntry | undefined = undefined;
  /** @internal Timer list link, owned by the list. */
  timerNext: TimerEntry | undefined = undefined;
  /** @internal Due time in the list's time, owned by the list. */
  timerDue = 0;
  /** @internal The list this keepalive is armed on, if any; owned by the list. */
  timerList: TimerList | undefined = undefined;
  private controller: AbortController | undefined;
  private pinging = false;
  private stopped = false;
  private lastSeen = -1;

  constructor(
    private readonly clock: Clock,
    private readonly options: KeepaliveOptions,
    private readonly host: KeepaliveHost,
  ) {}

  /** Starts the first interval (the session just opened: nothing received yet counts as seen). */
  start(): void {
    this.restartCycle();
  }

  /** Stops for good: disarms and gives up the ping in flight. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.disarm();
    this.giveUpPing();
  }

  /** @internal Timer list callback: the interval or the pong wait ended. */
  onTimer(): void {
    if (this.pinging) this.timedOut();
    else this.tick();
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
    if (this.stopped) this.disarm();
    else armTimer(this, this.clock, ms);
  }

  private disarm(): void {
    disarmTimer(this);
  }
}
