import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { distDir } from './wscengine.js';

// Child-process plumbing: the server and each measured client are separate processes
// talking over IPC, so neither steals the other's event loop.

export const OUT_DIR = resolve('.tmp/bench');
export const SERVER_SCRIPT = `${OUT_DIR}/server.mjs`;
export const CLIENT_SCRIPT = `${OUT_DIR}/client.mjs`;

type Event = { event: string } & Record<string, unknown>;

/** A benchmark server child: its port, when it was ready, and the events it reports. */
export class ServerProcess {
  private events: Event[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly readyAt: number,
  ) {
    child.on('message', (msg: Event) => {
      this.events.push(msg);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Forks a server and resolves once it listens (on `port`, or a free one). */
  static async start(port = 0): Promise<ServerProcess> {
    const child = fork(SERVER_SCRIPT, [String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [ready] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => {
        throw new Error('benchmark server exited before it was ready');
      }),
    ])) as [Event];
    return new ServerProcess(child, ready.port as number, ready.readyAt as number);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Forgets events seen so far, so the next `waitEvent` sees only the coming run's. */
  clearEvents(): void {
    this.events = [];
  }

  /** The first event named `name` since the last `clearEvents`, or undefined after `timeoutMs`. */
  async waitEvent(name: string, timeoutMs: number): Promise<Event | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === name);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
  }
}

export interface ClientOptions {
  execArgv?: string[];
  timeoutMs: number;
  /** Progress events the client sends before its result (e.g. `started`). */
  onEvent?: (event: Event) => void;
}

/**
 * Runs one job in a fresh client child and resolves with its result once the child has
 * exited, so the next run never overlaps it. Rejects with the child's error, a crash,
 * or a timeout (the child is killed).
 */
export async function runClient<R>(scenario: string, params: object, options: ClientOptions): Promise<R> {
  const child = fork(CLIENT_SCRIPT, [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, WSCENGINE_DIST: distDir() },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  let reply: { ok: boolean; result?: R; error?: string } | undefined;
  child.on('message', (msg: Event | { ok: boolean }) => {
    if ('event' in msg) options.onEvent?.(msg);
    else reply = msg as typeof reply;
  });
  child.send({ scenario, params });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (reply?.ok) return reply.result as R;
  if (reply?.error) throw new Error(reply.error.split('\n').slice(0, 3).join(' | '));
  throw new Error(
    signal === 'SIGKILL' ? `timed out after ${options.timeoutMs} ms` : `exited ${code ?? signal}`,
  );
}
