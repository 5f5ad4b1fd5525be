import type { IdleResult } from '../clients/idle.js';
import type { ReconnectResult } from '../clients/reconnect.js';
import { openFileLimit, runClient, ServerProcess } from './proc.js';
import { type Context, measureKinds, type Run, ratioTarget, type ScenarioResult } from './scenario.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Scenario 5: one engine connected to its own server; the server is SIGKILLed, stays down
 * `downMs`, and is restarted on the same port. Measured: from the new server's "listening"
 * to the engine's `onOpen({ restarting: true })`, both on the wall clock
 * (performance.timeOrigin + now, sub-millisecond and shared by the processes).
 */
export async function reconnect(ctx: Context): Promise<ScenarioResult> {
  const { downMs, uptimeMs, fast, kinds: kindNames } = ctx.mode.reconnect;
  const backoffs: Record<string, Record<string, number> | undefined> = {
    'engine-default': undefined,
    'engine-fast': fast,
  };
  const kinds = await measureKinds(
    ctx,
    'reconnect',
    kindNames,
    ctx.mode.runs,
    async (kind) => {
      const first = await ServerProcess.start();
      let second: ServerProcess | undefined;
      let killedAt = 0;
      let restarted: Promise<void> = Promise.resolve();
      try {
        const result = await runClient<ReconnectResult>(
          'reconnect',
          { url: `${first.url}/idle`, reconnect: backoffs[kind] },
          {
            timeoutMs: downMs + 120_000,
            onEvent: (event) => {
              if (event.event !== 'started') return;
              restarted = (async () => {
                await sleep(uptimeMs);
                killedAt = wallNow();
                await first.kill();
                await sleep(downMs);
                second = await ServerProcess.start(first.port);
              })();
            },
          },
        );
        await restarted;
        if (!second) throw new Error('server was not restarted');
        return {
          reconnectMs: result.reopenedAt - second.readyAt,
          detectMs: result.closedAt - killedAt,
          failedAttempts: result.failedAttempts,
        } satisfies Run;
      } finally {
        await first.kill();
        await (second as ServerProcess | undefined)?.kill();
      }
    },
    (run) => `${(run.reconnectMs as number).toFixed(1)} ms after the server was back`,
  );
  return {
    id: 'reconnect',
    title: `Reconnect: server up ${uptimeMs} ms, killed, down ${downMs} ms, restarted; server ready -> onOpen`,
    params: ctx.mode.reconnect,
    primary: 'reconnectMs',
    columns: [
      { key: 'reconnectMs', label: 'ready->onOpen ms', digits: 1 },
      { key: 'detectMs', label: 'kill->onClose ms', digits: 1 },
      { key: 'failedAttempts', label: 'failed attempts', digits: 0 },
    ],
    kinds,
    targets: [],
    notes: [`fast backoff: ${JSON.stringify(fast)}; no raw ws baseline (ws does not reconnect).`],
  };
}

/** File descriptors a process needs beyond one per connection (stdio, IPC, libuv, the listener). */
const FD_MARGIN = 256;

/**
 * The idle scenario opens `conns` connections from one client process to one server
 * process, each of which then holds a file descriptor per connection: fail before any
 * scenario runs when the limit the children inherit cannot hold them.
 */
export function checkFdLimit(conns: number): void {
  const limit = openFileLimit();
  if (limit === undefined || limit >= conns + FD_MARGIN) return;
  throw new Error(
    `the idle scenario opens ${conns.toLocaleString('en')} connections and its server and client ` +
      `processes each need a file descriptor per connection, but \`ulimit -n\` is ${limit}: ` +
      `raise it (e.g. \`ulimit -n ${conns + 4 * FD_MARGIN}\`) or leave the scenario out (--only=...)`,
  );
}

/** Kinds of the idle scenario: raw ws with the heartbeat users write by hand, and the engine's keepalive. */
const IDLE_KINDS = ['ws-ka', 'engine'];
const IDLE_LIMIT = 1.5;

/**
 * Scenario 6: `conns` idle connections with keepalive in one client process, CPU (user +
 * system) over a window of `seconds`. The baseline is raw ws with the hand-written
 * heartbeat of ws's README (`ws-ka` of the memory scenario), on the same interval as the
 * engine's keepalive: what a ws user writes to get what the engine's keepalive does. Each
 * run has a server of its own, so no run inherits the last one's closing sockets.
 */
export async function idle(ctx: Context): Promise<ScenarioResult> {
  const params = ctx.mode.idle;
  const kinds = await measureKinds(
    ctx,
    'idle',
    IDLE_KINDS,
    // 40 s a run at 10,000 connections, spreads under 20%: three runs are enough.
    Math.min(ctx.mode.runs, 3),
    async (kind) => {
      const server = await ServerProcess.start();
      try {
        const pings: Promise<number>[] = [];
        const result = await runClient<IdleResult>(
          'idle',
          { kind, url: `${server.url}/idle`, ...params },
          {
            timeoutMs: params.seconds * 1000 + 300_000,
            onEvent: (event) => {
              if (event.event === 'window') pings.push(server.pings());
            },
          },
        );
        const [before = Number.NaN, after = Number.NaN] = await Promise.all(pings);
        return { ...result, pingsPerConn: (after - before) / result.conns } satisfies Run;
      } finally {
        await server.kill();
      }
    },
    (run) => `${(run.cpuPct as number).toFixed(2)}% CPU, ${(run.rssMiB as number).toFixed(0)} MiB RSS`,
  );
  return {
    id: 'idle-keepalive',
    title:
      `${params.conns.toLocaleString('en')} idle connections with keepalive every ${params.keepaliveMs / 1000} s: ` +
      `client CPU over ${params.seconds} s`,
    params,
    primary: 'cpuPct',
    baseline: 'ws-ka',
    columns: [
      { key: 'cpuPct', label: 'CPU % of a core', digits: 2 },
      { key: 'eluPct', label: 'event loop %', digits: 2 },
      { key: 'rssMiB', label: 'RSS MiB', digits: 0 },
      { key: 'pingsPerConn', label: 'pings/conn', digits: 1 },
    ],
    kinds,
    targets: [ratioTarget(kinds, 'engine', 'cpuPct', IDLE_LIMIT, false, 'ws-ka')],
    notes: [
      `CPU = user + system time of the client process over the window, which opens ${params.settleMs} ms after the last`,
      '  connection opened; the server is another process (one per run).',
      `raw ws + hand-written heartbeat: per socket, a setInterval (${params.keepaliveMs} ms) that pings and terminates`,
      '  the socket when the last ping got no pong; engine: keepalive { intervalMs, timeoutMs } both of that interval.',
      'pings/conn: pings the server received during the window, per connection.',
    ],
  };
}
