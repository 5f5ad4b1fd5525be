import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import type { WebSocketCloseError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineReadMutex } from '../read-mutex.js';
import { newSessionId } from '../session-id.js';
import type { CloseMessage, WebSocketClient } from '../types.js';
import { Keepalive } from './keepalive.js';
import type { EndKind, SessionContext, SessionEvents } from './parts.js';
import { Reader } from './reader.js';
import { closeMessageOf, shutDown } from './shutdown.js';

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
  /** The session started to end (its first end trigger). */
  sessionEnding(session: Session): void;
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
  readonly #reader: Reader;
  readonly #keepalive: Keepalive | undefined;
  readonly #openedAt: number;
  /**
   * How the session ends: the first trigger, and what follows it when a callback or `stop()`
   * asked (`exit` wins over `restart`, whenever it comes). Made by the first trigger.
   */
  #ending:
    | {
        kind: EndKind;
        error: WebSocketCloseError | undefined;
        at: number;
        next: 'restart' | 'exit' | undefined;
      }
    | undefined;
  /** What callbacks are handed (the id, `restart`, `exit`): made when first asked for. */
  #handles: { id: string; restart(): void; exit(): void } | undefined;

  readonly #host: SessionHost;

  constructor(host: SessionHost) {
    this.#host = host;
    this.#openedAt = host.options.clock.now();
    this.#reader = new Reader(this);
    this.#keepalive = host.options.keepaliveIntervalMs > 0 ? new Keepalive(this) : undefined;
  }

  /** A UUID of this session (one connection), the same every time it is asked for. */
  get id(): string {
    return this.callbackHandles().id;
  }

  /** Closes this session and reconnects (handed to callbacks, who may destructure it). */
  get restart(): () => void {
    return this.callbackHandles().restart;
  }

  /** Closes this session and ends the engine (handed to callbacks). */
  get exit(): () => void {
    return this.callbackHandles().exit;
  }

  get conn(): WebSocketConnectionAdapter {
    return this.#host.conn;
  }

  get client(): WebSocketClient {
    return this.#host.client;
  }

  get mutex(): EngineReadMutex {
    return this.#host.mutex;
  }

  get options(): ResolvedOptions {
    return this.#host.options;
  }

  /** From the first end trigger on: no new message is taken, `send()` no longer writes here. */
  get isEnding(): boolean {
    return this.#ending !== undefined;
  }

  /** Whether `exit()` was called (e.g. inside `onOpen`). */
  get exiting(): boolean {
    return this.#ending?.next === 'exit';
  }

  /** Starts the keepalive and the reader; or, if the session already ended (exit in `onOpen`), its shutdown. */
  run(): void {
    if (this.#ending) {
      void this.finish();
      return;
    }
    // Keepalive first: the reader may dispatch queued messages at once, and an exit()
    // among them must find the keepalive to stop it.
    this.#keepalive?.start();
    this.#reader.start();
  }

  /** Triggers the shutdown; only the first trigger counts, but `stop()` still ends the engine. */
  end(kind: EndKind, error?: WebSocketCloseError): void {
    const exits = kind === 'stop' || kind === 'exit';
    if (this.#ending) {
      if (exits) this.#ending.next = 'exit';
      return;
    }
    const next = exits ? 'exit' : kind === 'restart' ? 'restart' : undefined;
    this.#ending = { kind, error, at: this.options.clock.now(), next };
    this.#keepalive?.stop();
    this.#reader.stop();
    this.#host.sessionEnding(this);
  }

  messageArrived(message: Message): boolean {
    return this.#keepalive?.messageArrived(message) === true;
  }

  reportError(error: unknown): void {
    void this.#reader.reportError(error);
  }

  readerBacklogged(): boolean {
    return this.#reader.backlogged;
  }

  readerStopped(): void {
    void this.finish();
  }

  private callbackHandles(): { id: string; restart(): void; exit(): void } {
    this.#handles ??= {
      id: newSessionId(),
      restart: () => this.end('restart'),
      exit: () => this.end('exit'),
    };
    return this.#handles;
  }

  private async finish(): Promise<void> {
    const ending = this.#ending!;
    await shutDown(this, ending.kind, ending.error);
    const { error } = ending;
    this.#host.sessionFinished(this, {
      kind: ending.kind,
      closeMessage: closeMessageOf(error),
      error,
      exit: ending.next === 'exit',
      restart: ending.next === 'restart',
      uptimeMs: ending.at - this.#openedAt,
    });
  }
}
