import type { Clock } from '../types.js';

/** Something the sweep ticks every interval. @internal */
export interface Tickable {
  tick(): void;
}

/**
 * One timer per clock and interval, ticking every member of a set: ten thousand idle
 * sessions with the same keepalive interval cost one runtime timer, not ten thousand. The
 * timer is armed while the set has members and cleared once it is empty, so a process with
 * no live session has no keepalive timer.
 */
class Sweep {
  readonly members = new Set<Tickable>();
  private handle: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly retire: () => void,
  ) {}

  add(member: Tickable): void {
    this.members.add(member);
    if (this.handle === undefined) this.arm();
  }

  delete(member: Tickable): void {
    this.members.delete(member);
    if (this.members.size > 0 || this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.retire();
  }

  private arm(): void {
    this.handle = this.clock.setTimeout(() => this.fire(), this.intervalMs);
  }

  private fire(): void {
    this.handle = undefined;
    // A member may leave (or another join) while the sweep runs: tick a snapshot.
    for (const member of [...this.members]) member.tick();
    if (this.members.size === 0) this.retire();
    else if (this.handle === undefined) this.arm();
  }
}

const sweeps = new WeakMap<Clock, Map<number, Sweep>>();

/** Ticks `member` every `intervalMs` on `clock` until {@link leaveSweep}. @internal */
export function joinSweep(clock: Clock, intervalMs: number, member: Tickable): void {
  let byInterval = sweeps.get(clock);
  if (byInterval === undefined) {
    byInterval = new Map();
    sweeps.set(clock, byInterval);
  }
  let sweep = byInterval.get(intervalMs);
  if (sweep === undefined) {
    const map = byInterval;
    const created: Sweep = new Sweep(clock, intervalMs, () => {
      if (map.get(intervalMs) === created) map.delete(intervalMs);
    });
    sweep = created;
    byInterval.set(intervalMs, sweep);
  }
  sweep.add(member);
}

/** Stops ticking `member`. Idempotent. @internal */
export function leaveSweep(clock: Clock, intervalMs: number, member: Tickable): void {
  sweeps.get(clock)?.get(intervalMs)?.delete(member);
}
