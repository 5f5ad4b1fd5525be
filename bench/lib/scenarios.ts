import type { EchoResult } from '../clients/echo.js';
import type { FloodResult } from '../clients/flood.js';
import type { MemoryResult } from '../clients/memory.js';
import type { SlowResult } from '../clients/slow.js';
import { interleavedTarget } from './bursts.js';
import { runClient, type ServerProcess } from './proc.js';
import {
  type Context,
  find,
  measureKinds,
  type Run,
  ratio,
  ratioTarget,
  type ScenarioResult,
  type TargetCheck,
} from './scenario.js';
import { summarize } from './stats.js';

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);
const KiB = 1024;
const MiB = 1024 * 1024;

/**
 * What the server's share of the client's interval says. A server near a full core limits
 * every kind alike, which pulls the flood ratios towards 1x (Finding 9 in bench/README.md).
 */
const serverLoad = (medianPct: number) =>
  medianPct < 50
    ? 'far under 100%: the server is not the bottleneck'
    : 'the server comes near a full core: ratios lean towards 1x';

/** Scenario 1: the server floods N pre-encoded messages; messages/s first to last. */
export async function flood(ctx: Context, server: ServerProcess): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const size of ctx.mode.flood) {
    const warmup = Math.round(size.n * ctx.mode.floodWarmup);
    const url = `${server.url}/flood?n=${size.n + warmup}&size=${size.size}&binary=${size.binary ? 1 : 0}`;
    const job = async (kind: string): Promise<Run> => {
      server.clearEvents();
      const result = await runClient<FloodResult>(
        'flood',
        { kind, url, n: size.n, warmup },
        { timeoutMs: 120_000 },
      );
      const done = await server.waitEvent('flood-done', 5_000);
      // Server CPU over the client's measured interval, not over the server's own: a small
      // flood fits in the socket buffers and the server is done within milliseconds.
      const serverCpuMs = (done?.cpuMs as number) ?? Number.NaN;
      return { ...result, serverCpuMs, serverCpuPct: (100 * serverCpuMs) / result.elapsedMs };
    };
    const kinds = await measureKinds(
      ctx,
      `flood ${size.label}`,
      ctx.mode.floodKinds,
      ctx.mode.runs,
      job,
      (run) => `${k(run.msgsPerSec as number)} msg/s, server CPU ${(run.serverCpuPct as number).toFixed(0)}%`,
    );
    const interleaved = await interleavedTarget(ctx, size, 'engine-r1', ctx.mode.floodPairs, 0.9);
    const serverCpu = summarize(kinds.flatMap((kind) => kind.runs.map((run) => run.serverCpuPct as number)));
    out.push({
      id: `flood-${size.size}-${size.binary ? 'binary' : 'text'}`,
      title: `Flood, ${size.label}, ${size.n.toLocaleString('en')} messages`,
      params: size,
      primary: 'msgsPerSec',
      columns: [
        { key: 'msgsPerSec', label: 'msg/s', digits: 0 },
        { key: 'clientCpuPct', label: 'client CPU %', digits: 0 },
        { key: 'serverCpuPct', label: 'server CPU %', digits: 0 },
      ],
      kinds,
      targets: [interleaved.target],
      interleaved: { kind: 'engine-r1', ratios: interleaved.ratios },
      notes: [
        ...(interleaved.note ? [interleaved.note] : []),
        ...(serverCpu
          ? [
              `server CPU time / client's measured interval: median ${serverCpu.median.toFixed(0)}%, ` +
                `max ${serverCpu.max.toFixed(0)}% (${serverLoad(serverCpu.median)})`,
            ]
          : []),
      ],
    });
  }
  return out;
}

/** Scenario 2: sequential 64 B echo round trips. */
export async function echo(ctx: Context, server: ServerProcess): Promise<ScenarioResult> {
  const params = { ...ctx.mode.echo, url: `${server.url}/echo` };
  const kinds = await measureKinds(
    ctx,
    'echo',
    ['ws', 'adapter', 'engine-r1'],
    ctx.mode.runs,
    async (kind) => ({
      ...(await runClient<EchoResult>('echo', { kind, ...params }, { timeoutMs: 120_000 })),
    }),
    (run) => `p50 ${(run.p50Ms as number).toFixed(3)} ms, p99 ${(run.p99Ms as number).toFixed(3)} ms`,
  );
  return {
    id: 'echo-64',
    title: `Echo round trip, ${params.size} B text, ${params.n.toLocaleString('en')} sequential (after ${params.warmup} warm-up)`,
    params: ctx.mode.echo,
    primary: 'p50Ms',
    columns: [
      { key: 'p50Ms', label: 'p50 ms', digits: 3 },
      { key: 'p99Ms', label: 'p99 ms', digits: 3 },
      { key: 'msgsPerSec', label: 'round trips/s', digits: 0 },
    ],
    kinds,
    targets: [
      ratioTarget(kinds, 'adapter', 'p50Ms', 1.1, false),
      ratioTarget(kinds, 'engine-r1', 'p50Ms', 1.1, false),
    ],
    notes: [
      'WsAdapter: `await write(); await read()` per round trip; engine: onMessage awaits conn.write of the next one.',
    ],
  };
}

/** The engine next to what it replaces: raw ws with a hand-written heartbeat (`ws-ka`). */
function againstHeartbeat(kinds: ScenarioResult['kinds']): string[] {
  const avg = ratio(kinds, 'engine', 'heapExtPerConn', 'ws-ka');
  const marginal = ratio(kinds, 'engine', 'heapExtMarginal', 'ws-ka');
  if (avg === undefined || marginal === undefined) return [];
  return [
    `engine (keepalive on) vs raw ws + hand-written heartbeat: ${avg.toFixed(2)}x (marginal ${marginal.toFixed(2)}x).`,
  ];
}

/** Scenario 3: memory held per idle connection, after GC. */
export async function memory(ctx: Context, server: ServerProcess): Promise<ScenarioResult> {
  const { kinds: kindNames, ...rest } = ctx.mode.memory;
  const params = { ...rest, url: `${server.url}/idle` };
  const kinds = await measureKinds(
    ctx,
    'memory',
    kindNames,
    // Memory per connection varies by about 1% between runs: three runs are plenty.
    Math.min(ctx.mode.runs, 3),
    async (kind) => ({
      ...(await runClient<MemoryResult>(
        'memory',
        { kind, ...params },
        { execArgv: ['--expose-gc'], timeoutMs: 120_000 },
      )),
    }),
    (run) =>
      `${((run.heapExtPerConn as number) / KiB).toFixed(1)} KiB heap+ext/conn, ${((run.rssPerConn as number) / KiB).toFixed(1)} KiB RSS/conn`,
  );
  return {
    id: 'memory-idle',
    title: `Memory per idle connection, ${params.conns.toLocaleString('en')} connections in one process`,
    params: ctx.mode.memory,
    primary: 'heapExtPerConn',
    columns: [
      { key: 'heapExtPerConn', label: 'heap+ext KiB/conn', scale: 1 / KiB, digits: 1 },
      { key: 'heapExtMarginal', label: 'marginal KiB', scale: 1 / KiB, digits: 1 },
      { key: 'heapExtColdPerConn', label: 'first round KiB', scale: 1 / KiB, digits: 1 },
      { key: 'rssPerConn', label: 'RSS KiB/conn', scale: 1 / KiB, digits: 1 },
    ],
    kinds,
    targets: [ratioTarget(kinds, 'engine', 'heapExtPerConn', 1.3, false)],
    notes: [
      `engine keepalive: ping every ${params.keepaliveMs} ms; measured ${params.settleMs} ms after the last open, after gc().`,
      `heap+ext = growth of heapUsed + external per connection, in a process that already opened and closed`,
      `  ${params.conns.toLocaleString('en')} of them twice (the figure the target judges); first round = the same in a fresh process,`,
      '  one-time costs (code compiled and optimised for the first connections) spread over the connections.',
      'marginal = growth from N/2 to N connections, per connection (a check on heap+ext).',
      "engines share one client object: a raw ws connection here has no listener of the user's either.",
      ...againstHeartbeat(kinds),
      'engine (keepalive on) = engine defaults (readers 4) + keepalive; engine readers:1 adds readers 1;',
      'engine, keepalive off = engine defaults; WsAdapter = a dialled adapter alone, no engine.',
    ],
  };
}

/** Scenario 4: a 1 ms async handler under a flood of 1 KiB messages; peak RSS above start. */
export async function slow(ctx: Context, server: ServerProcess): Promise<ScenarioResult> {
  const { kinds: kindNames, ...params } = ctx.mode.slow;
  const url = `${server.url}/stream?size=1024`;
  const kinds = await measureKinds(
    ctx,
    'slow consumer',
    kindNames,
    // 10 s per run: three runs are enough to show bounded vs unbounded.
    Math.min(ctx.mode.runs, 3),
    async (kind) => {
      server.clearEvents();
      const result = await runClient<SlowResult>(
        'slow',
        { kind, url, ...params },
        { execArgv: ['--expose-gc'], timeoutMs: params.durationMs + 60_000 },
      );
      const closed = await server.waitEvent('stream-closed', 5_000);
      return {
        ...result, // A 1 KiB frame is 1028 bytes on the wire (a 4-byte header).
        serverSentMiB: (((closed?.sent as number) ?? Number.NaN) * 1028) / MiB,
      };
    },
    (run) =>
      `peak +${(run.peakAboveStartMiB as number).toFixed(1)} MiB${run.capped ? ' (capped)' : ''}, ${run.processed} handled`,
  );
  const limit = 64;
  const peak = (kind: string) => find(kinds, kind)?.summary.peakAboveStartMiB;
  const raw = peak('ws');
  const targets: TargetCheck[] = kindNames
    .filter((kind) => !kind.startsWith('ws'))
    .map((kind) => {
      const own = peak(kind);
      if (!own || !raw)
        return { kind, text: `< ${limit} MiB, ws > ${limit}`, pass: null, detail: 'not measured' };
      return {
        kind,
        text: `< ${limit} MiB, ws > ${limit}`,
        pass: own.max < limit && raw.median > limit,
        detail: `max ${own.max.toFixed(1)} MiB vs ws ${raw.median.toFixed(0)} MiB`,
      };
    });
  return {
    id: 'slow-consumer',
    title: `Slow consumer, 1 KiB flood, handler awaits ${params.handlerMs} ms, ${params.durationMs / 1000} s`,
    params: ctx.mode.slow,
    primary: 'peakAboveStartMiB',
    columns: [
      { key: 'peakAboveStartMiB', label: 'peak RSS +MiB', digits: 1 },
      { key: 'processed', label: 'handled', digits: 0 },
      { key: 'serverSentMiB', label: 'server sent MiB', digits: 0 },
      { key: 'ranMs', label: 'ran ms', digits: 0 },
    ],
    kinds,
    targets,
    notes: [
      'one message at a time, in order (engine readers:1; raw ws: a promise chain in the listener);',
      'raw ws, handler not chained: the same handler called straight from the listener (no order, no bound on concurrency).',
      `runs stop early once RSS grew ${params.capMiB} MiB ("ran ms" shows when): by then growth is plainly unbounded.`,
    ],
  };
}
