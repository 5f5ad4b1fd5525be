import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import type { EngineTelemetry } from '../otel/types.js';
import type { ResolvedEngineOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import type { Clock, ReadMutex } from './types.js';

/**
 * What the engine's steps (open, reconnect) share for one run, from `start()` to the end.
 * @internal
 */
export interface RunContext {
  opts: ResolvedEngineOptions;
  telemetry: EngineTelemetry;
  clock: Clock;
  mutex: EngineReadMutex;
  /** The user-facing view of `mutex`. */
  readMutex: ReadMutex;
  /** What callbacks get as `conn`. */
  conn: WebSocketConnectionAdapter;
  /** Aborts when `stop()` is called: ends backoff waits, dials and `onOpen` at once. */
  signal: AbortSignal;
  /** Set by `exit()` from `onRestartError` or a stop: no further attempt. */
  exitRequested: boolean;
}
