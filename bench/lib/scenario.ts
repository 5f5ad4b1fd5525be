import type { Mode } from './modes.js';
import { median, rotate, type Summary, summarize } from './stats.js';
import { KIND_LABELS, KIND_NEEDS, type Library } from './wscengine.js';

/** The raw numbers of one run of one kind, as the client (and server) reported them. */
export type Run = Record<string, number | boolean>;

export interface KindResult {
  kind: string;
  label: string;
  runs: Run[];
  errors: string[];
  /** Why the kind did not run (its code is not built yet). */
  skipped?: string;
  summary: Record<string, Summary>;
}

export interface Column {
  key: string;
  label: string;
  /** Multiply before printing (e.g. bytes -> KiB). */
  scale?: number;
  digits?: number;
}

export interface TargetCheck {
  kind: string;
  text: string;
  /** `null` when it could not be judged (a kind missing or failing). */
  pass: boolean | null;
  detail: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  params: object;
  /** The metric the "vs raw ws" ratio is taken on. */
  primary: string;
  /** The kind the ratios are taken against, when not raw ws (`ws`). */
  baseline?: string;
  columns: Column[];
  kinds: KindResult[];
  targets: TargetCheck[];
  notes: string[];
  /** The interleaved bursts a target was judged on (`lib/bursts.ts`): kind / raw ws per pair. */
  interleaved?: { kind: string; ratios: number[] };
}

export interface Context {
  mode: Mode;
  lib: Library;
  log(line: string): void;
}

const KINDS_EXTRA: Record<string, { needs: (keyof Library)[]; label: string }> = {
  'ws-concurrent': { needs: [], label: 'raw ws, handler not chained' },
  'ws-ka': { needs: [], label: 'raw ws + hand-written heartbeat' },
  engine: { needs: ['WsAdapter', 'WebSocketEngine'], label: 'engine (keepalive on)' },
  'engine-noka': { needs: ['WsAdapter', 'WebSocketEngine'], label: 'engine, keepalive off' },
  'engine-default': { needs: ['WsAdapter', 'WebSocketEngine'], label: 'engine, default backoff' },
  'engine-fast': { needs: ['WsAdapter', 'WebSocketEngine'], label: 'engine, fast backoff' },
  'ws-send': { needs: [], label: 'raw ws.send' },
  'engine-send': { needs: ['WsAdapter', 'WebSocketEngine', 'EngineSend'], label: 'engine.send' },
  'ws-requests': { needs: [], label: 'raw ws + hand-written id map' },
  'engine-request': { needs: ['WsAdapter', 'WebSocketEngine', 'EngineSend'], label: 'engine.request' },
};

export function labelOf(kind: string): string {
  return KIND_LABELS[kind] ?? KINDS_EXTRA[kind]?.label ?? kind;
}

/** Why `kind` cannot run (its code is not built), or `undefined`. */
export function missingFor(lib: Library, kind: string): string | undefined {
  const needs = KIND_NEEDS[kind] ?? KINDS_EXTRA[kind]?.needs ?? [];
  const absent = needs.filter((name) => !lib[name]);
  return absent.length ? `${absent.join(', ')} not built` : undefined;
}

/**
 * Runs `job` for every available kind, `runs` times, rotating the order each run so no
 * kind always goes first (warm caches, CPU frequency, other people's load).
 */
export async function measureKinds(
  ctx: Context,
  name: string,
  kinds: string[],
  runs: number,
  job: (kind: string, run: number) => Promise<Run>,
  brief: (run: Run) => string,
): Promise<KindResult[]> {
  const results = kinds.map(
    (kind): KindResult => ({
      kind,
      label: labelOf(kind),
      runs: [],
      errors: [],
      skipped: missingFor(ctx.lib, kind),
      summary: {},
    }),
  );
  const runnable = results.filter((r) => !r.skipped);
  for (let run = 0; run < runs; run++) {
    for (const result of rotate(runnable, run)) {
      const t0 = Date.now();
      try {
        const raw = { ...(await job(result.kind, run)), run };
        result.runs.push(raw);
        ctx.log(
          `  ${name} run ${run + 1}/${runs} ${result.kind.padEnd(14)} ${brief(raw)} (${Date.now() - t0} ms)`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.errors.push(message);
        ctx.log(`  ${name} run ${run + 1}/${runs} ${result.kind.padEnd(14)} ERROR ${message}`);
      }
    }
  }
  for (const result of results) {
    const keys = new Set(result.runs.flatMap((run) => Object.keys(run)));
    keys.delete('run');
    for (const key of keys) {
      const values = result.runs.map((run) => run[key]).filter((v): v is number => typeof v === 'number');
      const summary = summarize(values);
      if (summary) result.summary[key] = summary;
    }
  }
  return results;
}

/**
 * The per-kind results of interleaved bursts: each pair is one "run" of both kinds (same
 * `run` number), so {@link ratio} is the median over pairs of the ratio within each pair.
 */
export function kindsFromPairs(
  names: { base: string; kind: string },
  pairs: { base: Record<string, unknown>; kind: Record<string, unknown> }[],
  error: string | undefined,
): KindResult[] {
  const numbers = (event: Record<string, unknown>, run: number): Run => {
    const out: Run = { run };
    for (const [key, value] of Object.entries(event)) if (typeof value === 'number') out[key] = value;
    return out;
  };
  return (['base', 'kind'] as const).map((side): KindResult => {
    const runs = pairs.map((pair, i) => numbers(pair[side], i));
    const summary: Record<string, Summary> = {};
    for (const key of new Set(runs.flatMap((run) => Object.keys(run)))) {
      if (key === 'run') continue;
      const values = runs.map((run) => run[key]).filter((v): v is number => typeof v === 'number');
      const s = summarize(values);
      if (s) summary[key] = s;
    }
    const kind = names[side];
    return { kind, label: labelOf(kind), runs, errors: error ? [error] : [], summary };
  });
}

export function find(kinds: KindResult[], kind: string): KindResult | undefined {
  return kinds.find((k) => k.kind === kind);
}

/**
 * `kind` vs raw ws (or `base`) on `key`: the median over runs of the ratio within each run (the two
 * were measured minutes apart at most, under the same load), or the ratio of the medians
 * when no run has both.
 */
export function ratio(kinds: KindResult[], kind: string, key: string, base = 'ws'): number | undefined {
  const own = find(kinds, kind);
  const ws = find(kinds, base);
  if (!own || !ws) return undefined;
  const wsByRun = new Map(ws.runs.map((r) => [r.run, r[key]]));
  const paired = own.runs
    .map((r) => {
      const base = wsByRun.get(r.run);
      return typeof r[key] === 'number' && typeof base === 'number' && base !== 0 ? r[key] / base : undefined;
    })
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (paired.length > 0) return median(paired);
  const a = own.summary[key]?.median;
  const b = ws.summary[key]?.median;
  return a !== undefined && b ? a / b : undefined;
}

/** A "ratio vs raw ws" (or vs `base`) target; `atLeast` for throughput, otherwise at most. */
export function ratioTarget(
  kinds: KindResult[],
  kind: string,
  key: string,
  limit: number,
  atLeast: boolean,
  base = 'ws',
): TargetCheck {
  const r = ratio(kinds, kind, key, base);
  const text = `${atLeast ? '>=' : '<='} ${limit.toFixed(2)}x`;
  if (r === undefined) return { kind, text, pass: null, detail: 'not measured' };
  const against = base === 'ws' ? '' : ` vs ${labelOf(base)}`;
  return { kind, text, pass: atLeast ? r >= limit : r <= limit, detail: `${r.toFixed(2)}x${against}` };
}
