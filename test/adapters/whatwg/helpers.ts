import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket as UndiciWebSocket } from 'undici';
import { type ServerOptions, type WebSocket, WebSocketServer } from 'ws';
import type { WhatwgListener } from '../../../src/adapters/whatwg/index.js';

/** The server side of one accepted connection. */
export interface ServerSide {
  socket: WebSocket;
  request: IncomingMessage;
  /** Settles with what the server received when the connection closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next message the client sent. */
  next(): Promise<{ data: Buffer; isBinary: boolean }>;
}

/** A `ws` server on 127.0.0.1:0 that hands each accepted connection to the test. */
export interface TestServer {
  url: URL;
  wss: WebSocketServer;
  /** The next connection accepted after this call (connections no one awaits are not kept). */
  accept(): Promise<ServerSide>;
  close(): Promise<void>;
}

/** Starts a `ws` server on an ephemeral port; `echo` makes every connection echo messages. */
export async function startServer(options: ServerOptions & { echo?: boolean } = {}): Promise<TestServer> {
  const { echo, ...serverOptions } = options;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...serverOptions });
  await once(wss, 'listening');
  const accepted = channel<ServerSide>();
  wss.on('connection', (socket, request) => {
    const inbox = channel<{ data: Buffer; isBinary: boolean }>();
    socket.on('message', (data, isBinary) => {
      if (echo) socket.send(data, { binary: isBinary });
      else inbox.push({ data: data as Buffer, isBinary });
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    accepted.push({ socket, request, closed, next: inbox.pull }, false);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: new URL(`ws://127.0.0.1:${port}/socket`),
    wss,
    accept: accepted.pull,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** An HTTP server that accepts upgrade requests and never answers them. */
export async function startStallingServer(): Promise<{
  url: URL;
  upgrades: () => Promise<Socket>;
  close(): Promise<void>;
}> {
  const server = createServer();
  const sockets = channel<Socket>();
  const open = new Set<Socket>();
  server.on('upgrade', (_request, socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`ws://127.0.0.1:${port}/stall`),
    upgrades: sockets.pull,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Counts listeners live on every socket it creates, to prove none outlives a connection. */
export class CountingWebSocket extends UndiciWebSocket {
  static live = 0;
  /** Every socket created, newest last. */
  static readonly created: CountingWebSocket[] = [];
  private readonly tracked = new Map<string, Set<unknown>>();

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    CountingWebSocket.created.push(this);
  }

  override addEventListener(type: string, listener: WhatwgListener): void {
    const set = this.tracked.get(type) ?? new Set();
    this.tracked.set(type, set);
    if (!set.has(listener)) CountingWebSocket.live++;
    set.add(listener);
    super.addEventListener(type, listener);
  }

  override removeEventListener(type: string, listener: WhatwgListener): void {
    if (this.tracked.get(type)?.delete(listener)) CountingWebSocket.live--;
    super.removeEventListener(type, listener);
  }
}

/** An unbounded async FIFO: `pull` waits for the next `push`; `push(v, false)` drops `v` when no one waits. */
export function channel<T>(): { push(value: T, buffer?: boolean): void; pull(): Promise<T> } {
  const values: T[] = [];
  const waiters: ((value: T) => void)[] = [];
  return {
    push: (value, buffer = true) => {
      const waiter = waiters.shift();
      if (waiter) waiter(value);
      else if (buffer) values.push(value);
    },
    pull: () =>
      values.length > 0
        ? Promise.resolve(values.shift()!)
        : new Promise<T>((resolve) => waiters.push(resolve)),
  };
}
