import { ErrorCode, SendError } from '../index.js';

/** Bounds of a {@link SendWindow}: the engine's outbox limits, so the outbox never overflows. */
export interface SendWindowLimits {
  /** Lines handed over and not settled, at most. */
  maxMessages: number;
  /** Their total length (UTF-16 code units, as the outbox counts a string), at most. */
  maxBytes: number;
}

/** What a {@link SendWindow} hands lines to, and whom it tells about a line not sent. */
export interface SendWindowOptions extends SendWindowLimits {
  /** Sends one line (`engine.send`). */
  send(line: string): Promise<void>;
  /** `line` was not sent: `error` says why (a `SendError` carries the line as `data`). */
  onRejected(line: string, error: unknown): void;
}

/**
 * Not a queue: a count of the lines handed to `engine.send()` that have not settled yet.
 * The lines wait in the engine's outbox; this only holds the next one back while the
 * window is full, so `push` (and with it the reading of stdin) waits instead of the outbox
 * refusing a line with `ERR_OUTBOX_FULL`. Piping a large file while disconnected is thus
 * back-pressured, not dropped.
 */
export class SendWindow {
  private count = 0;
  private bytes = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  private idle: (() => void)[] = [];

  constructor(private readonly options: SendWindowOptions) {}

  /** Lines handed over and not settled yet. */
  get pending(): number {
    return this.count;
  }

  /**
   * Hands `line` to `send` once it fits; resolves when it has been handed over (not when it
   * is written). One push at a time: the caller awaits each before the next.
   */
  async push(line: string): Promise<void> {
    while (!this.closed && !this.fits(line)) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.closed) {
      this.options.onRejected(
        line,
        new SendError(ErrorCode.SendAborted, 'not sent: the command ended', line),
      );
      return;
    }
    this.count += 1;
    this.bytes += line.length;
    let sent: Promise<void>;
    try {
      sent = this.options.send(line);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.catch((error: unknown) => this.options.onRejected(line, error)).finally(() => this.release(line));
  }

  /** Takes no more lines: a push waiting for room reports its line as not sent. */
  close(): void {
    this.closed = true;
    this.wakeUp();
  }

  /** Resolves once every line handed over has settled (sent or reported). */
  settled(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** A line fits while the window has room; one line alone always fits (the outbox judges it). */
  private fits(line: string): boolean {
    if (this.count === 0) return true;
    const { maxMessages, maxBytes } = this.options;
    return this.count < maxMessages && this.bytes + line.length <= maxBytes;
  }

  private release(line: string): void {
    this.count -= 1;
    this.bytes -= line.length;
    this.wakeUp();
    if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
