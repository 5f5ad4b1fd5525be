import type { SessionHost } from './session/session.js';

/**
 * What the steps of a run (open, reconnect) share, from `start()` to the end of the run.
 * @internal
 */
export interface RunContext extends SessionHost {
  /** `stop()` was called. */
  readonly stopped: boolean;
  /** `exit()` was called from `onRestartError`, or `stop()`: no further attempt. */
  readonly exitRequested: boolean;
  /** `exit()` from `onRestartError`: no further attempt. */
  requestExit(): void;
  /** Aborts when `stop()` is called: ends backoff waits, dials and `onOpen` at once. */
  readonly stopSignal: AbortSignal;
}
