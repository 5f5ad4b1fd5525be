import { unboxed } from './clock.js';
import type { Clock } from './types.js';

/** Longest delay one runtime timer takes (Node and browsers overflow past 2^31 - 1 ms); longer waits re-arm. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * How far the clock may read before the time a runtime timer was armed for, when it fires,
 * and still count as there: `Date.now()` and the runtime's monotonic clock each round to the
 * ms, so a timer often fires a ms "early" by the clock. Trusting the timer over that ms saves
 * a second wake-up; it moves no entry's time (no drift adds up over many fires).
 */
const FIRE_SLACK_MS = 2;

/**
 * Something a {@link TimerList} can hold: the object itself carries the links, so arming
 * allocates nothing. The fields belong to the list; only {@link armTimer} and
 * {@link disarmTimer} touch them. Initialize them to `undefined` / `0`.
 * @internal
 */
export interface TimerEntry {
  /** Previous entry in the list (due earlier or at the same time). Owned by the list. */
  timerPrev: TimerEntry | undefined;
  /** Next entry in the list (due later or at the same time). Owned by the list. */
  timerNext: TimerEntry | undefined;
  /** When the entry is due, in its list's time. Owned by the list. */
  timerDue: number;
  /** The list the entry is armed on; `undefined` when not armed. Owned by the list. */
  timerList: TimerList | undefined;
  /** Runs when the entry is due; the entry is already disarmed, so it may re-arm itself. Should not throw. */
  onTimer(): void;
}

/** Lists of each clock, by duration. Weak: a clock dropped (a test's FakeClock) takes its lists along. */
const registry = new WeakMap<Clock, Map<number, TimerList>>();

/**
 * Arms `entry` to run `ms` from now on `clock`, disarming it first if it was armed.
 * `ms` below 1 (or NaN) counts as 1, as for `setTimeout`; a fraction of a ms rounds up.
 * @internal
 */
export function armTimer(entry: TimerEntry, clock: Clock, ms: number): void {
  // Whole ms (rounded up: never early), so due times stay small integers that V8 stores in
  // the entry itself rather than boxing them (see `time()`).
  ms = ms >= 1 ? Math.ceil(ms) : 1;
  const current = entry.timerList;
  if (current !== undefined) {
    if (current.clock === clock && current.ms === ms) {
      // Re-armed on the same list: keep the list (and its runtime timer) even if it empties.
      current.unlink(entry);
      current.append(entry);
      return;
    }
    current.remove(entry);
  }
  let lists = registry.get(clock);
  if (lists === undefined) {
    lists = new Map();
    registry.set(clock, lists);
  }
  let list = lists.get(ms);
  if (list === undefined) {
    list = new TimerList(clock, ms, lists);
    lists.set(ms, list);
  }
  list.append(entry);
}

/** Disarms `entry` (O(1)); a no-op when it is not armed. @internal */
export function disarmTimer(entry: TimerEntry): void {
  entry.timerList?.remove(entry);
}

/**
 * The entries of one (clock, duration), as Node keeps its own timers: a doubly linked list
 * in due order (one duration, so appending keeps it sorted) under ONE runtime timer, armed
 * for the head. When it fires, every entry due runs in order, then the timer is re-armed for
 * the new head, or the list retires (timer cleared, list forgotten) once empty, so no timer
 * keeps the process alive when nothing is armed.
 *
 * Removal does not move the runtime timer: when the head goes, the timer fires early for
 * the new one, finds nothing due and re-arms (cheaper than clearing and setting on every
 * removal). It is only cleared when the list empties.
 *
 * The list counts its own time (`clock.now() - base`), which never goes backwards: when it
 * sees the clock behind the latest time it read, `base` absorbs the jump, so the entries keep
 * their order and none is lost or runs early; they run late by at most the time the list
 * went unobserved before the jump (it reads the clock at every arm and fire, so at most its
 * duration). A clock jumping forward (wall time over a laptop sleep) makes the entries it
 * passed due at the next fire.
 * @internal
 */
export class TimerList {
  private head: TimerEntry | undefined = undefined;
  private tail: TimerEntry | undefined = undefined;
  private handle: unknown = undefined;
  private armed = false;
  /** List time the runtime timer fires at. */
  private armedFor = 0;
  /** List time is `clock.now() - base`. */
  private base: number;
  /** Latest list time seen: list time never goes below it. */
  private last = 0;
  private firing = false;
  private readonly fire = (): void => this.run();

  /**
   * @param clock the clock of every entry of the list.
   * @param ms the duration of every entry of the list.
   * @param lists the clock's lists, which this one leaves when it empties.
   */
  constructor(
    readonly clock: Clock,
    readonly ms: number,
    private readonly lists: Map<number, TimerList>,
  ) {
    this.base = clock.now();
  }

  /** Adds `entry` (not armed) at the tail, due `ms` from now; arms the runtime timer if none is. */
  append(entry: TimerEntry): void {
    const now = this.time();
    entry.timerDue = now + this.ms;
    entry.timerList = this;
    entry.timerNext = undefined;
    const tail = this.tail;
    entry.timerPrev = tail;
    if (tail === undefined) this.head = entry;
    else tail.timerNext = entry;
    this.tail = entry;
    // While firing, `run` re-arms at the end.
    if (!this.armed && !this.firing) this.schedule(now);
  }

  /** Takes `entry` (armed on this list) out; the list retires if that empties it. */
  remove(entry: TimerEntry): void {
    this.unlink(entry);
    if (this.head === undefined && !this.firing) this.retire();
  }

  /** Takes `entry` out of the links only: O(1), the runtime timer stays as it is. */
  unlink(entry: TimerEntry): void {
    const prev = entry.timerPrev;
    const next = entry.timerNext;
    if (prev === undefined) this.head = next;
    else prev.timerNext = next;
    if (next === undefined) this.tail = prev;
    else next.timerPrev = prev;
    entry.timerPrev = undefined;
    entry.timerNext = undefined;
    entry.timerList = undefined;
  }

  /** The runtime timer fired: run the due entries in order, then re-arm or retire. */
  private run(): void {
    this.armed = false;
    this.handle = undefined;
    let now = this.time();
    if (now < this.armedFor && this.armedFor - now <= FIRE_SLACK_MS) now = this.armedFor;
    this.firing = true;
    let errors: unknown[] | undefined;
    // Re-read the head each time: a callback may remove (or re-arm) any entry of the list.
    for (let entry = this.head; entry !== undefined && entry.timerDue <= now; entry = this.head) {
      this.unlink(entry);
      try {
        entry.onTimer();
      } catch (error) {
        // One entry must not cost the others their turn; reported once the batch is done.
        if (errors === undefined) errors = [error];
        else errors.push(error);
      }
    }
    this.firing = false;
    if (this.head !== undefined) this.schedule(this.time());
    else this.retire();
    if (errors !== undefined) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'timer callbacks threw');
    }
  }

  /** Arms the runtime timer for the head; `now` is the current list time. */
  private schedule(now: number): void {
    const delay = Math.min(Math.max(this.head!.timerDue - now, 1), MAX_DELAY_MS);
    this.armedFor = now + delay;
    this.armed = true;
    this.handle = this.clock.setTimeout(this.fire, delay);
  }

  /** Empty: clears the runtime timer and leaves the clock's lists (an arm makes a new list). */
  private retire(): void {
    if (this.armed) {
      this.armed = false;
      this.clock.clearTimeout(this.handle);
      this.handle = undefined;
    }
    if (this.lists.get(this.ms) === this) this.lists.delete(this.ms);
    if (this.lists.size === 0 && registry.get(this.clock) === this.lists) registry.delete(this.clock);
  }

  /**
   * List time: the clock's, except that it never goes backwards (`base` absorbs a jump back).
   * Counted from the list's creation, it is a small integer with the real clock, so the due
   * times entries hold are stored unboxed.
   */
  private time(): number {
    let now = unboxed(this.clock.now() - this.base);
    if (now < this.last) {
      this.base -= this.last - now;
      now = this.last;
    }
    this.last = now;
    return now;
  }
}
