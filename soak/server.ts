import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** The text a heartbeat carries, both ways (the WHATWG adapter cannot ping). */
export const HEARTBEAT = 'hb';

/** Most bytes a connection may have waiting in ws before the server skips a tick for it. */
const MAX_BUFFERED = 256 * 1024;
const TICK_MS = 10;
/** The server drops a connection that has not answered its last ping within this (after a cut). */
const SERVER_PING_MS = 1_000;

interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  seq: number;
  alive: boolean;
  closing: boolean;
}

/**
 * A `ws` server that numbers its messages per connection (`<connection id>:<seq>`, from 1)
 * and sends a few every 10 ms to every open connection, as long as ws has room; answers
 * heartbeats; pings its clients and drops those that stay silent (what a cut link leaves
 * behind on the server's side). It can close a random connection cleanly, saying in the
 * reason how many messages it wrote before the close frame (`last:<seq>`).
 */
export class SoakServer {
  private readonly connections = new Map<number, Connection>();
  private nextId = 1;
  private readonly tick: NodeJS.Timeout;
  private readonly pinger: NodeJS.Timeout;
  messagesWritten = 0;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: URL,
    private readonly random: () => number,
  ) {
    wss.on('connection', (ws) => this.connected(ws));
    this.tick = setInterval(() => this.send(), TICK_MS);
    this.pinger = setInterval(() => this.ping(), SERVER_PING_MS);
  }

  static async start(random: () => number): Promise<SoakServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const { port } = wss.address() as AddressInfo;
    return new SoakServer(wss, new URL(`ws://127.0.0.1:${port}/soak`), random);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Closes a random open connection with `code` after what it wrote; false if none is open. */
  closeOne(code: number): boolean {
    const conn = this.pick();
    if (!conn) return false;
    conn.closing = true;
    conn.ws.close(code, `last:${conn.seq}`);
    return true;
  }

  /** Drops a random connection without a close frame. */
  dropOne(): boolean {
    const conn = this.pick();
    if (!conn) return false;
    conn.ws.terminate();
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.tick);
    clearInterval(this.pinger);
    for (const conn of this.connections.values()) conn.ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }

  private pick(): Connection | undefined {
    const open = [...this.connections.values()].filter((c) => !c.closing && c.ws.readyState === c.ws.OPEN);
    return open.length === 0 ? undefined : open[Math.floor(this.random() * open.length)];
  }

  private connected(ws: WebSocket): void {
    const conn: Connection = { id: this.nextId++, ws, seq: 0, alive: true, closing: false };
    this.connections.set(conn.id, conn);
    ws.on('error', () => {});
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === HEARTBEAT && !conn.closing) ws.send(HEARTBEAT);
    });
    ws.once('close', () => this.connections.delete(conn.id));
  }

  private send(): void {
    for (const conn of this.connections.values()) {
      const { ws } = conn;
      if (conn.closing || ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED) continue;
      const count = 1 + Math.floor(this.random() * 3);
      for (let i = 0; i < count; i++) ws.send(`${conn.id}:${++conn.seq}`);
      this.messagesWritten += count;
    }
  }

  private ping(): void {
    for (const conn of this.connections.values()) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.ws.readyState === conn.ws.OPEN) conn.ws.ping();
    }
  }
}
