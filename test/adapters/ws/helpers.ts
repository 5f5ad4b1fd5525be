import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ServerOptions, WebSocket, WebSocketServer } from 'ws';
import { WsAdapter, type WsAdapterOptions } from '../../../src/adapters/ws/index.js';

/** One connection accepted by a {@link TestServer}: the server-side socket and its request. */
export interface Accepted {
  ws: WebSocket;
  req: IncomingMessage;
  /** Settles with what the server saw when the connection closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A `ws` server on 127.0.0.1, port 0, that hands out its connections in order. */
export interface TestServer {
  url: URL;
  wss: WebSocketServer;
  accept(): Promise<Accepted>;
  close(): Promise<void>;
}

/** Starts a `ws` server on 127.0.0.1 port 0. */
export async function startServer(options: Omit<ServerOptions, 'port' | 'host'> = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await once(wss, 'listening');
  const accepted: Accepted[] = [];
  const waiters: ((connection: Accepted) => void)[] = [];
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    const connection = { ws, req, closed };
    const waiter = waiters.shift();
    if (waiter) waiter(connection);
    else accepted.push(connection);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: new URL(`ws://127.0.0.1:${port}/path?x=1`),
    wss,
    accept: () => {
      const connection = accepted.shift();
      return connection ? Promise.resolve(connection) : new Promise((resolve) => waiters.push(resolve));
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** An HTTP server whose `upgrade` handler the test writes; tracks sockets so `close` ends them. */
export interface RawServer {
  url: URL;
  server: Server;
  /** Resolves with the next upgrade request's raw socket. */
  nextUpgrade(): Promise<Socket>;
  close(): Promise<void>;
}

/** Starts an HTTP server that calls `onUpgrade` for each upgrade request (port 0). */
export async function startRawServer(
  onUpgrade: (req: IncomingMessage, socket: Socket) => void,
): Promise<RawServer> {
  const server = createServer();
  const sockets = new Set<Socket>();
  const waiters: ((socket: Socket) => void)[] = [];
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => {});
    onUpgrade(req, socket);
    waiters.shift()?.(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`ws://127.0.0.1:${port}/`),
    server,
    nextUpgrade: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The next message `ws` receives, as a string (text) or Buffer (binary). */
export async function nextMessage(ws: WebSocket): Promise<string | Buffer> {
  const [data, isBinary] = (await once(ws, 'message')) as [Buffer, boolean];
  return isBinary ? data : data.toString();
}

/**
 * Waits until `predicate` holds, checking once per event-loop turn; for states that no
 * event announces (e.g. a socket being paused). Fails after `timeoutMs`.
 */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Count of the active timers (`Timeout` resources) of this process. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** The raw TCP socket under a `ws` WebSocket (private `_socket`). */
export function rawSocket(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** Resolves when `ws` has emitted `close` (at once if already closed). */
export async function closedOf(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  await once(ws, 'close');
}

/** Dials `server` with a new `WsAdapter(options)` and returns it with the server's side. */
export async function connect(
  server: TestServer,
  options?: WsAdapterOptions,
): Promise<{ adapter: WsAdapter; peer: Accepted }> {
  const adapter = new WsAdapter(options);
  await adapter.dial(server.url);
  return { adapter, peer: await server.accept() };
}
