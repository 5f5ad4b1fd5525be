import type { ResolvedOptions } from '../options.js';
import type { Clock } from '../types.js';
import { onNetworkChange } from './network-events.js';

/** A session's keepalive, as the sweep drives it. @internal */
export interface SweepMember {
  /**
   * The interval passed; returns whether the member sent a ping (`tick` is that sweep's
   * number). With `probe`, it pings even if something arrived: the network may have changed.
   */
  tick(tick: number, probe: boolean): boolean;
  /** `timeoutMs` passed since sweep `tick`: a ping sent then and still unanswered is late. */
  deadline(tick: number): void;
}

/**
 * The keepalive timers of every session with the same clock, interval and pong timeout:
 * one timer ticks every member each `intervalMs`, and when a tick sent pings, one more
 * timer looks at them `timeoutMs` later. Ten thousand idle sessions cost two runtime timers
 * per interval, not twenty thousand (the bench's 10,000-idle-connections CPU figure). The
 * timers run only while the sweep has members, so a process with no live session has none.
 *
 * Two things make it check every connection at once instead of at the next tick: a tick
 * that comes a whole interval late (timers stop while a laptop sleeps: on wake, the
 * connections are likely dead), and a page's `offline` or `online` event.
 */
class Sweep {
  readonly members = new Set<SweepMember>();
  #interval: unknown;
  /** When the interval timer is due, on the clock: a tick much later than this is a wake-up. */
  #dueAt = 0;
  readonly #deadlines = new Set<unknown>();
  #ticks = 0;
  #offNetworkChange: (() => void) | undefined;

  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #retire: (sweep: Sweep) => void;

  constructor(times: SweepTimes, retire: (sweep: Sweep) => void) {
    // Copied, not kept: the options of the session that made the sweep may not outlive it.
    this.#clock = times.clock;
    this.#intervalMs = times.keepaliveIntervalMs;
    this.#timeoutMs = times.keepaliveTimeoutMs;
    this.#retire = retire;
  }

  add(member: SweepMember): void {
    this.members.add(member);
    if (this.#interval === undefined) this.#armInterval();
    this.#offNetworkChange ??= onNetworkChange(() => this.#fire(true));
  }

  delete(member: SweepMember): void {
    this.members.delete(member);
    if (this.members.size === 0) this.#stop();
  }

  #armInterval(): void {
    this.#dueAt = this.#clock.now() + this.#intervalMs;
    this.#interval = this.#clock.setTimeout(() => {
      this.#interval = undefined;
      this.#fire(this.#clock.now() - this.#dueAt >= this.#intervalMs);
    }, this.#intervalMs);
  }

  /** Ticks every member; `probe`: a network change or a wake-up, so ping whatever arrived. */
  #fire(probe: boolean): void {
    const tick = ++this.#ticks;
    let pinged = false;
    // A member may leave (or another join) while the sweep runs: tick a snapshot.
    for (const member of [...this.members]) if (member.tick(tick, probe)) pinged = true;
    if (pinged) this.#armDeadline(tick);
    if (this.members.size === 0) this.#stop();
    else if (this.#interval === undefined) this.#armInterval();
  }

  #armDeadline(tick: number): void {
    const handle = this.#clock.setTimeout(() => {
      this.#deadlines.delete(handle);
      for (const member of [...this.members]) member.deadline(tick);
    }, this.#timeoutMs);
    this.#deadlines.add(handle);
  }

  #stop(): void {
    this.#offNetworkChange?.();
    this.#offNetworkChange = undefined;
    if (this.#interval !== undefined) this.#clock.clearTimeout(this.#interval);
    this.#interval = undefined;
    for (const handle of this.#deadlines) this.#clock.clearTimeout(handle);
    this.#deadlines.clear();
    this.#retire(this);
  }
}

/** The options that pick a session's sweep: its clock and keepalive times. @internal */
export type SweepTimes = Pick<ResolvedOptions, 'clock' | 'keepaliveIntervalMs' | 'keepaliveTimeoutMs'>;

const sweeps = new WeakMap<Clock, Map<string, Sweep>>();

/**
 * Drives `member` on `times.clock` every `keepaliveIntervalMs`, with pong deadlines
 * `keepaliveTimeoutMs` after a tick.
 * @internal
 */
export function joinSweep(times: SweepTimes, member: SweepMember): void {
  let byTimes = sweeps.get(times.clock);
  if (byTimes === undefined) {
    byTimes = new Map();
    sweeps.set(times.clock, byTimes);
  }
  const key = keyOf(times);
  let sweep = byTimes.get(key);
  if (sweep === undefined) {
    const map = byTimes;
    sweep = new Sweep(times, (retired) => {
      if (map.get(key) === retired) map.delete(key);
    });
    map.set(key, sweep);
  }
  sweep.add(member);
}

/** Stops driving `member`. Idempotent. @internal */
export function leaveSweep(times: SweepTimes, member: SweepMember): void {
  sweeps.get(times.clock)?.get(keyOf(times))?.delete(member);
}

function keyOf(times: SweepTimes): string {
  return `${times.keepaliveIntervalMs}/${times.keepaliveTimeoutMs}`;
}
