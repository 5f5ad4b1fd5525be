import { type Message, MessageType } from '../index.js';

/**
 * A connection event of `wscengine connect`, as printed by `--json` (one object per line).
 * Messages are events too (`message`), but go to stdout in every mode.
 */
export type CliEvent =
  | { event: 'open'; url: string; protocol: string; restarting: boolean }
  | { event: 'message'; type: 'text'; data: string }
  | { event: 'message'; type: 'binary'; encoding: BinaryEncoding; data: string }
  | { event: 'close'; code: number; reason: string }
  | { event: 'reconnecting'; attempt: number }
  | { event: 'retry'; failures: number; error: string; nextWithinMs: number }
  | { event: 'read_error'; error: string }
  | { event: 'unsent'; data: string; error: string }
  | { event: 'error'; error: string };

/** A received message, as an event. */
export type MessageLine = Extract<CliEvent, { event: 'message' }>;

/** How binary messages are printed: `hex` unless `--base64`. */
export type BinaryEncoding = 'hex' | 'base64';

/** A received message as an event: binary data encoded as asked. */
export function messageEvent(message: Message, encoding: BinaryEncoding): MessageLine {
  if (message.type === MessageType.Text) return { event: 'message', type: 'text', data: message.data };
  const bytes = message.data;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
  return { event: 'message', type: 'binary', encoding, data };
}

/** The line `--json` prints for an event. */
export function jsonLine(event: CliEvent): string {
  return JSON.stringify(event);
}

/** The line printed on stderr for an event without `--json`. */
export function humanLine(event: Exclude<CliEvent, { event: 'message' }>): string {
  switch (event.event) {
    case 'open':
      return `${event.restarting ? 're' : ''}connected to ${event.url}${event.protocol ? ` (subprotocol ${event.protocol})` : ''}`;
    case 'close':
      return `closed: ${event.code}${event.reason ? ` ${event.reason}` : ''}`;
    case 'reconnecting':
      return `reconnecting: attempt ${event.attempt}`;
    case 'retry':
      return `failed (${event.failures} in a row): ${event.error}; next attempt within ${duration(event.nextWithinMs)}`;
    case 'read_error':
      return `read error: ${event.error}`;
    case 'unsent':
      return `not sent (${event.error}): ${event.data}`;
    case 'error':
      return event.error;
  }
}

/** A duration for people: `20 ms`, `1.5 s`, and whole seconds from 10 s on. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}
