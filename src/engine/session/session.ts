import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import type { WebSocketCloseError } from '../../core/errors.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineReadMutex } from '../read-mutex.js';
import type { CloseMessage, WebSocketClient } from '../types.js';
import { Keepalive } from './keepalive.js';
import type { EndKind, SessionContext, SessionEvents } from './parts.js';
import { Reader } from './reader.js';
import { shutDown } from './shutdown.js';

/** How a session ended, for the run to decide what follows. @internal */
export interface SessionOutcome {
  kind: EndKind;
  /** Peer close, drop or keepalive timeout: what `onClose` got. */
  closeMessage?: CloseMessage;
  /** The `WebSocketCloseError` behind `closeMessage`. */
  error?: WebSocketCloseError;
  /** `exit()` or `stop()` was called during the session: the engine ends. */
  exit: boolean;
  /** `restart()` was called during the session: the engine reconnects whatever `autoReconnect` says. */
  restart: boolean;
  /** Time from open to the end trigger, on the engine's clock. */
  uptimeMs: number;
}

/** What a session needs from the run that opened it. @internal */
export interface SessionHost {
  readonly conn: WebSocketConnectionAdapter;
  readonly client: WebSocketClient;
  readonly mutex: EngineReadMutex;
  readonly options: ResolvedOptions;
  /** The session is over: `onClose` ran and the connection is closed. */
  sessionFinished(session: Session, outcome: SessionOutcome): void;
}

/**
 * One connection's life after `onOpen`, built from parts with one job each: the
 * {@link Reader} (messages to `onMessage`), the {@link Keepalive} (finds a dead peer) and
 * {@link shutDown} (`onClose` and the close). It triggers the shutdown exactly once,
 * whatever comes first: a peer close or drop, a keepalive timeout, `restart()`, `exit()`
 * or `stop()`.
 * @internal
 */
export class Session implements SessionContext, SessionEvents {
  private readonly reader: Reader;
  private readonly keepalive: Keepalive | undefined;
  private readonly openedAt: number;
  private running = false;
  private exitRequested = false;
  private restartRequested = false;
  /** The first end trigger; set once. */
  private ending: { kind: EndKind; error: WebSocketCloseError | undefined; at: number } | undefined;
  // Made when a callback first needs them: most idle sessions never do.
  private boundRestart: (() => void) | undefined;
  private boundExit: (() => void) | undefined;

  constructor(
    private readonly host: SessionHost,
    readonly id: string,
  ) {
    this.openedAt = host.options.clock.now();
    this.reader = new Reader(this);
    this.keepalive = host.options.keepalive && new Keepalive(this);
  }

  /** Closes this session and reconnects (handed to callbacks, who may destructure it). */
  get restart(): () => void {
    this.boundRestart ??= () => {
      this.restartRequested = true;
      this.end('restart');
    };
    return this.boundRestart;
  }

  /** Closes this session and ends the engine (handed to callbacks). */
  get exit(): () => void {
    this.boundExit ??= () => {
      this.exitRequested = true;
      this.end('exit');
    };
    return this.boundExit;
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

  get options(): ResolvedOptions {
    return this.host.options;
  }

  /** Whether `exit()` was called (e.g. inside `onOpen`). */
  get exiting(): boolean {
    return this.exitRequested;
  }

  /** Starts the keepalive and the reader; or, if the session already ended (exit in `onOpen`), its shutdown. */
  run(): void {
    this.running = true;
    if (this.ending) {
      void this.finish();
      return;
    }
    // Keepalive first: the reader may dispatch queued messages at once, and an exit()
    // among them must find the keepalive to stop it.
    this.keepalive?.start();
    this.reader.start();
  }

  /** Triggers the shutdown; only the first trigger counts, but `stop()` still ends the engine. */
  end(kind: EndKind, error?: WebSocketCloseError): void {
    if (kind === 'stop') this.exitRequested = true;
    if (this.ending) return;
    this.ending = { kind, error, at: this.options.clock.now() };
    this.keepalive?.stop();
    if (this.running) this.reader.stop();
  }

  messageArrived(): void {
    this.keepalive?.messageArrived();
  }

  reportError(error: unknown): void {
    void this.reader.reportError(error);
  }

  readerBacklogged(): boolean {
    return this.reader.backlogged;
  }

  readerStopped(): void {
    void this.finish();
  }

  private async finish(): Promise<void> {
    const ending = this.ending!;
    await shutDown(this, ending.kind, ending.error);
    const { error } = ending;
    this.host.sessionFinished(this, {
      kind: ending.kind,
      closeMessage: error && { code: error.code, reason: error.reason },
      error,
      exit: this.exitRequested,
      restart: this.restartRequested,
      uptimeMs: ending.at - this.openedAt,
    });
  }
}
