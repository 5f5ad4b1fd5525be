import type { IdleResult } from '../clients/idle.js';
import type { ReconnectResult } from '../clients/reconnect.js';
import { runClient, ServerProcess } from './proc.js';
import { type Context, measureKinds, type Run, type ScenarioResult } from './scenario.js';

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

/** Scenario 6 (--full): many idle connections with keepalive in one process; CPU over a window. */
export async function idle(ctx: Context, server: ServerProcess): Promise<ScenarioResult | undefined> {
  const params = ctx.mode.idle;
  if (!params) return undefined;
  const url = `${server.url}/idle`;
  const kinds = await measureKinds(
    ctx,
    'idle',
    ['ws', 'engine'],
    Math.min(ctx.mode.runs, 3),
    async (kind) => ({
      ...(await runClient<IdleResult>(
        'idle',
        { kind, url, ...params },
        { timeoutMs: params.seconds * 1000 + 300_000 },
      )),
    }),
    (run) => `${(run.cpuPct as number).toFixed(1)}% CPU, ${(run.rssMiB as number).toFixed(0)} MiB RSS`,
  );
  return {
    id: 'idle-10k',
    title: `${params.conns.toLocaleString('en')} idle connections with keepalive every ${params.keepaliveMs / 1000} s: CPU over ${params.seconds} s`,
    params,
    primary: 'cpuPct',
    columns: [
      { key: 'cpuPct', label: 'CPU % of a core', digits: 2 },
      { key: 'eluPct', label: 'event loop %', digits: 2 },
      { key: 'rssMiB', label: 'RSS MiB', digits: 0 },
    ],
    kinds,
    targets: [],
    notes: ['raw ws baseline: one setInterval(ws.ping) per socket.'],
  };
}
