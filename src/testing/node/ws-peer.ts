import { createServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Message, MessageType } from '../../core/message.js';
import type { ConformancePeer, PeerConnection } from '../peer.js';

/** Options of {@link startWsPeer}. */
export interface WsPeerOptions {
  /**
   * Subprotocols the peer accepts; it selects the first one the client offers that is in
   * this list (none if there is no match). Default: the first one the client offers.
   */
  protocols?: readonly string[];
  /** Largest message the peer accepts, in bytes (ws's `maxPayload`). Default 100 MiB. */
  maxPayload?: number;
}

type HandshakePlan =
  | { kind: 'refuse'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'stall' };

/**
 * Starts a {@link ConformancePeer} on a real `ws` server bound to 127.0.0.1, port 0. The
 * conformance suite and adapter tests dial it; it answers pings by hand (so tests can turn
 * that off), can refuse or stall the next handshake, and closes every socket on `close()`.
 * Node only: it is exported by `wscengine/testing/node`.
 *
 * @example
 * ```ts
 * const peer = await startWsPeer();
 * await adapter.dial(peer.url);
 * const conn = await peer.accept();
 * await conn.send({ type: MessageType.Text, data: 'hi' });
 * await peer.close();
 * ```
 */
export async function startWsPeer(options: WsPeerOptions = {}): Promise<ConformancePeer> {
  const server = createServer((_req, res) => res.writeHead(426).end('WebSocket upgrade required'));
  const wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    maxPayload: options.maxPayload ?? 100 * 1024 * 1024,
    handleProtocols: (offered) => selectProtocol([...offered], options.protocols),
  });
  const state = new PeerState(server, wss, STATUS_CODES);
  server.on('connection', (socket) => state.track(socket));
  server.on('upgrade', (req, socket, head) => state.upgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return state.facade(new URL(`ws://127.0.0.1:${port}/`));
}

function selectProtocol(offered: string[], accepted: readonly string[] | undefined): string | false {
  if (!accepted) return offered[0] ?? false;
  return offered.find((p) => accepted.includes(p)) ?? false;
}

class PeerState {
  private readonly sockets = new Set<Duplex>();
  private readonly connections = new Set<WsPeerConnection>();
  private readonly pending: WsPeerConnection[] = [];
  private readonly acceptors: ((conn: WsPeerConnection) => void)[] = [];
  private readonly plans: HandshakePlan[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly statusTexts: Record<number, string | undefined>,
  ) {}

  track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const plan = this.plans.shift();
    // A stalled socket stays tracked, so close() destroys it.
    if (plan?.kind === 'stall') return;
    if (plan?.kind === 'refuse') {
      socket.end(this.rawResponse(plan));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req));
  }

  private rawResponse(plan: Extract<HandshakePlan, { kind: 'refuse' }>): string {
    const body = Buffer.from(plan.body, 'utf8');
    const headers = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.byteLength),
      Connection: 'close',
      ...plan.headers,
    };
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    const statusText = this.statusTexts[plan.status] ?? 'Unknown';
    return `HTTP/1.1 ${plan.status} ${statusText}\r\n${lines.join('\r\n')}\r\n\r\n${plan.body}`;
  }

  private connected(ws: WebSocket, req: IncomingMessage): void {
    const conn = new WsPeerConnection(ws, req);
    this.connections.add(conn);
    void conn.closed.then(() => this.connections.delete(conn));
    const acceptor = this.acceptors.shift();
    if (acceptor) acceptor(conn);
    else this.pending.push(conn);
  }

  facade(url: URL): ConformancePeer {
    return {
      url,
      accept: () => {
        const conn = this.pending.shift();
        if (conn) return Promise.resolve(conn);
        return new Promise((resolve) => this.acceptors.push(resolve));
      },
      refuseNextHandshake: (status, opts = {}) => {
        this.plans.push({ kind: 'refuse', status, headers: opts.headers ?? {}, body: opts.body ?? '' });
      },
      stallNextHandshake: () => {
        this.plans.push({ kind: 'stall' });
      },
      openConnections: () => this.connections.size,
      close: () => {
        this.closing ??= this.shutdown();
        return this.closing;
      },
    };
  }

  private async shutdown(): Promise<void> {
    for (const conn of this.connections) conn.drop();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => this.wss.close(() => resolve())),
      new Promise<void>((resolve) => this.server.close(() => resolve())),
    ]);
  }
}

class WsPeerConnection implements PeerConnection {
  readonly requestHeaders: Record<string, string | string[] | undefined>;
  readonly protocol: string;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly inbox: Message[] = [];
  private readonly readers: ((message: Message) => void)[] = [];
  private pongs = true;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
  ) {
    this.requestHeaders = { ...req.headers };
    this.protocol = ws.protocol;
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    ws.on('error', () => ws.terminate());
    ws.on('ping', (data) => {
      if (this.pongs && ws.readyState === ws.OPEN) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => this.received(toMessage(data as Buffer, isBinary)));
  }

  private received(message: Message): void {
    const reader = this.readers.shift();
    if (reader) reader(message);
    else this.inbox.push(message);
  }

  send(message: Message, options: { fragments?: number } = {}): Promise<void> {
    const binary = message.type === MessageType.Binary;
    const bytes = binary ? message.data : Buffer.from(message.data, 'utf8');
    const count = Math.max(1, Math.min(options.fragments ?? 1, bytes.byteLength));
    const size = Math.ceil(bytes.byteLength / count);
    return new Promise((resolve, reject) => {
      for (let i = 0; i < count; i++) {
        const chunk = bytes.subarray(i * size, i === count - 1 ? bytes.byteLength : (i + 1) * size);
        const last = i === count - 1;
        // ws sends the first fragment with the message's opcode and the rest as continuations.
        this.ws.send(chunk, { binary, fin: last, compress: false }, (error) => {
          if (!last) return;
          if (error) reject(error);
          else resolve();
        });
      }
    });
  }

  nextMessage(): Promise<Message> {
    const message = this.inbox.shift();
    if (message) return Promise.resolve(message);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  drop(): void {
    this.ws.terminate();
  }

  answerPings(answer: boolean): void {
    this.pongs = answer;
  }

  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onPong = () => {
        this.ws.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        this.ws.off('pong', onPong);
        reject(new Error('peer connection closed before the pong arrived'));
      };
      this.ws.once('pong', onPong);
      this.ws.once('close', onClose);
      this.ws.ping();
    });
  }

  stopReading(): void {
    this.ws.pause();
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
}

function toMessage(data: Buffer, isBinary: boolean): Message {
  if (isBinary) return { type: MessageType.Binary, data: new Uint8Array(data) };
  return { type: MessageType.Text, data: data.toString('utf8') };
}
