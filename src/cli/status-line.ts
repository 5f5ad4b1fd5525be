/** A stream the status line can be drawn on: stderr, when it is a terminal. */
export interface TerminalStream {
  write(chunk: string): boolean;
  /** `true` on a terminal; the status line is only drawn there. */
  isTTY?: boolean;
  /** Terminal width; the status line is cut to fit in one row. */
  columns?: number;
}

// Carriage return, then erase the whole row: the cursor stays on the status line's row.
const ERASE = '\r\u001b[2K';

/**
 * One line at the bottom of a terminal that is redrawn in place (`\r` and erase-line),
 * with ordinary lines printed above it. Only meaningful on a terminal: on a pipe or file
 * the redraws would pile up, so callers draw it only when `stream.isTTY`.
 */
export class StatusLine {
  private text = '';

  constructor(private readonly stream: TerminalStream) {}

  /** Whether a status is on screen. */
  get visible(): boolean {
    return this.text !== '';
  }

  /** Replaces the status with `text` (cut to the terminal's width). */
  show(text: string): void {
    const width = this.stream.columns;
    this.text = width && text.length >= width ? `${text.slice(0, Math.max(width - 2, 0))}…` : text;
    this.stream.write(`${ERASE}${this.text}`);
  }

  /** Removes the status, leaving the cursor at the start of an empty row. */
  clear(): void {
    if (this.text === '') return;
    this.text = '';
    this.stream.write(ERASE);
  }

  /** Prints `line` above the status, which stays drawn below it. */
  print(line: string): void {
    const status = this.text;
    if (status !== '') this.stream.write(ERASE);
    this.stream.write(`${line}\n`);
    if (status !== '') this.stream.write(status);
  }
}
