import { throwIfAborted } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { ConnectionClosedError, InvalidOptionsError } from '../core/errors.js';
import { INBOUND_QUEUE_DEFAULTS, type InboundQueue, type InboundQueueLimits } from '../core/inbound-queue.js';
import { INBOUND_QUEUE } from '../core/inbound-seam.js';
import type { CallOptions, HandshakeResponse, Message, MessageType } from '../core/message.js';
import {
  checkCallOptions,
  validateClose,
  validateMessage,
  validateWebSocketUrl,
} from '../core/validation.js';
import type { InMemoryLink } from './in-memory-link.js';
import type { InMemorySocket, LinkSettings } from './in-memory-types.js';

/** Options of an in-memory client adapter. */
export interface InMemoryAdapterOptions {
  /** Bounds of the client's inbound queue; the server's outbox fills up beyond them. Default {@link INBOUND_QUEUE_DEFAULTS}. */
  inboundQueue?: InboundQueueLimits;
  /** Subprotocols offered; the server selects the first. Default none. */
  protocols?: string | string[];
  /** Extra handshake request headers (the peer sees them lower-cased). Default none. */
  headers?: Record<string, string>;
  /** How long `close()` waits for the server's acknowledgement before dropping the connection. Default 1000 ms. */
  closeTimeoutMs?: number;
}

/** What a client asks for when it dials. */
export interface HandshakeRequest {
  url: URL;
  protocols: string[];
  headers: Record<string, string>;
}

/**
 * Where an in-memory client gets its connection from: the server, which implements it.
 * Declared here, by the side that uses it, so the server may import the adapter it makes.
 */
export interface InMemoryHandshaker {
  /** @internal */
  handshake(
    request: HandshakeRequest,
    settings: Pick<LinkSettings, 'inboundQueue' | 'closeTimeoutMs'>,
    signal: AbortSignal | undefined,
  ): Promise<{ link: InMemoryLink; response: HandshakeResponse }>;
}

/** Defaults of {@link InMemoryAdapterOptions}. */
export const IN_MEMORY_ADAPTER_DEFAULTS = Object.freeze({ closeTimeoutMs: 1000 });

interface ResolvedOptions {
  inboundQueue: InboundQueueLimits;
  protocols: string[];
  headers: Record<string, string>;
  closeTimeoutMs: number;
}

function resolveOptions(options: InMemoryAdapterOptions): ResolvedOptions {
  const issues: string[] = [];
  const { maxMessages = INBOUND_QUEUE_DEFAULTS.maxMessages, maxBytes = INBOUND_QUEUE_DEFAULTS.maxBytes } =
    options.inboundQueue ?? {};
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    issues.push(`inboundQueue.maxMessages: expected an integer >= 1, got ${String(maxMessages)}`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes >= 1)) {
    issues.push(`inboundQueue.maxBytes: expected a number >= 1, got ${String(maxBytes)}`);
  }
  const closeTimeoutMs = options.closeTimeoutMs ?? IN_MEMORY_ADAPTER_DEFAULTS.closeTimeoutMs;
  if (typeof closeTimeoutMs !== 'number' || !(closeTimeoutMs >= 0) || !Number.isFinite(closeTimeoutMs)) {
    issues.push(`closeTimeoutMs: expected a finite number >= 0, got ${String(closeTimeoutMs)}`);
  }
  const protocols = options.protocols === undefined ? [] : [options.protocols].flat();
  if (protocols.some((p) => typeof p !== 'string' || p === '')) {
    issues.push('protocols: expected non-empty strings');
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues, 'in-memory adapter options');
  return {
    inboundQueue: { maxMessages, maxBytes },
    protocols,
    headers: { ...options.headers },
    closeTimeoutMs,
  };
}

/**
 * A real {@link WebSocketConnectionAdapter} over an in-memory connection to an
 * {@link InMemoryServer}: the whole adapter contract (validation, close codes, 1005/1006,
 * ordered concurrent reads, aborts that lose nothing, bounded queue with back-pressure),
 * with no sockets. Get one from `createInMemoryPair()` or
 * `server.createClient()`.
 */
export class InMemoryAdapter implements WebSocketConnectionAdapter {
  private readonly options: ResolvedOptions;
  private link: InMemoryLink | undefined;

  constructor(
    private readonly server: InMemoryHandshaker,
    options: InMemoryAdapterOptions = {},
  ) {
    this.options = resolveOptions(options);
  }

  /** Connects to the in-memory server; a connection this adapter already holds is closed (1001) and dropped first. */
  async dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    const url = validateWebSocketUrl(target);
    checkCallOptions(options, 'dial');
    throwIfAborted(options?.signal);
    this.link?.abandon();
    this.link = undefined;
    const { link, response } = await this.server.handshake(
      { url: new URL(url), protocols: this.options.protocols, headers: this.options.headers },
      { inboundQueue: this.options.inboundQueue, closeTimeoutMs: this.options.closeTimeoutMs },
      options?.signal,
    );
    this.link = link;
    return response;
  }

  /**
   * Sends a close frame and resolves once the server acknowledged it (automatic unless the
   * peer's `stopReading()`, then after `closeTimeoutMs`). Ignores `options.signal`.
   */
  async close(code: number, reason = '', options?: CallOptions): Promise<void> {
    validateClose(code, reason);
    checkCallOptions(options, 'close');
    if (!this.link) throw new ConnectionClosedError();
    await this.link.clientClose(code, reason);
  }

  async ping(options?: CallOptions): Promise<void> {
    checkCallOptions(options, 'ping');
    if (!this.link) throw new ConnectionClosedError();
    await this.link.clientPing(options?.signal);
  }

  async read(options?: CallOptions): Promise<Message> {
    checkCallOptions(options, 'read');
    if (!this.link) throw new ConnectionClosedError();
    throwIfAborted(options?.signal);
    return this.link.inbound.read(options?.signal);
  }

  /**
   * The engine's read path without a promise per message (`core/inbound-seam.ts`): the
   * current connection's inbound queue, kept after it ended so it can be drained, or
   * `undefined` before the first dial and while a dial is in progress. Each `dial` makes a
   * new queue, unwatched.
   * @internal
   */
  [INBOUND_QUEUE](): InboundQueue | undefined {
    return this.link?.inbound;
  }

  async write(type: MessageType, data: string | Uint8Array, options?: CallOptions): Promise<void> {
    validateMessage(type, data);
    checkCallOptions(options, 'write');
    if (!this.link) throw new ConnectionClosedError();
    throwIfAborted(options?.signal);
    this.link.clientWrite({ type, data } as Message);
  }

  /** The {@link InMemorySocket} of the current connection, `undefined` before the first dial and once it is gone. */
  getUnderlyingConnection(): InMemorySocket | undefined {
    return this.link && !this.link.isGone ? this.link : undefined;
  }
}
