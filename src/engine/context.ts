import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import type { EngineTelemetry } from '../otel/types.js';
import { type ReadMode, readModeOf } from './dispatch.js';
import type { KeepaliveOptions, ResolvedEngineOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import type { SessionDeps, SessionHost } from './session.js';
import type { Clock, ReadMutex, WebSocketClient } from './types.js';

/**
 * What the engine's steps (open, reconnect) share for one run, from `start()` to the end.
 * @internal
 */
export interface RunContext extends SessionDeps {
  opts: ResolvedEngineOptions;
  telemetry: EngineTelemetry;
  clock: Clock;
  mutex: EngineReadMutex;
  /** The user-facing view of `mutex`. */
  readMutex: ReadMutex;
  /** What callbacks get as `conn`. */
  conn: WebSocketConnectionAdapter;
  /** `stop()` was called. */
  readonly stopped: boolean;
  /**
   * Aborts when `stop()` is called: ends backoff waits, dials and `onOpen` at once. Only
   * read it to wait on it (it is created on first use); test `stopped` otherwise.
   */
  readonly signal: AbortSignal;
  /** Set by `exit()` from `onRestartError` or a stop: no further attempt. */
  exitRequested: boolean;
}

/**
 * A {@link RunContext} whose stop signal exists only while something waits on it. An
 * AbortSignal is an EventTarget (~0.5 KiB); a connected engine waits on nothing of the
 * run's, so {@link release} lets it go between connects.
 * @internal
 */
export class RunState implements RunContext {
  exitRequested = false;
  /** What callbacks get as `conn`: the adapter (instrumented when telemetry is on). A field: it is on every `onMessage` argument. */
  readonly conn: WebSocketConnectionAdapter;
  readonly readMode: ReadMode;
  /** Failed attempts in a row (a session shorter than `minUptimeMs` counts as one). */
  failures = 0;
  /** Closes still running after keepalive drops: the run ends once they are done. */
  lingering: Promise<void>[] | undefined;
  private controller: AbortController | undefined;
  private stopReason: unknown;
  private isStopped = false;
  private isEnded = false;
  // Only `stop()` (or an exit inside onOpen) waits for the end: created on demand.
  private endedPromise: Promise<void> | undefined;
  private resolveEnded: (() => void) | undefined;

  constructor(
    readonly opts: ResolvedEngineOptions,
    readonly telemetry: EngineTelemetry,
    readonly clock: Clock,
    readonly mutex: EngineReadMutex,
    readonly readMutex: ReadMutex,
    readonly host: SessionHost,
  ) {
    this.conn = opts.adapter;
    this.readMode = readModeOf(opts.adapter);
  }

  // What every session of the run needs, so the run itself is the sessions' deps; read
  // from the options rather than copied, so a run holds only its own state.
  get adapter(): WebSocketConnectionAdapter {
    return this.opts.adapter;
  }

  get client(): WebSocketClient {
    return this.opts.client;
  }

  get readers(): number {
    return this.opts.readers;
  }

  get keepalive(): KeepaliveOptions | undefined {
    return this.opts.keepalive;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.isStopped) this.controller.abort(this.stopReason);
    }
    return this.controller.signal;
  }

  /** Aborts `signal` (now, or when it is created). */
  stop(reason: unknown): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stopReason = reason;
    this.controller?.abort(reason);
  }

  /** Resolves once the run is over: no socket, timer or listener left. */
  ended(): Promise<void> {
    if (this.isEnded) return Promise.resolve();
    this.endedPromise ??= new Promise<void>((resolve) => {
      this.resolveEnded = resolve;
    });
    return this.endedPromise;
  }

  /** The run is over. */
  markEnded(): void {
    this.isEnded = true;
    this.resolveEnded?.();
  }

  /**
   * Drops the signal; call only when nothing waits on it any more (a session is open and
   * the open's listeners are gone). The next wait creates a fresh one.
   */
  release(): void {
    if (!this.isStopped) this.controller = undefined;
  }
}
