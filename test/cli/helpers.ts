// Runs the command as a user does, in a child process, from its source through tsx (so the
// tests need no build), and serves it real ws servers on 127.0.0.1, port 0.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';

const root = resolve(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

/** Bound of every wait in these tests. */
export const WAIT_MS = 5_000;

/** The lines a child writes on one stream, with a wait for the one that matches. */
export class Lines {
  readonly lines: string[] = [];
  private partial = '';
  private readonly waiters = new Set<() => void>();

  /** Feeds a chunk of output; complete lines become visible. */
  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    for (const wake of this.waiters) wake();
  }

  /** Everything written so far. */
  get text(): string {
    return this.lines.join('\n') + (this.lines.length > 0 ? '\n' : '') + this.partial;
  }

  /** The first line matching `pattern`, already written or to come; rejects after `ms`. */
  waitFor(pattern: RegExp | string, ms = WAIT_MS): Promise<string> {
    const find = () => this.lines.find((line) => matches(line, pattern));
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const line = find();
        if (line === undefined) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no line matching ${pattern} within ${ms} ms; got:\n${this.text}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }

  /** How many lines match `pattern` so far. */
  count(pattern: RegExp | string): number {
    return this.lines.filter((line) => matches(line, pattern)).length;
  }
}

function matches(line: string, pattern: RegExp | string): boolean {
  return typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line);
}

/** A running `wscengine` child process. */
export interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout: Lines;
  stderr: Lines;
  /** Resolves with the exit status (or the signal that killed it). */
  exited: Promise<number | NodeJS.Signals>;
  /** Writes `line` and a newline to the child's stdin. */
  send(line: string): void;
  /** Waits for the exit, killing the child if it takes longer than `ms`. */
  exit(ms?: number): Promise<number | NodeJS.Signals>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Kills every child still running: a failed assertion must not leave one behind. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Starts `wscengine ...args`. */
export function spawnCli(args: string[]): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: { ...process.env, WSCENGINE_DEBUG: '' },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const stdout = new Lines();
  const stderr = new Lines();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  // stdin may be closed by the child first (it exits): a late write must not throw here.
  child.stdin.on('error', () => {});
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    stdout,
    stderr,
    exited,
    send: (line) => child.stdin.write(`${line}\n`),
    exit: async (ms = WAIT_MS) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs `wscengine ...args` with `input` on stdin to the end. */
export async function runCli(args: string[], input = ''): Promise<{ code: number | string; cli: Cli }> {
  const cli = spawnCli(args);
  cli.child.stdin.end(input);
  return { code: await cli.exit(), cli };
}

/** A connection a test server accepted, and what it saw of it. */
export interface Accepted {
  ws: WebSocket;
  request: IncomingMessage;
  /** The close code and reason the client sent, once it closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A ws server on 127.0.0.1; echoes by default. */
export interface TestServer {
  port: number;
  url: string;
  wss: WebSocketServer;
  /** Resolves with the next connection (or one not yet taken). */
  nextConnection(): Promise<Accepted>;
  /** Cuts every client (no close frame) and stops listening. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  port?: number;
  /** Echo text and binary messages back. Default `true`. */
  echo?: boolean;
  /** Answer pings. Default `true`. */
  autoPong?: boolean;
  /** Pick a subprotocol from those offered. */
  handleProtocols?: (protocols: Set<string>) => string | false;
}

/** Starts a ws server on 127.0.0.1 (`port` 0 unless given, e.g. to restart on the same port). */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    autoPong: options.autoPong ?? true,
    ...(options.handleProtocols ? { handleProtocols: options.handleProtocols } : {}),
  });
  await once(wss, 'listening');
  const accepted: Accepted[] = [];
  const takers: ((a: Accepted) => void)[] = [];
  wss.on('connection', (ws, request) => {
    const closed = once(ws, 'close').then(([code, reason]) => ({ code, reason: String(reason) }));
    if (options.echo ?? true)
      ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
    ws.on('error', () => {});
    const a = { ws, request, closed };
    const taker = takers.shift();
    if (taker) taker(a);
    else accepted.push(a);
  });
  const { port } = wss.address() as { port: number };
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    wss,
    nextConnection: () => {
      const waiting = accepted.shift();
      if (waiting) return Promise.resolve(waiting);
      return withTimeout(new Promise<Accepted>((resolve) => takers.push(resolve)), 'a connection');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
export async function freePort(): Promise<number> {
  const server = await startServer();
  await server.close();
  return server.port;
}

/** `promise`, or a rejection naming `what` after {@link WAIT_MS}. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
