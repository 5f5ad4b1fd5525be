import { MessageType, type WebSocketConnectionAdapter } from '../index.js';

/** Callbacks of a {@link SendQueue}: back-pressure on the input. */
export interface SendQueueOptions {
  /** Lines held at most before `onFull`; reading resumes (`onRoom`) at half of it. */
  limit: number;
  /** The queue is full: stop reading input. */
  onFull(): void;
  /** The queue has room again: read input again. */
  onRoom(): void;
}

/**
 * The lines typed (or piped) on stdin, sent in order as text messages whenever a
 * connection is attached. While there is none, lines wait here and go out after the next
 * `onOpen`; a line whose write fails stays first in line for the next connection. The
 * queue is bounded by back-pressure, not by dropping: at `limit` lines the input is paused,
 * so nothing typed is lost while reconnecting, and memory stays bounded whatever is piped.
 */
export class SendQueue {
  private readonly lines: string[] = [];
  private conn: WebSocketConnectionAdapter | undefined;
  private pumping = false;
  private full = false;

  constructor(private readonly options: SendQueueOptions) {}

  /** Lines not sent yet. */
  get size(): number {
    return this.lines.length;
  }

  /** Queues `line`; it goes out at once if a connection is attached. */
  push(line: string): void {
    this.lines.push(line);
    if (!this.full && this.lines.length >= this.options.limit) {
      this.full = true;
      this.options.onFull();
    }
    void this.pump();
  }

  /** Sends on `conn` from now on, starting with the lines that waited. */
  attach(conn: WebSocketConnectionAdapter): void {
    this.conn = conn;
    void this.pump();
  }

  /** Stops sending: the connection is going away. */
  detach(): void {
    this.conn = undefined;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // One write at a time: a failed line is kept, and order holds across reconnects.
      while (this.conn !== undefined && this.lines.length > 0) {
        const conn = this.conn;
        try {
          await conn.write(MessageType.Text, this.lines[0]);
        } catch {
          // The connection went away under the write; a new one may be attached already.
          if (this.conn === conn) this.conn = undefined;
          continue;
        }
        this.lines.shift();
        if (this.full && this.lines.length <= this.options.limit / 2) {
          this.full = false;
          this.options.onRoom();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
