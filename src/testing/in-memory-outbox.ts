import { ConnectionClosedError } from '../core/errors.js';
import type { Message } from '../core/message.js';

/** A close frame: `code` is `undefined` for a frame without a status code. */
export interface CloseFrame {
  code: number | undefined;
  reason: string;
}

type OutboxItem =
  | {
      kind: 'message';
      message: Message;
      bytes: number;
      /** In the transport buffer: `send()` has resolved. */
      sent: boolean;
      resolve(): void;
      reject(error: unknown): void;
    }
  | { kind: 'close'; frame: CloseFrame };

/** Where the outbox hands its items; `deliver` returns false once the client is paused. */
export interface OutboxSink {
  deliver(message: Message): boolean;
  deliverClose(frame: CloseFrame): void;
}

function sizeOf(message: Message): number {
  return typeof message.data === 'string' ? message.data.length : message.data.byteLength;
}

/**
 * The server's side of the server → client stream: what was sent but not yet taken by the
 * client, in order, close frame included. A `transportBytes` window models the network's
 * own buffering: messages inside it count as sent (`send()` resolved) but not delivered.
 */
export class InMemoryOutbox {
  private items: OutboxItem[] = [];
  private bytes = 0;
  private inTransitBytes = 0;

  constructor(private readonly transportBytes: number) {}

  /** Bytes beyond the transport buffer: what `bufferedAmount()` reports. */
  get bufferedAmount(): number {
    return this.bytes - this.inTransitBytes;
  }

  /** Queues `message`; the promise resolves once it is in the transport buffer or delivered. */
  push(message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = sizeOf(message);
      this.items.push({ kind: 'message', message, bytes, sent: false, resolve, reject });
      this.bytes += bytes;
      this.admit();
    });
  }

  /** Queues a close frame behind the data already sent, as on a TCP stream. */
  pushClose(frame: CloseFrame): void {
    this.items.push({ kind: 'close', frame });
  }

  /** Delivers in order until the sink pauses or nothing is left. */
  drain(sink: OutboxSink): void {
    let open = true;
    while (open && this.items.length > 0) {
      const item = this.items.shift()!;
      if (item.kind === 'close') {
        sink.deliverClose(item.frame);
        continue;
      }
      this.bytes -= item.bytes;
      if (item.sent) this.inTransitBytes -= item.bytes;
      else item.resolve();
      open = sink.deliver(item.message);
    }
    this.admit();
  }

  /** Drops undelivered messages: unsent ones reject; data already in the transport is lost silently, as on a network. */
  discardMessages(): void {
    const kept: OutboxItem[] = [];
    for (const item of this.items) {
      if (item.kind === 'close') kept.push(item);
      else if (!item.sent) {
        item.reject(new ConnectionClosedError('the connection closed before this message was delivered'));
      }
    }
    this.items = kept;
    this.bytes = 0;
    this.inTransitBytes = 0;
  }

  /** Drops everything, close frame included. */
  clear(): void {
    this.discardMessages();
    this.items = [];
  }

  private admit(): void {
    for (const item of this.items) {
      if (item.kind !== 'message' || item.sent) continue;
      if (this.inTransitBytes + item.bytes > this.transportBytes) return;
      item.sent = true;
      this.inTransitBytes += item.bytes;
      item.resolve();
    }
  }
}
