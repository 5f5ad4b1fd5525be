import { WebSocketServer } from 'ws';

/** Options of {@link startEchoServer}. */
export interface EchoServerOptions {
  /** Port to listen on. Default `0`: a free port chosen by the system (read it from `port`). */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
}

/** A running echo server. */
export interface EchoServer {
  /** `ws://host:port/`, ready to dial. */
  readonly url: URL;
  /** The port actually bound. */
  readonly port: number;
  /** Terminates every connected client and stops listening, so the process can exit. */
  close(): Promise<void>;
}

/**
 * Starts a WebSocket server that sends every message back as it came: text as text,
 * binary as binary. Meant for examples, demos and tests. Node only: it is exported by
 * `wscengine/testing/node`.
 *
 * @example
 * ```ts
 * const echo = await startEchoServer();
 * await adapter.dial(echo.url);
 * await adapter.write(MessageType.Text, 'ping?');
 * (await adapter.read()).data; // 'ping?'
 * await echo.close();
 * ```
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const host = options.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: new URL(`ws://${hostInUrl}:${port}/`),
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}
