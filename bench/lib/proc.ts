import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { distDir } from './wscengine.js';

// Child-process plumbing: the server and each measured client are separate processes
// talking over IPC, so neither steals the other's event loop.

export const OUT_DIR = resolve('.tmp/bench');
export const SERVER_SCRIPT = `${OUT_DIR}/server.mjs`;
export const CLIENT_SCRIPT = `${OUT_DIR}/client.mjs`;

/** What a child reports over IPC besides its result. */
export type Event = { event: string } & Record<string, unknown>;

/** The events a child has reported, and a way to wait for the next one of a name. */
class Inbox {
  private events: Event[] = [];
  private waiters: (() => void)[] = [];

  push(event: Event): void {
    this.events.push(event);
    this.wakeAll();
  }

  /** Wakes every waiter (an event came, or the child is gone) to look again. */
  wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  clear(): void {
    this.events = [];
  }

  /**
   * Takes the first event named `name`, waiting for it up to `timeoutMs`; `undefined` when
   * none came in time or `gone()` says none can come any more.
   */
  async take(name: string, timeoutMs: number, gone: () => boolean = () => false): Promise<Event | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e) => e.event === name);
      if (index >= 0) return this.events.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0 || gone()) return undefined;
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }
}

/**
 * Where children run. With `BENCH_PIN=1` (Linux, 2+ cores, `taskset`), the server is pinned
 * to the last core and every measured client to core 0. Off by default: on the 2-vCPU VM
 * it raised every kind's flood rate by 10-40% (no migrations between cores) but left the
 * run-to-run spread as it was, and at 64 KiB it made the one-core server the bottleneck
 * (80-94% of its core), which flattens the ratios this benchmark exists to show.
 */
export const PINNING: { enabled: boolean; client: string; server: string } = (() => {
  const last = String(cpus().length - 1);
  const off = { enabled: false, client: '', server: '' };
  if (process.env.BENCH_PIN !== '1' || process.platform !== 'linux' || cpus().length < 2) return off;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return off;
  }
  return { enabled: true, client: '0', server: last };
})();

/** `fork` options that start node through `taskset` on `cpu` (exec: the IPC channel survives). */
function onCore(cpu: string, execArgv: string[]): { execPath: string; execArgv: string[] } {
  if (!PINNING.enabled) return { execPath: process.execPath, execArgv };
  return { execPath: 'taskset', execArgv: ['-c', cpu, process.execPath, ...execArgv] };
}

/**
 * The soft limit on open files that children inherit (`ulimit -n`), or `undefined` when it
 * cannot be read (no `sh`) or there is none.
 */
export function openFileLimit(): number | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? undefined : Number(out);
  } catch {
    return undefined;
  }
}

/** A benchmark server child: its port, when it was ready, and the events it reports. */
export class ServerProcess {
  private readonly inbox = new Inbox();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly readyAt: number,
  ) {
    child.on('message', (msg: Event) => this.inbox.push(msg));
  }

  /** Forks a server and resolves once it listens (on `port`, or a free one). */
  static async start(port = 0): Promise<ServerProcess> {
    const child = fork(SERVER_SCRIPT, [String(port)], {
      ...onCore(PINNING.server, []),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
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
    this.inbox.clear();
  }

  /** The first event named `name` since the last `clearEvents`, or undefined after `timeoutMs`. */
  waitEvent(name: string, timeoutMs: number): Promise<Event | undefined> {
    return this.inbox.take(name, timeoutMs);
  }

  /** Pings the server has received so far, from every client. */
  async pings(): Promise<number> {
    this.child.send({ cmd: 'pings' });
    const reply = await this.inbox.take('pings', 5_000);
    return (reply?.count as number | undefined) ?? Number.NaN;
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

/** Forks a client child and sends it its job. */
function forkClient(scenario: string, params: object, execArgv: string[] | undefined) {
  const child = fork(CLIENT_SCRIPT, [], {
    ...onCore(PINNING.client, execArgv ?? []),
    env: { ...process.env, WSCENGINE_DIST: distDir() },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ scenario, params });
  return child;
}

/** The child's reply once it has exited: its result, or why there is none. */
async function settle<R>(
  child: ChildProcess,
  reply: () => { ok: boolean; result?: R; error?: string } | undefined,
  timeoutMs: number,
): Promise<R> {
  const exited = once(child, 'exit');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  const r = reply();
  if (r?.ok) return r.result as R;
  if (r?.error) throw new Error(r.error.split('\n').slice(0, 3).join(' | '));
  throw new Error(signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited ${code ?? signal}`);
}

/**
 * Runs one job in a fresh client child and resolves with its result once the child has
 * exited, so the next run never overlaps it. Rejects with the child's error, a crash,
 * or a timeout (the child is killed).
 */
export async function runClient<R>(scenario: string, params: object, options: ClientOptions): Promise<R> {
  const child = forkClient(scenario, params, options.execArgv);
  let reply: { ok: boolean; result?: R; error?: string } | undefined;
  child.on('message', (msg: Event | { ok: boolean }) => {
    if ('event' in msg) options.onEvent?.(msg);
    else reply = msg as typeof reply;
  });
  return settle(child, () => reply, options.timeoutMs);
}

/**
 * A client child that takes commands while it runs (the interleaved flood): `command()`
 * sends one, `next()` waits for the next event it reports, `finished` settles as for
 * {@link runClient} once it exits (after `timeoutMs` at most, then it is killed).
 */
export class InteractiveClient<R> {
  readonly finished: Promise<R>;
  private readonly child: ChildProcess;
  private readonly inbox = new Inbox();

  constructor(scenario: string, params: object, timeoutMs: number) {
    this.child = forkClient(scenario, params, []);
    let reply: { ok: boolean; result?: R; error?: string } | undefined;
    this.child.on('message', (msg: Event | { ok: boolean }) => {
      if ('event' in msg) this.inbox.push(msg);
      else reply = msg as typeof reply;
    });
    this.finished = settle(this.child, () => reply, timeoutMs);
    // Whoever awaits `next()` hears of a crash from it; this keeps it from going unhandled.
    this.finished.catch(() => {});
    this.child.once('exit', () => this.inbox.wakeAll());
  }

  command(message: object): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The next event named `name`; rejects if the child exits or `timeoutMs` passes first. */
  async next(name: string, timeoutMs: number): Promise<Event> {
    const exited = () => this.child.exitCode !== null || this.child.signalCode !== null;
    const event = await this.inbox.take(name, timeoutMs, exited);
    if (event) return event;
    if (exited()) {
      await this.finished;
      throw new Error(`client exited before '${name}'`);
    }
    throw new Error(`no '${name}' from the client within ${timeoutMs} ms`);
  }
}
