import type {
  OnCloseArgs,
  OnMessageArgs,
  OnOpenArgs,
  OnRestartErrorArgs,
  WebSocketClient,
} from '../src/index.js';
import type { Report } from './report.js';

/** Where a planned `stop()` is called from. */
export type StopMoment = 'handshake' | 'onOpen' | 'onMessage' | 'backoff' | 'onClose' | 'timer';

interface Session {
  readonly id: string;
  connection: number | undefined;
  /** Highest sequence number delivered, and how many were delivered. */
  max: number;
  count: number;
  /** With readers > 1: sequence numbers delivered (order is not promised, presence is). */
  seen: Set<number> | undefined;
  /** When the proxy cut the link under this session (performance.now()). */
  cutAt: number | undefined;
}

/**
 * The callbacks of one engine, checking as they are called: one `onOpen` and one
 * `onClose` per session, nothing after `stop()` resolved, every message of a session from
 * one server connection, numbered from 1 with no gap, no duplicate and (readers: 1) no
 * reordering, everything written before a clean close delivered, and a cut link found by
 * keepalive within its bound.
 */
export class EngineTracker {
  /** Set once `stop()` has resolved: any callback after that is a violation. */
  stopped = false;
  opens = 0;
  closes = 0;
  /** The moment at which the planned stop is to be called, once armed. */
  armed: StopMoment | undefined;
  private session: Session | undefined;
  private readonly sessionIds = new Set<string>();
  /** The last few callbacks, for the report of a violation. */
  readonly log: string[] = [];

  private note(event: string): void {
    this.log.push(event);
    if (this.log.length > 12) this.log.shift();
  }

  constructor(
    private readonly report: Report,
    private readonly ordered: boolean,
    private readonly halfOpenBoundMs: number,
    /** Calls `engine.stop()` (not awaited: it would wait for the callback calling it). */
    private readonly requestStop: (moment: StopMoment) => void,
  ) {}

  readonly client: WebSocketClient = {
    onOpen: (args) => this.onOpen(args),
    onMessage: (args) => this.onMessage(args),
    onClose: (args) => this.onClose(args),
    onRestartError: (args) => this.onRestartError(args),
    onReadError: () => {
      this.afterStop('onReadError');
      this.report.count('read errors');
    },
    onCloseError: () => {
      this.afterStop('onCloseError');
      this.report.count('close errors');
    },
    onExit: () => this.afterStop('onExit'),
  };

  /** The proxy cut every live link: the open session must end within the half-open bound. */
  cut(at: number): void {
    if (this.session && this.session.cutAt === undefined) this.session.cutAt = at;
  }

  private onOpen({ sessionId }: OnOpenArgs): void {
    this.afterStop('onOpen');
    this.opens++;
    this.report.sessions++;
    if (this.session)
      this.report.violation(
        'one onOpen/onClose per session',
        `onOpen ${sessionId} while ${this.session.id} is open`,
      );
    if (this.sessionIds.has(sessionId))
      this.report.violation('one onOpen/onClose per session', `session id ${sessionId} reused`);
    this.sessionIds.add(sessionId);
    this.session = {
      id: sessionId,
      connection: undefined,
      max: 0,
      count: 0,
      seen: this.ordered ? undefined : new Set(),
      cutAt: undefined,
    };
    this.stopAt('onOpen');
  }

  private onMessage({ message, sessionId }: OnMessageArgs): void {
    this.afterStop('onMessage');
    const session = this.session;
    if (!session || session.id !== sessionId) {
      this.report.violation('messages once, in order, no gap', `a message outside its session ${sessionId}`);
      return;
    }
    this.report.messages++;
    const [connection, seq] = String(message.data).split(':').map(Number);
    session.connection ??= connection;
    if (connection !== session.connection) {
      this.report.violation(
        'messages once, in order, no gap',
        `connection ${connection} in session of ${session.connection}`,
      );
    }
    session.count++;
    if (session.seen) {
      if (session.seen.has(seq)) this.report.violation('messages once, in order, no gap', `duplicate ${seq}`);
      session.seen.add(seq);
      session.max = Math.max(session.max, seq);
    } else {
      if (seq !== session.max + 1) {
        this.report.violation(
          'messages once, in order, no gap',
          `got ${seq} after ${session.max} (readers: 1)`,
        );
      }
      session.max = seq;
    }
    this.stopAt('onMessage');
  }

  private onClose({ sessionId, closeMessage }: OnCloseArgs): void {
    this.afterStop('onClose');
    this.closes++;
    const session = this.session;
    this.session = undefined;
    if (!session || session.id !== sessionId) {
      this.report.violation('one onOpen/onClose per session', `onClose ${sessionId} without its onOpen`);
      return;
    }
    if (session.count !== session.max) {
      this.report.violation(
        'messages once, in order, no gap',
        `${session.count} delivered of 1..${session.max}`,
      );
    }
    const last = /^last:(\d+)$/.exec(closeMessage?.reason ?? '');
    if (closeMessage?.code === 1000 && last) {
      this.report.cleanCloses++;
      if (Number(last[1]) !== session.max) {
        this.report.violation(
          'clean close delivers everything',
          `server wrote ${last[1]}, ${session.max} arrived`,
        );
      }
    }
    if (session.cutAt !== undefined) {
      const ms = performance.now() - session.cutAt;
      this.report.halfOpen(ms);
      if (ms > this.halfOpenBoundMs) {
        this.report.violation('half-open found in time', `${Math.round(ms)} ms > ${this.halfOpenBoundMs} ms`);
      }
    }
    this.stopAt('onClose');
  }

  private onRestartError(_args: OnRestartErrorArgs): void {
    this.afterStop('onRestartError');
    this.report.count('failed reconnect attempts');
    this.stopAt('backoff');
  }

  private stopAt(moment: StopMoment): void {
    if (this.armed !== moment) return;
    this.requestStop(moment);
  }

  private afterStop(callback: string): void {
    this.note(callback);
    if (this.stopped) this.report.violation('no callback after stop()', callback);
  }
}
