import { onAbort } from '../core/abort.js';
import { ConnectionClosedError, DialError, HandshakeError, InvalidOptionsError } from '../core/errors.js';
import type { HandshakeResponse, Message } from '../core/message.js';
import { validateMessage } from '../core/validation.js';
import {
  type HandshakeRequest,
  InMemoryAdapter,
  type InMemoryAdapterOptions,
  type InMemoryHandshaker,
} from './in-memory-adapter.js';
import { InMemoryLink } from './in-memory-link.js';
import type { LinkSettings } from './in-memory-types.js';
import type { ConformancePeer, PeerConnection } from './peer.js';

/** The server side of one in-memory connection. Implements {@link PeerConnection}, plus test helpers. */
export class InMemoryPeerConnection implements PeerConnection {
  /** @internal */
  constructor(private readonly link: InMemoryLink) {}

  /** The URL the client dialled (query string included, e.g. to check a token). */
  get url(): URL {
    return this.link.settings.url;
  }

  get requestHeaders(): Record<string, string | string[] | undefined> {
    return this.link.settings.requestHeaders;
  }

  /** The first subprotocol the client offered, `''` if none. */
  get protocol(): string {
    return this.link.settings.protocol;
  }

  get closed(): Promise<{ code: number; reason: string }> {
    return this.link.closed;
  }

  /** Pings received from the client so far (answered or not). */
  get pingCount(): number {
    return this.link.pingCount;
  }

  /**
   * Sends `message` to the client. Resolves once it is in the client's inbound queue: while
   * the client is paused (queue full) it waits in the outbox. Rejects with
   * `InvalidArgumentError` for a malformed message and `ConnectionClosedError` if the
   * connection closes before delivery.
   */
  send(message: Message): Promise<void> {
    try {
      validateMessage(message?.type, message?.data);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.link.serverSend(message);
  }

  /** The next message the client wrote. Like the `ws` peer's, it never rejects: once the connection is gone it stays pending (await `closed` to see the end). */
  nextMessage(): Promise<Message> {
    return this.link.toServer.read();
  }

  /** Sends a close frame after the data already sent; without `code` the frame carries none (the client sees 1005). */
  close(code?: number, reason = ''): void {
    this.link.serverClose(code, reason);
  }

  drop(): void {
    this.link.drop();
  }

  answerPings(answer: boolean): void {
    this.link.answerPings = answer;
  }

  /**
   * Stops processing what the client sends: messages, pings and its close frame wait
   * unanswered (a stalled server), so the client's `close()` resolves only after its
   * close timeout, with the peer seeing 1006.
   */
  stopReading(): void {
    this.link.stopReading();
  }

  /** Processes, in order, what waited since `stopReading()`, then reads normally again. */
  resumeReading(): void {
    this.link.resumeReading();
  }

  bufferedAmount(): number {
    return this.link.bufferedAmount;
  }
}

/** Options of {@link InMemoryServer}. */
export interface InMemoryServerOptions {
  /**
   * Bytes the "network" holds between a paused client and the server's outbox. `send()`
   * resolves once a message is in the client's queue or in this buffer, and
   * `bufferedAmount()` counts only what is beyond it. Default 0: `send()` resolves only on
   * delivery to the client's queue. A real TCP connection buffers some data (set e.g.
   * 64 KiB to check code that sends a few messages more than the client's queue holds).
   */
  transportBufferBytes?: number;
}

type HandshakePlan =
  | { kind: 'refuse'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'stall' };

/**
 * An in-memory WebSocket server ({@link ConformancePeer}): no sockets, no ports. Clients
 * made by `createInMemoryPair()` or {@link InMemoryServer.createClient} dial it at
 * {@link InMemoryServer.url} (any path or query on that host).
 */
export class InMemoryServer implements ConformancePeer, InMemoryHandshaker {
  readonly url: URL;
  private readonly links = new Set<InMemoryLink>();
  private readonly unaccepted: InMemoryPeerConnection[] = [];
  private readonly acceptors: { resolve(c: InMemoryPeerConnection): void; reject(e: unknown): void }[] = [];
  private readonly plans: HandshakePlan[] = [];
  private readonly stalled = new Set<(error: unknown) => void>();
  private isClosed = false;

  private readonly transportBufferBytes: number;

  constructor(url: string | URL = 'ws://in-memory.test/', options: InMemoryServerOptions = {}) {
    this.url = new URL(url);
    const { transportBufferBytes = 0 } = options;
    if (!Number.isInteger(transportBufferBytes) || transportBufferBytes < 0) {
      throw new InvalidOptionsError([
        `transportBufferBytes: expected an integer >= 0, got ${transportBufferBytes}`,
      ]);
    }
    this.transportBufferBytes = transportBufferBytes;
  }

  /** A new client adapter that dials this server (for tests with several clients). */
  createClient(options?: InMemoryAdapterOptions): InMemoryAdapter {
    return new InMemoryAdapter(this, options);
  }

  accept(): Promise<InMemoryPeerConnection> {
    const ready = this.unaccepted.shift();
    if (ready) return Promise.resolve(ready);
    if (this.isClosed) return Promise.reject(new ConnectionClosedError('the in-memory server is closed'));
    return new Promise((resolve, reject) => this.acceptors.push({ resolve, reject }));
  }

  refuseNextHandshake(
    status: number,
    options: { headers?: Record<string, string>; body?: string } = {},
  ): void {
    this.plans.push({ kind: 'refuse', status, headers: options.headers ?? {}, body: options.body ?? '' });
  }

  stallNextHandshake(): void {
    this.plans.push({ kind: 'stall' });
  }

  openConnections(): number {
    return this.links.size;
  }

  /** Closes every open connection with 1001 (data not yet delivered is discarded), then stops accepting dials. */
  async close(): Promise<void> {
    this.isClosed = true;
    const closing = [...this.links].map((link) => {
      link.shutdown(1001, 'Going away');
      return link.closed;
    });
    for (const reject of this.stalled)
      reject(new DialError('the in-memory server closed during the handshake'));
    for (const acceptor of this.acceptors.splice(0))
      acceptor.reject(new ConnectionClosedError('the in-memory server is closed'));
    await Promise.all(closing);
  }

  /** @internal Called by in-memory clients' `dial`. */
  async handshake(
    request: HandshakeRequest,
    settings: Pick<LinkSettings, 'inboundQueue' | 'closeTimeoutMs'>,
    signal: AbortSignal | undefined,
  ): Promise<{ link: InMemoryLink; response: HandshakeResponse }> {
    this.checkReachable(request.url);
    const plan = this.plans.shift();
    if (plan?.kind === 'stall') await this.stall(signal);
    await Promise.resolve(); // the upgrade request travels
    if (signal?.aborted) throw signal.reason;
    this.checkReachable(request.url);
    if (plan?.kind === 'refuse') {
      throw new HandshakeError(plan.status, lowerCaseKeys(plan.headers), plan.body.slice(0, 1024));
    }
    const protocol = request.protocols[0] ?? '';
    const link = new InMemoryLink(
      {
        ...settings,
        url: request.url,
        protocol,
        requestHeaders: requestHeaders(request),
        transportBufferBytes: this.transportBufferBytes,
      },
      (gone) => this.links.delete(gone),
    );
    this.links.add(link);
    this.deliver(new InMemoryPeerConnection(link));
    const headers: Record<string, string> = { upgrade: 'websocket', connection: 'Upgrade' };
    if (protocol) headers['sec-websocket-protocol'] = protocol;
    return { link, response: { status: 101, headers, protocol, extensions: '' } };
  }

  private checkReachable(url: URL): void {
    if (this.isClosed) throw new DialError(`cannot reach ${url.host}: the in-memory server is closed`);
    if (url.host !== this.url.host)
      throw new DialError(`cannot reach ${url.host}: no in-memory server there`);
  }

  private stall(signal: AbortSignal | undefined): Promise<never> {
    return new Promise<never>((_resolve, reject) => {
      const fail = (error: unknown) => {
        this.stalled.delete(fail);
        off();
        reject(error);
      };
      const off = onAbort(signal, fail);
      this.stalled.add(fail);
      if (signal?.aborted) fail(signal.reason);
    });
  }

  private deliver(connection: InMemoryPeerConnection): void {
    const acceptor = this.acceptors.shift();
    if (acceptor) acceptor.resolve(connection);
    else this.unaccepted.push(connection);
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function requestHeaders(request: HandshakeRequest): Record<string, string | string[] | undefined> {
  const headers: Record<string, string> = {
    host: request.url.host,
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-version': '13',
    ...lowerCaseKeys(request.headers),
  };
  if (request.protocols.length > 0) headers['sec-websocket-protocol'] = request.protocols.join(', ');
  return headers;
}
