import type { Message } from '../index.js';
import { type CliEvent, humanLine, jsonLine, messageEvent } from './format.js';
import { StatusLine, type TerminalStream } from './status-line.js';

/** Where `wscengine connect` writes, and how. */
export interface ReporterOptions {
  stdout: { write(chunk: string): boolean };
  stderr: TerminalStream;
  /** Events as JSON lines on stdout. */
  json: boolean;
  /** No events on stderr. */
  quiet: boolean;
  /** Binary messages in base64 instead of hex. */
  base64: boolean;
  /** Wall clock for the status line. Default `Date.now`. */
  now?: () => number;
}

type ConnectionEvent = Exclude<CliEvent, { event: 'message' }>;

/** What the status line says while reconnecting. */
interface Progress {
  offlineSince: number;
  attempt: number;
  /** Last failure and when the next attempt will have started at the latest. */
  failure?: { error: string; failures: number; deadline: number };
}

/**
 * The one place that decides what goes where: messages on stdout (as is, or JSON with
 * `--json`), events on stderr (nothing with `--quiet`, JSON on stdout with `--json`), and
 * on a terminal a status line while reconnecting, redrawn every second, instead of a line
 * per attempt.
 */
export class Reporter {
  private readonly status: StatusLine | undefined;
  private readonly now: () => number;
  private progress: Progress | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ReporterOptions) {
    const { stderr, json, quiet } = options;
    this.status = stderr.isTTY && !json && !quiet ? new StatusLine(stderr) : undefined;
    this.now = options.now ?? Date.now;
  }

  /** Prints a received message; `false` when stdout asks to wait for `drain`. */
  message(message: Message): boolean {
    const event = messageEvent(message, this.options.base64 ? 'base64' : 'hex');
    const line = this.options.json ? jsonLine(event) : event.data;
    return this.options.stdout.write(`${line}\n`);
  }

  /** Reports a connection event. */
  event(event: ConnectionEvent): void {
    const { json, quiet, stdout } = this.options;
    if (json) {
      stdout.write(`${jsonLine(event)}\n`);
      return;
    }
    if (quiet) return;
    if (this.status && this.track(event)) return;
    this.line(humanLine(event));
  }

  /**
   * Reports the error the command exits on: always one line on stderr (even with
   * `--quiet`: it is the exit status's explanation), and an `error` event with `--json`.
   */
  fatal(error: string): void {
    if (this.options.json) this.options.stdout.write(`${jsonLine({ event: 'error', error })}\n`);
    this.stopProgress();
    this.options.stderr.write(`wscengine: ${error}\n`);
  }

  /** Removes the status line and its timer (before exiting). */
  stopProgress(): void {
    this.progress = undefined;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    this.status?.clear();
  }

  private line(text: string): void {
    if (this.status) this.status.print(text);
    else this.options.stderr.write(`${text}\n`);
  }

  /** On a terminal: folds reconnect progress into the status line; `true` if it took the event. */
  private track(event: ConnectionEvent): boolean {
    const now = this.now();
    switch (event.event) {
      case 'close':
        this.progress = { offlineSince: now, attempt: 0 };
        return false;
      case 'reconnecting':
        this.progress ??= { offlineSince: now, attempt: 0 };
        this.progress.attempt = event.attempt;
        this.progress.failure = undefined;
        break;
      case 'retry': {
        this.progress ??= { offlineSince: now, attempt: 0 };
        const { error, failures, nextWithinMs } = event;
        this.progress.failure = { error, failures, deadline: now + nextWithinMs };
        break;
      }
      case 'read_error':
      case 'unsent':
        return false;
      default:
        // Connected again, or ending: the status has nothing left to say.
        this.stopProgress();
        return false;
    }
    this.draw();
    if (this.ticker === undefined) {
      this.ticker = setInterval(() => this.draw(), 1000);
      // The status line alone never keeps the process alive.
      this.ticker.unref();
    }
    return true;
  }

  private draw(): void {
    const p = this.progress;
    if (!p || !this.status) return;
    const now = this.now();
    const offline = `offline ${Math.floor((now - p.offlineSince) / 1000)} s`;
    if (p.failure === undefined) {
      this.status.show(`reconnecting: attempt ${p.attempt}, connecting... (${offline})`);
      return;
    }
    const { error, failures, deadline } = p.failure;
    const left = Math.max(0, Math.ceil((deadline - now) / 1000));
    const tried = p.attempt > 0 ? `attempt ${p.attempt}` : 'connection';
    this.status.show(
      `reconnecting: ${tried} failed (${failures} in a row), next try within ${left} s (${offline}): ${error}`,
    );
  }
}
