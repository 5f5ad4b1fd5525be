import { UnsupportedOperationError } from '../core/errors.js';
import type { KeepaliveOptions } from './options.js';
import { armTimer, disarmTimer, type TimerEntry } from './timer-list.js';
import type { Clock } from './types.js';

/**
 * What the keepalive of one session runs on: the session itself. It is the keepalive's timer
 * entry and holds its one field of state, so a keepalive costs a session no object of its
 * own (an idle connection's memory is mostly fields; see bench/README.md).
 * @internal
 */
export interface KeepaliveHost extends TimerEntry {
  /** The ping in flight, if any: set and cleared by this module only. */
  keepalivePinging: AbortController | undefined;
  readonly keepaliveClock: Clock;
  readonly keepaliveOptions: KeepaliveOptions;
  /**
   * Whether anything arrived since the previous call (or since the start), and forget it:
   * any inbound message is proof of life.
   */
  takeSeen(): boolean;
  /** Sends a ping; resolves on the pong. */
  keepalivePing(signal: AbortSignal): Promise<void>;
  /** No pong and no message within `timeoutMs`: the connection is presumed dead. */
  keepaliveDead(): void;
  /** The adapter cannot ping (e.g. the WHATWG API): reported once, keepalive stops. */
  keepaliveUnsupported(error: unknown): void;
}

/*
 * Finds half-open connections. Every `intervalMs` it checks whether anything arrived since
 * the last check; if not, it pings and waits `timeoutMs` for the pong or any message.
 *
 * It owns no runtime timer: the host is an entry of the clock's shared timer list for
 * `intervalMs` or for `timeoutMs` (see {@link TimerList}: one runtime timer per clock and
 * duration, whatever the number of sessions), and `keepalivePinging` says which of the two
 * ended. The ping's AbortController lives only while the ping does (an AbortSignal is an
 * EventTarget, ~0.5 KiB). A stopped keepalive is one that is not armed and pings nothing:
 * the results of a ping given up are recognised by their controller no longer being current.
 */

/** Starts the first interval (the session just opened: nothing received yet counts as seen). @internal */
export function startKeepalive(host: KeepaliveHost): void {
  restartCycle(host);
}

/** Stops for good: disarms and gives up the ping in flight. Idempotent. @internal */
export function stopKeepalive(host: KeepaliveHost): void {
  disarmTimer(host);
  giveUpPing(host);
}

/** The host's timer fired: the interval or the pong wait ended. @internal */
export function keepaliveTimer(host: KeepaliveHost): void {
  if (host.keepalivePinging) timedOut(host);
  else if (host.takeSeen()) arm(host, host.keepaliveOptions.intervalMs);
  else sendPing(host);
}

function sendPing(host: KeepaliveHost): void {
  const controller = new AbortController();
  host.keepalivePinging = controller;
  arm(host, host.keepaliveOptions.timeoutMs);
  host.keepalivePing(controller.signal).then(
    () => {
      if (controller !== host.keepalivePinging) return;
      host.keepalivePinging = undefined;
      restartCycle(host);
    },
    (error: unknown) => {
      if (controller !== host.keepalivePinging) return;
      pingFailed(host, error);
    },
  );
}

/** No pong within `timeoutMs`: alive if a message came meanwhile, else dead. */
function timedOut(host: KeepaliveHost): void {
  giveUpPing(host);
  if (host.takeSeen()) {
    arm(host, host.keepaliveOptions.intervalMs);
    return;
  }
  host.keepaliveDead();
}

function pingFailed(host: KeepaliveHost, error: unknown): void {
  host.keepalivePinging = undefined;
  disarmTimer(host);
  if (error instanceof UnsupportedOperationError) host.keepaliveUnsupported(error);
  // Any other ping failure means the connection is closing: read reports it.
}

/** Aborts the ping in flight, so the adapter drops it (and its abort listener). */
function giveUpPing(host: KeepaliveHost): void {
  const controller = host.keepalivePinging;
  host.keepalivePinging = undefined;
  controller?.abort();
}

function restartCycle(host: KeepaliveHost): void {
  host.takeSeen();
  arm(host, host.keepaliveOptions.intervalMs);
}

function arm(host: KeepaliveHost, ms: number): void {
  armTimer(host, host.keepaliveClock, ms);
}
