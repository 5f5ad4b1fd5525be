import type { Attributes } from '@opentelemetry/api';
import type { ReadWatcher, WebSocketConnectionAdapter } from '../core/adapter.js';
import { HandshakeError } from '../core/errors.js';
import { type CallOptions, type HandshakeResponse, type Message, MessageType } from '../core/message.js';
import { Attr, SpanName } from './constants.js';
import { redactUrlsInText, urlAttributes } from './redact.js';
import type { EngineTelemetry } from './types.js';

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * Wraps `adapter` so each `dial`, `read`, `write`, `ping` and `close` is a span
 * (`wscengine.dial`, `wscengine.read`, ...) and the messages and bytes read and written
 * are counted, through `telemetry`. Calls, results and errors pass through unchanged;
 * `readQueued` is kept when the inner adapter has one (counted, without a span: it is the
 * per-message fast path), and `getUnderlyingConnection` returns the inner adapter's.
 *
 * When `telemetry.enabled` is false the adapter itself is returned: no wrapper, no cost.
 * Wrap once: an engine that wraps its adapter does the counting, so do not also wrap it
 * yourself.
 *
 * @example
 * ```ts
 * const telemetry = createEngineTelemetry({ tracerProvider });
 * const conn = traceAdapter(new WsAdapter(), telemetry);
 * await conn.dial(new URL('wss://example.com/feed?token=abc')); // url.full: ...?token=REDACTED
 * ```
 */
export function traceAdapter(
  adapter: WebSocketConnectionAdapter,
  telemetry: EngineTelemetry,
): WebSocketConnectionAdapter {
  return telemetry.enabled ? new TracedAdapter(adapter, telemetry) : adapter;
}

class TracedAdapter implements WebSocketConnectionAdapter {
  readQueued?: () => Message | undefined;
  watchReads?: (watcher: ReadWatcher | undefined) => void;

  constructor(
    private readonly inner: WebSocketConnectionAdapter,
    private readonly telemetry: EngineTelemetry,
  ) {
    // Only when the inner adapter has it: the engine tests for the method's presence.
    if (typeof inner.readQueued === 'function') {
      this.readQueued = () => {
        const message = this.inner.readQueued?.();
        if (message !== undefined) this.telemetry.messageIn(messageSize(message));
        return message;
      };
      // Passed through: the messages it announces are counted by `readQueued` above.
      if (typeof inner.watchReads === 'function') {
        this.watchReads = (watcher) => this.inner.watchReads?.(watcher);
      }
    }
  }

  dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    return this.telemetry.span(SpanName.Dial, urlAttributes(target), async (span) => {
      try {
        const response = await this.inner.dial(target, options);
        span?.setAttributes({
          [Attr.HttpStatus]: response.status,
          [Attr.Protocol]: response.protocol,
          [Attr.Extensions]: response.extensions,
        });
        return response;
      } catch (error) {
        if (error instanceof HandshakeError) span?.setAttribute(Attr.HttpStatus, error.status);
        throw error;
      }
    });
  }

  read(options?: CallOptions): Promise<Message> {
    return this.telemetry.span(SpanName.Read, NO_ATTRIBUTES, async (span) => {
      const message = await this.inner.read(options);
      const size = messageSize(message);
      span?.setAttributes({ [Attr.MessageType]: typeName(message.type), [Attr.BodySize]: size });
      this.telemetry.messageIn(size);
      return message;
    });
  }

  write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    // A wrong pairing of type and data is the inner adapter's to reject; size what we got.
    const size = typeof data === 'string' ? utf8ByteLength(data) : (data?.byteLength ?? 0);
    const attributes = { [Attr.MessageType]: typeName(type), [Attr.BodySize]: size };
    return this.telemetry.span(SpanName.Write, attributes, async () => {
      await this.inner.write(type, data, options);
      this.telemetry.messageOut(size);
    });
  }

  ping(options?: CallOptions): Promise<void> {
    return this.telemetry.span(SpanName.Ping, NO_ATTRIBUTES, async (span) => {
      const sentAt = performance.now();
      await this.inner.ping(options);
      const rttMs = performance.now() - sentAt;
      span?.setAttribute(Attr.PingRttMs, rttMs);
      this.telemetry.pingRtt(rttMs);
    });
  }

  close(code: number, reason?: string, options?: CallOptions): Promise<void> {
    const attributes: Attributes = { [Attr.CloseCode]: code };
    if (reason !== undefined) attributes[Attr.CloseReason] = redactUrlsInText(reason);
    return this.telemetry.span(SpanName.Close, attributes, () => this.inner.close(code, reason, options));
  }

  getUnderlyingConnection(): unknown {
    return this.inner.getUnderlyingConnection();
  }
}

function typeName(type: MessageType): string {
  return type === MessageType.Text ? 'text' : type === MessageType.Binary ? 'binary' : String(type);
}

/** Payload size in bytes: UTF-8 bytes for text, as on the wire. */
export function messageSize(message: Message): number {
  return typeof message.data === 'string' ? utf8ByteLength(message.data) : message.data.byteLength;
}

/**
 * UTF-8 length of `text` without encoding it (no allocation, no Node `Buffer`); a lone
 * surrogate counts as the 3 bytes of the U+FFFD that replaces it on the wire.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // two units, four bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}
