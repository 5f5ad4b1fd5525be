import type { Attributes, Tracer } from '@opentelemetry/api';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { CANNOT_PING, canPing } from '../core/adapter-traits.js';
import { HandshakeError } from '../core/errors.js';
import { type CallOptions, type HandshakeResponse, type Message, MessageType } from '../core/message.js';
import { messageSize, utf8ByteLength } from '../core/message-size.js';
import { Attr, SpanName } from './constants.js';
import type { Instruments } from './metrics.js';
import { redactUrlsInText, urlAttributes } from './redact.js';
import { runInSpan } from './span.js';

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * An adapter whose `dial`, `read`, `write`, `ping` and `close` are each a span
 * (`wscengine.dial`, `wscengine.read`, ...), and whose messages and bytes read and written
 * and ping round trips are counted. Calls, results and errors pass through unchanged;
 * `getUnderlyingConnection` returns the inner adapter's.
 *
 * It has the six methods of the contract and nothing else: it does not forward the
 * engine's internal read path of the shipped adapters (`core/inbound-seam.ts`), so an
 * engine with telemetry reads through `read()` here, and every message is a span and
 * counted. `openTelemetry().instrument()` builds it.
 * @internal
 */
export class TracedAdapter implements WebSocketConnectionAdapter {
  constructor(
    private readonly inner: WebSocketConnectionAdapter,
    private readonly tracer: Tracer,
    private readonly instruments: Instruments,
  ) {}

  /** @internal Whether the inner adapter cannot ping, passed on (see `adapter-traits.ts`). */
  get [CANNOT_PING](): boolean {
    return !canPing(this.inner);
  }

  dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    return runInSpan(this.tracer, SpanName.Dial, urlAttributes(target), async (span) => {
      try {
        const response = await this.inner.dial(target, options);
        span.setAttributes({
          [Attr.HttpStatus]: response.status,
          [Attr.Protocol]: response.protocol,
          [Attr.Extensions]: response.extensions,
        });
        return response;
      } catch (error) {
        if (error instanceof HandshakeError) span.setAttribute(Attr.HttpStatus, error.status);
        throw error;
      }
    });
  }

  read(options?: CallOptions): Promise<Message> {
    return runInSpan(this.tracer, SpanName.Read, NO_ATTRIBUTES, async (span) => {
      const message = await this.inner.read(options);
      const size = messageSize(message);
      span.setAttributes({ [Attr.MessageType]: typeName(message.type), [Attr.BodySize]: size });
      this.instruments.messagesReceived.add(1);
      this.instruments.bytesReceived.add(size);
      return message;
    });
  }

  write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    // A wrong pairing of type and data is the inner adapter's to reject; size what we got.
    const size = typeof data === 'string' ? utf8ByteLength(data) : (data?.byteLength ?? 0);
    const attributes = { [Attr.MessageType]: typeName(type), [Attr.BodySize]: size };
    return runInSpan(this.tracer, SpanName.Write, attributes, async () => {
      await this.inner.write(type, data, options);
      this.instruments.messagesSent.add(1);
      this.instruments.bytesSent.add(size);
    });
  }

  ping(options?: CallOptions): Promise<void> {
    return runInSpan(this.tracer, SpanName.Ping, NO_ATTRIBUTES, async (span) => {
      const sentAt = performance.now();
      await this.inner.ping(options);
      const rttMs = performance.now() - sentAt;
      span.setAttribute(Attr.PingRttMs, rttMs);
      this.instruments.pingRtt.record(rttMs);
    });
  }

  close(code: number, reason?: string, options?: CallOptions): Promise<void> {
    const attributes: Attributes = { [Attr.CloseCode]: code };
    if (reason !== undefined) attributes[Attr.CloseReason] = redactUrlsInText(reason);
    return runInSpan(this.tracer, SpanName.Close, attributes, () => this.inner.close(code, reason, options));
  }

  getUnderlyingConnection(): unknown {
    return this.inner.getUnderlyingConnection();
  }
}

function typeName(type: MessageType): string {
  return type === MessageType.Text ? 'text' : type === MessageType.Binary ? 'binary' : String(type);
}
