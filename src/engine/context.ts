import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import type { EngineTelemetry } from '../otel/types.js';
import type { ReadMode } from './dispatch.js';
import type { EngineSettings, EngineUrl, KeepaliveOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import type { SessionDeps, SessionHost } from './session.js';
import type { Clock, WebSocketClient } from './types.js';

/** What a run reads of its engine: what the engine was built with. @internal */
export interface EngineCore extends SessionHost {
  readonly url: EngineUrl;
  /** The adapter as callbacks see it (`conn`): instrumented when telemetry is on. */
  readonly conn: WebSocketConnectionAdapter;
  readonly client: WebSocketClient;
  readonly settings: EngineSettings;
  readonly mutex: EngineReadMutex;
}

/**
 * What the engine's steps (open, reconnect) share for one run, from `start()` to the end.
 * @internal
 */
export interface RunContext extends SessionDeps {
  readonly url: EngineUrl;
  readonly settings: EngineSettings;
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

/** Bits of {@link RunState}'s state. */
const Flag = Object.freeze({ Stopped: 1, Ended: 2, ExitRequested: 4 } as const);

/**
 * A {@link RunContext}: one run's own state, and its engine's by reference (an engine may
 * hold thousands of idle connections; every field of an object per connection counts).
 * The stop signal exists only while something waits on it: an AbortSignal is an
 * EventTarget (~0.5 KiB), and a connected engine waits on nothing of the run's, so
 * {@link release} lets it go between connects.
 * @internal
 */
export class RunState implements RunContext {
  /** Failed attempts in a row (a session shorter than `minUptimeMs` counts as one). */
  failures = 0;
  /** Closes still running after keepalive drops: the run ends once they are done. */
  lingering: Promise<void>[] | undefined;
  private flags = 0;
  private controller: AbortController | undefined;
  // Only `stop()` (or an exit inside onOpen) waits for the end: created on demand.
  private endWait: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(readonly host: EngineCore) {}

  get url(): EngineUrl {
    return this.host.url;
  }

  get settings(): EngineSettings {
    return this.host.settings;
  }

  get conn(): WebSocketConnectionAdapter {
    return this.host.conn;
  }

  get client(): WebSocketClient {
    return this.host.client;
  }

  get mutex(): EngineReadMutex {
    return this.host.mutex;
  }

  get telemetry(): EngineTelemetry {
    return this.host.settings.telemetry;
  }

  get clock(): Clock {
    return this.host.settings.clock;
  }

  get readers(): number {
    return this.host.settings.readers;
  }

  get keepalive(): KeepaliveOptions | undefined {
    return this.host.settings.keepalive;
  }

  get readMode(): ReadMode {
    return this.host.settings.readMode;
  }

  get exitRequested(): boolean {
    return (this.flags & Flag.ExitRequested) !== 0;
  }

  set exitRequested(value: boolean) {
    this.flags = value ? this.flags | Flag.ExitRequested : this.flags & ~Flag.ExitRequested;
  }

  get stopped(): boolean {
    return (this.flags & Flag.Stopped) !== 0;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Aborts `signal` (made now if nothing waits on it yet, so a later wait sees it aborted). */
  stop(reason: unknown): void {
    if (this.stopped) return;
    this.flags |= Flag.Stopped;
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }

  /** Resolves once the run is over: no socket, timer or listener left. */
  ended(): Promise<void> {
    if (this.flags & Flag.Ended) return Promise.resolve();
    if (this.endWait === undefined) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.endWait = { promise, resolve };
    }
    return this.endWait.promise;
  }

  /** The run is over. */
  markEnded(): void {
    this.flags |= Flag.Ended;
    this.endWait?.resolve();
  }

  /**
   * Drops the signal; call only when nothing waits on it any more (a session is open and
   * the open's listeners are gone). The next wait creates a fresh one.
   */
  release(): void {
    if (!this.stopped) this.controller = undefined;
  }
}
