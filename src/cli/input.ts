import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Control over the lines being read from stdin. */
export interface LineInput {
  /** Stops reading for good; no line is handed over after it. */
  close(): void;
}

/**
 * Calls `onLine` for each line of `stream` (without its `\n` or `\r\n`), one at a time:
 * the next line waits until the promise `onLine` returns settles. Meanwhile readline's
 * iterator holds what was already read and pauses the stream once it holds 1024 lines,
 * so a slow consumer slows the producer instead of filling memory. End of input only
 * ends the reading: the connection stays up until a signal or the server ends it.
 */
export function readLines(stream: Readable, onLine: (line: string) => void | Promise<void>): LineInput {
  // Not a terminal interface: the terminal echoes what is typed, readline must not.
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  let closed = false;
  const consume = async () => {
    for await (const line of lines) {
      if (closed) return;
      await onLine(line);
    }
  };
  // A failing stdin ends the reading only, like its end.
  consume().catch(() => {});
  return {
    close: () => {
      if (closed) return;
      closed = true;
      lines.close();
      // readline leaves its input flowing; a stdin left open would keep the process alive.
      stream.destroy();
    },
  };
}
