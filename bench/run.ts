// `npm run bench [-- --quick | --full] [--only=flood,echo,send,request,...] [--sizes=64,65536] [--runs=N] [--profile | --heap]`
// Builds the child scripts, starts the server child, runs every scenario with each client
// kind in its own fresh child, prints the tables and writes .tmp/bench/results-<mode>.json.
import { cpSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { heapBreakdown } from './lib/heap.js';
import { MODES, type Mode } from './lib/modes.js';
import { OUT_DIR, ServerProcess } from './lib/proc.js';
import { profileReadPath } from './lib/profile.js';
import { environment, formatHeader, formatScenario, formatTargets, writeResults } from './lib/report.js';
import type { Context, ScenarioResult } from './lib/scenario.js';
import { echo, flood, memory, slow } from './lib/scenarios.js';
import { checkFdLimit, idle, reconnect } from './lib/scenarios-conn.js';
import { requestReply, sendFlood } from './lib/scenarios-send.js';
import { loadLibrary } from './lib/wscengine.js';

const SCENARIOS = ['flood', 'echo', 'send', 'request', 'memory', 'slow', 'reconnect', 'idle'] as const;

function parseArgs(argv: string[]) {
  let mode: Mode = argv.includes('--full')
    ? MODES.full
    : argv.includes('--quick')
      ? MODES.quick
      : MODES.default;
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const runsArg = argv.find((a) => a.startsWith('--runs='));
  if (runsArg !== undefined) {
    const runs = Number(runsArg.slice('--runs='.length));
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs needs a whole number >= 1, got ${runsArg}`);
    mode = { ...mode, runs };
  }
  const sizesArg = argv.find((a) => a.startsWith('--sizes='));
  if (sizesArg !== undefined) {
    // Floods of these message sizes (bytes) only, e.g. to re-check one target.
    const sizes = sizesArg.slice('--sizes='.length).split(',').map(Number);
    const flood = mode.flood.filter((f) => sizes.includes(f.size));
    if (flood.length === 0) {
      throw new Error(
        `--sizes matches no flood; sizes: ${[...new Set(mode.flood.map((f) => f.size))].join(', ')}`,
      );
    }
    mode = { ...mode, flood };
  }
  const unknown = only?.filter((name) => !(SCENARIOS as readonly string[]).includes(name)) ?? [];
  if (unknown.length)
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return { mode, only, profile: argv.includes('--profile'), heap: argv.includes('--heap') };
}

/**
 * Bundles the child entry points to plain ESM once, so each of the many children starts
 * in plain `node` (about 0.1 s) instead of paying the TypeScript loader (about 0.5 s).
 * Packages stay external: the children use the same `ws` as the library does.
 */
async function buildChildren(): Promise<void> {
  await build({
    entryPoints: { client: 'bench/client.ts', server: 'bench/server.ts' },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

/**
 * Copies the build under test aside, so that someone rebuilding `dist/` in the same working
 * tree (`npm test` does) cannot pull it away in the middle of a run. `WSCENGINE_DIST`, when
 * set, names another build to measure instead.
 */
function snapshotDist(): string {
  if (process.env.WSCENGINE_DIST) return process.env.WSCENGINE_DIST;
  const snapshot = `${OUT_DIR}/dist/esm`;
  rmSync(snapshot, { recursive: true, force: true });
  cpSync(resolve('dist/esm'), snapshot, { recursive: true });
  process.env.WSCENGINE_DIST = snapshot;
  return snapshot;
}

async function main(): Promise<number> {
  const { mode, only, profile, heap } = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadStart = loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const wanted = (name: (typeof SCENARIOS)[number]) => !only || only.includes(name);
  // Before anything runs: a limit too low for the idle scenario would only show at the end.
  if (wanted('idle') && !profile && !heap) checkFdLimit(mode.idle.conns);
  await buildChildren();
  const dist = snapshotDist();
  const lib = await loadLibrary();
  const ctx: Context = { mode, lib, log };
  log(
    `bench: mode ${mode.name}; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}; measuring ${dist}`,
  );
  log(
    `bench: WsAdapter ${lib.WsAdapter ? 'found' : 'NOT BUILT'}, WebSocketEngine ${lib.WebSocketEngine ? 'found' : 'NOT BUILT'}`,
  );
  const server = await ServerProcess.start();
  const scenarios: ScenarioResult[] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await fn();
    log(`bench: ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };
  try {
    if (profile) {
      console.log(await profileReadPath(ctx, server));
      return 0;
    }
    if (heap) {
      console.log(await heapBreakdown(ctx, server));
      return 0;
    }
    if (wanted('flood')) scenarios.push(...(await timed('flood', () => flood(ctx, server))));
    if (wanted('echo')) scenarios.push(await timed('echo', () => echo(ctx, server)));
    if (wanted('send')) scenarios.push(...(await timed('send', () => sendFlood(ctx))));
    if (wanted('request')) scenarios.push(await timed('request', () => requestReply(ctx)));
    if (wanted('memory')) scenarios.push(await timed('memory', () => memory(ctx, server)));
    if (wanted('slow')) scenarios.push(await timed('slow', () => slow(ctx, server)));
    if (wanted('reconnect')) scenarios.push(await timed('reconnect', () => reconnect(ctx)));
    if (wanted('idle')) scenarios.push(await timed('idle', () => idle(ctx)));
  } finally {
    await server.kill();
  }
  const env = environment({ mode: mode.name, startedAt, loadStart, runs: mode.runs, dist });
  const judged = mode.name !== 'quick';
  const text = [
    formatHeader(env),
    ...scenarios.map((s) => formatScenario(s, judged)),
    formatTargets(scenarios, judged),
  ].join('\n\n');
  console.log(`\n${text}\n`);
  // The raw numbers stay out of the tracked tree: the tables in bench/README.md are the record.
  const out = resolve(OUT_DIR, `results-${mode.name}.json`);
  writeResults(out, env, scenarios, (Date.now() - startedAt.getTime()) / 1000);
  console.log(`results written to ${out}`);
  // Targets do not fail the run (CI checks that the harness works); a run that errored does.
  const failed = scenarios.flatMap((s) =>
    s.kinds.flatMap((k) => k.errors.map((e) => `${s.id} ${k.kind}: ${e}`)),
  );
  for (const f of failed) log(`bench: run failed: ${f}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
