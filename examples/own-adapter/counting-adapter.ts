// Your own adapter: the engine runs on any object with the six methods of
// `WebSocketConnectionAdapter`. This one wraps another adapter and counts messages and
// bytes each way (numbers for a dashboard, without OpenTelemetry). A wrapper is the
// easiest adapter to get wrong in small ways: count a message that an aborted read never
// returned, or swallow an error. conformance.test.ts beside this file runs the adapter
// contract's conformance suite against it to prove it does neither.
import type {
  CallOptions,
  HandshakeResponse,
  Message,
  MessageType,
  WebSocketConnectionAdapter,
} from '../../src/index.js';

export interface Counts {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

const size = (data: string | Uint8Array) =>
  typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength;

export class CountingAdapter implements WebSocketConnectionAdapter {
  readonly counts: Counts = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };

  constructor(private readonly inner: WebSocketConnectionAdapter) {}

  dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    return this.inner.dial(target, options);
  }

  close(code: number, reason?: string, options?: CallOptions): Promise<void> {
    return this.inner.close(code, reason, options);
  }

  ping(options?: CallOptions): Promise<void> {
    return this.inner.ping(options);
  }

  async read(options?: CallOptions): Promise<Message> {
    const message = await this.inner.read(options); // a rejection passes through untouched
    this.counts.messagesIn++;
    this.counts.bytesIn += size(message.data);
    return message;
  }

  async write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    await this.inner.write(type, data, options); // count what was written, not what was tried
    this.counts.messagesOut++;
    this.counts.bytesOut += size(data);
  }

  getUnderlyingConnection(): unknown {
    return this.inner.getUnderlyingConnection();
  }
}
