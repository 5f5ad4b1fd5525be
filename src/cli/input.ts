import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Control over the lines being read from stdin. */
export interface LineInput {
  /** Stops reading (back-pressure); lines already read may still arrive. */
  pause(): void;
  /** Reads again after `pause()`. */
  resume(): void;
  /** Stops reading for good. */
  close(): void;
}

/**
 * Calls `onLine` for each line of `stream` (without its `\n` or `\r\n`). End of input only
 * ends the reading: the connection stays up until a signal or the server ends it.
 */
export function readLines(stream: Readable, onLine: (line: string) => void): LineInput {
  // Not a terminal interface: the terminal echoes what is typed, readline must not.
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  lines.on('line', onLine);
  let closed = false;
  lines.once('close', () => {
    closed = true;
  });
  return {
    pause: () => {
      if (!closed) lines.pause();
    },
    resume: () => {
      if (!closed) lines.resume();
    },
    close: () => {
      if (closed) return;
      lines.close();
      // readline leaves its input flowing; a stdin left open would keep the process alive.
      stream.destroy();
    },
  };
}
