import type { Writable } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { EchoServerOptions } from './args.js';
import { describeError, ExitCode } from './errors.js';
import { onTerminate } from './signals.js';

/** How long clients get to answer the server's close on shutdown before they are cut off. */
const CLOSE_WAIT_MS = 2_000;

/** The streams `wscengine echo-server` writes to. */
export interface EchoServerIo {
  stdout: Writable;
  stderr: Writable;
}

/**
 * Runs `wscengine echo-server`: a `ws` server that sends every message back as it came
 * (text as text, binary as binary). Prints `listening on ws://HOST:PORT` once bound, then
 * runs until SIGINT/SIGTERM, when it closes every client with 1001 and resolves with 0;
 * resolves with 1 (and one line on stderr) when it cannot listen.
 */
export async function runEchoServer(options: EchoServerOptions, io: EchoServerIo): Promise<number> {
  const server = new WebSocketServer({ host: options.host, port: options.port });
  try {
    await listening(server);
  } catch (error) {
    io.stderr.write(`wscengine: cannot listen on ${options.host}:${options.port}: ${describeError(error)}\n`);
    return ExitCode.Failure;
  }
  server.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
  io.stdout.write(`listening on ${serverUrl(server, options.host)}\n`);
  await new Promise<void>((resolve) => {
    const off = onTerminate(() => {
      off();
      for (const client of server.clients) client.close(1001, 'server shutting down');
      // A client that does not answer the close is not waited for long.
      setTimeout(() => {
        for (const client of server.clients) client.terminate();
      }, CLOSE_WAIT_MS).unref();
      server.close(() => resolve());
    });
  });
  return ExitCode.Ok;
}

function listening(server: WebSocketServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function serverUrl(server: WebSocketServer, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
