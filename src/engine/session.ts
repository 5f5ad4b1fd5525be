import type { Attributes } from '@opentelemetry/api';
import { noop } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { ConnectionClosedError, InvalidArgumentError, WebSocketCloseError } from '../core/errors.js';
import { StatusCode } from '../core/status.js';
import { Attr, SpanName } from '../otel/constants.js';
import type { EngineTelemetry } from '../otel/types.js';
import { contained } from './callbacks.js';
import { sinceEpoch } from './clock.js';
import { Bit, MessageDispatcher, type ReadMode } from './dispatch.js';
import { type KeepaliveHost, keepaliveTimer, startKeepalive, stopKeepalive } from './keepalive.js';
import type { KeepaliveOptions } from './options.js';
import type { EngineReadMutex } from './read-mutex.js';
import type { TimerEntry, TimerList } from './timer-list.js';
import type { Clock, CloseMessage, ReadMutex, WebSocketClient } from './types.js';

/** What ended a session first. @internal */
export type EndKind = 'peer' | 'keepalive' | 'restart' | 'exit' | 'stop';

/** How a session ended, for the engine to decide what comes next. @internal */
export interface SessionOutcome {
  kind: EndKind;
  /** Peer close, drop or keepalive timeout: what `onClose` got. */
  closeMessage?: CloseMessage;
  /** The `WebSocketCloseError` behind `closeMessage`. */
  error?: WebSocketCloseError;
  /** `exit()` or `stop()` was called during the session: the engine ends. */
  exit: boolean;
  /** `restart()` was called during the session: the engine reconnects, whatever `autoReconnect` says. */
  restart: boolean;
  /** Time from open to the end trigger, wall clock. */
  uptimeMs: number;
}

/** Who hears that a session is over. @internal */
export interface SessionHost {
  /** `onClose` ran and the connection is closed (or, after a keepalive drop, closing). */
  sessionFinished(session: Session, outcome: SessionOutcome): void;
}

/** Everything a session needs from its engine. @internal */
export interface SessionDeps {
  /** The adapter, as the reader uses it and callbacks see it (`conn`): instrumented when telemetry is on. */
  conn: WebSocketConnectionAdapter;
  client: WebSocketClient;
  /** The read mutex; callbacks get it as `readMutex`. */
  mutex: EngineReadMutex;
  telemetry: EngineTelemetry;
  clock: Clock;
  readers: number;
  keepalive: KeepaliveOptions | undefined;
  /** How the reader takes messages from `conn`. */
  readMode: ReadMode;
  host: SessionHost;
}

/** How a session ended: its first end trigger. */
interface Ending {
  kind: EndKind;
  closeMessage: CloseMessage | undefined;
  error: WebSocketCloseError | undefined;
  /** Time of the trigger, as `openedAt`. */
  at: number;
  /** A close still running in the background after a keepalive drop. */
  lingering: Promise<void> | undefined;
}

/** Default close when `onClose` returns nothing. */
const GOING_AWAY: CloseMessage = Object.freeze({ code: StatusCode.GoingAway, reason: 'Going away' });

/**
 * One connection's life after `onOpen`: its reader, its keepalive and its shutdown,
 * which runs exactly once whatever triggers it (peer close, drop, keepalive timeout,
 * `restart()`, `exit()`, `stop()`).
 * @internal
 */
export class Session extends MessageDispatcher implements KeepaliveHost {
  /** @internal Timer list link (the keepalive's timer), owned by the list. */
  timerPrev: TimerEntry | undefined = undefined;
  /** @internal Timer list link, owned by the list. */
  timerNext: TimerEntry | undefined = undefined;
  /** @internal Due time in the list's time, owned by the list. */
  timerDue = 0;
  /** @internal The list the keepalive is armed on, if any; owned by the list. */
  timerList: TimerList | undefined = undefined;
  /** @internal The keepalive's ping in flight; owned by `keepalive.ts`. */
  keepalivePinging: AbortController | undefined = undefined;
  /** Open time on the clock, in ms since its epoch: a small integer, not a boxed number. */
  private readonly openedAt: number;
  /** What ended the session, from the first end trigger on (one object, made then). */
  private ending: Ending | undefined;

  constructor(deps: SessionDeps, id: string) {
    super(deps, id);
    this.openedAt = sinceEpoch(deps.clock);
  }

  /** A close still running in the background after a keepalive drop; the engine awaits it before it ends. */
  get lingering(): Promise<void> | undefined {
    return this.ending?.lingering;
  }

  /** Closes this session and reconnects (callbacks get it bound, as `restart`). */
  doRestart(): void {
    this.bits |= Bit.RestartRequested;
    this.end('restart');
  }

  /** Closes this session and ends the engine (callbacks get it bound, as `exit`). */
  doExit(): void {
    this.bits |= Bit.ExitRequested;
    this.end('exit');
  }

  /** Whether `exit()` was called (e.g. inside `onOpen`). */
  get exiting(): boolean {
    return (this.bits & Bit.ExitRequested) !== 0;
  }

  /** True from the first end trigger on: the reader takes no new message. */
  get closing(): boolean {
    return this.ending !== undefined;
  }

  /**
   * Starts the keepalive and the reader; or, if the session already ended (exit in
   * onOpen), its shutdown. Ends with `host.sessionFinished()`, never with a rejection.
   */
  run(): void {
    if (this.closing) {
      this.bits |= Bit.Active;
      void this.shutdown();
      return;
    }
    // Keepalive first: the reader may dispatch queued messages synchronously, and an
    // `exit()` among them must find the keepalive to stop it.
    if (this.deps.keepalive) startKeepalive(this);
    this.startReading();
  }

  /** The reader has stopped and in-flight `onMessage` calls are done: the shutdown goes on. */
  override readerDone(): void {
    void this.shutdown();
  }

  /** Triggers the shutdown; only the first trigger counts, but `exit`/`stop` still end the engine. */
  end(kind: EndKind, closeMessage?: CloseMessage, error?: WebSocketCloseError): void {
    if (kind === 'stop') this.bits |= Bit.ExitRequested;
    if (this.ending) return;
    this.ending = { kind, closeMessage, error, at: sinceEpoch(this.deps.clock), lingering: undefined };
    if (this.deps.keepalive) stopKeepalive(this);
    this.interrupt();
    this.pump();
  }

  /** A read rejected: the close ends the session, anything else goes to `onReadError`. */
  override readFailed(error: unknown): void {
    if (error instanceof WebSocketCloseError) {
      this.end('peer', { code: error.code, reason: error.reason }, error);
    } else if (error instanceof ConnectionClosedError) {
      // The connection is gone without a close frame reaching us: a drop.
      const drop = new WebSocketCloseError(StatusCode.AbnormalClosure, '', { cause: error });
      this.end('peer', { code: drop.code, reason: drop.reason }, drop);
    } else {
      void this.reportError(error);
    }
  }

  /** @internal Keepalive host: the clock its timer runs on. */
  get keepaliveClock(): Clock {
    return this.deps.clock;
  }

  /** @internal Keepalive host: the options (only read while keepalive is on). */
  get keepaliveOptions(): KeepaliveOptions {
    return this.deps.keepalive as KeepaliveOptions;
  }

  /** @internal Keepalive host: whether a message came since the previous call. */
  takeSeen(): boolean {
    const seen = (this.bits & Bit.Seen) !== 0;
    this.bits &= ~Bit.Seen;
    return seen;
  }

  /** @internal Timer list callback: the keepalive's timer. */
  onTimer(): void {
    keepaliveTimer(this);
  }

  /**
   * @internal Keepalive host: pings through what callbacks see as `conn` (traced; with no
   * active span, as the shared keepalive timer runs in whatever context armed it first).
   */
  keepalivePing(signal: AbortSignal): Promise<void> {
    const { conn, telemetry } = this.deps;
    return telemetry.enabled ? telemetry.detached(() => conn.ping({ signal })) : conn.ping({ signal });
  }

  /** @internal Keepalive host: no pong and no message in time. */
  keepaliveDead(): void {
    const options = this.deps.keepalive;
    const reason = `keepalive timeout: no pong within ${options?.timeoutMs} ms`;
    const error = new WebSocketCloseError(StatusCode.AbnormalClosure, reason);
    this.end('keepalive', { code: error.code, reason }, error);
  }

  /** @internal Keepalive host: the adapter cannot ping. */
  keepaliveUnsupported(error: unknown): void {
    void this.reportError(error);
  }

  private async shutdown(): Promise<void> {
    const { client, conn, telemetry, mutex } = this.deps;
    const readMutex: ReadMutex = mutex;
    // A lock held by the user (from outside or a callback) delays the shutdown: they own the connection.
    await mutex.whenFree();
    const ending = this.ending as Ending;
    const { kind, closeMessage } = ending;
    const choice = await contained(
      telemetry,
      SpanName.OnClose,
      () => this.closeAttributes(closeMessage),
      () =>
        client.onClose?.(
          closeMessage
            ? { conn, readMutex, closeMessage, sessionId: this.id }
            : { conn, readMutex, sessionId: this.id },
        ),
    );
    if (kind === 'keepalive') this.drop(choice || GOING_AWAY, ending.error);
    else if (kind !== 'peer') await this.closeConnection(choice || GOING_AWAY);
    this.deps.host.sessionFinished(this, {
      kind,
      closeMessage,
      error: ending.error,
      exit: (this.bits & Bit.ExitRequested) !== 0,
      restart: (this.bits & Bit.RestartRequested) !== 0,
      uptimeMs: ending.at - this.openedAt,
    });
  }

  private async closeConnection(message: CloseMessage): Promise<void> {
    try {
      await this.deps.conn.close(message.code, message.reason);
    } catch (error) {
      // Already closed by the peer meanwhile: nothing to report.
      if (error instanceof ConnectionClosedError) return;
      await this.closeFailed(error);
      // onClose returned a code that may not be sent: the connection is still open, close it properly.
      if (error instanceof InvalidArgumentError) {
        await this.deps.conn
          .close(GOING_AWAY.code, GOING_AWAY.reason)
          .catch((e: unknown) => this.closeFailed(e));
      }
    }
  }

  /**
   * The connection is presumed dead (keepalive): start the close with an aborted signal,
   * which adapters may take as "do not wait out the handshake", and move on at once. The
   * engine awaits `lingering` before it reports itself stopped, so no socket outlives it.
   */
  private drop(message: CloseMessage, reason: unknown): void {
    const signal = AbortSignal.abort(reason);
    try {
      (this.ending as Ending).lingering = this.deps.conn
        .close(message.code, message.reason, { signal })
        .then(noop, noop);
    } catch {
      // An adapter whose close throws at once leaves nothing to wait for.
    }
  }

  private closeFailed(error: unknown): Promise<unknown> {
    const { client, telemetry } = this.deps;
    return contained(
      telemetry,
      SpanName.OnCloseError,
      () => ({ [Attr.SessionId]: this.id }),
      () => client.onCloseError?.({ error, sessionId: this.id }),
    );
  }

  private closeAttributes(closeMessage: CloseMessage | undefined): Attributes {
    const attributes: Attributes = { [Attr.SessionId]: this.id };
    if (closeMessage) {
      attributes[Attr.CloseCode] = closeMessage.code;
      attributes[Attr.CloseReason] = closeMessage.reason;
    }
    return attributes;
  }
}
