import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PINNING } from './proc.js';
import { find, type KindResult, ratio, type ScenarioResult } from './scenario.js';
import type { Summary } from './stats.js';

const num = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cell(summary: Summary | undefined, scale = 1, digits = 0, withRange = false): string {
  if (!summary) return '-';
  const m = num(summary.median * scale, digits);
  if (!withRange) return m;
  return `${m} [${num(summary.min * scale, digits)}-${num(summary.max * scale, digits)}] (${summary.spreadPct.toFixed(0)}%)`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join('  ');
}

/**
 * The word for a target's outcome. A quick run takes too few samples to judge one (a few
 * runs, 6 interleaved pairs): it says how the figure fell, in lower case, and leaves the
 * verdict to `npm run bench`.
 */
function verdictOf(pass: boolean | null, judged: boolean): string {
  if (pass === null) return 'N/A ';
  if (judged) return pass ? 'PASS' : 'FAIL';
  return pass ? 'met ' : 'miss';
}

/** One scenario as a text table: median [min-max] of each metric, ratio vs raw ws, targets. */
export function formatScenario(s: ScenarioResult, judged = true): string {
  const base = s.baseline ?? 'ws';
  const header = [
    'client',
    ...s.columns.map((c, i) => (i === 0 ? `${c.label} median [min-max] (spread)` : c.label)),
    base === 'ws' ? 'vs ws' : `vs ${base}`,
    'target',
  ];
  const rows = s.kinds.map((kind: KindResult) => {
    if (kind.skipped) return [kind.label, `skipped: ${kind.skipped}`];
    if (kind.runs.length === 0) return [kind.label, `failed: ${kind.errors[0] ?? 'no runs'}`];
    const r = find(s.kinds, base) ? ratio(s.kinds, kind.kind, s.primary, base) : undefined;
    const target = s.targets.find((t) => t.kind === kind.kind);
    const verdict = target
      ? `${target.text} ${verdictOf(target.pass, judged).trim()} (${target.detail})`
      : '';
    return [
      kind.label,
      ...s.columns.map((c, i) => cell(kind.summary[c.key], c.scale, c.digits, i === 0)),
      r === undefined ? '' : `${r.toFixed(2)}x`,
      verdict,
      kind.errors.length ? `(${kind.errors.length} failed runs)` : '',
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const lines = [`## ${s.title}`, pad(header, widths), ...rows.map((row) => pad(row, widths).trimEnd())];
  for (const note of s.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

export interface Meta {
  mode: string;
  startedAt: Date;
  loadStart: number[];
  runs: number;
  dist: string;
}

export function environment(meta: Meta) {
  return {
    date: meta.startedAt.toISOString(),
    mode: meta.mode,
    runsPerFigure: meta.runs,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: { model: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    loadavg: { start: meta.loadStart, end: loadavg() },
    measured: `${meta.dist} (a copy of dist/esm taken at start), each client in a fresh child process`,
    pinning: PINNING.enabled
      ? { clientCore: PINNING.client, serverCore: PINNING.server }
      : 'off (set BENCH_PIN=1 to pin; Linux with taskset only)',
  };
}

export function formatHeader(env: ReturnType<typeof environment>): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return [
    `# wscengine benchmarks (${env.mode}, ${env.runsPerFigure} runs per figure)`,
    `${env.date}  node ${env.node}  ${env.cpu.model} x${env.cpu.cores}  ${env.platform}`,
    `load average at start: ${load(env.loadavg.start)}; at end: ${load(env.loadavg.end)}`,
    typeof env.pinning === 'string'
      ? `cores: not pinned, ${env.pinning}`
      : `cores: clients pinned to core ${env.pinning.clientCore}, server to core ${env.pinning.serverCore} (taskset)`,
  ].join('\n');
}

export function formatTargets(scenarios: ScenarioResult[], judged = true): string {
  const lines = [
    '## Targets (ratio = median over runs of kind / raw ws within the same run; "interleaved": over pairs of interleaved bursts)',
  ];
  if (!judged) {
    lines.push(
      'quick mode: too few samples to judge a target ("met"/"miss" say how each figure fell); `npm run bench` judges them',
    );
  }
  for (const s of scenarios) {
    for (const t of s.targets) {
      const verdict = verdictOf(t.pass, judged);
      const label = find(s.kinds, t.kind)?.label ?? t.kind;
      lines.push(`${verdict}  ${s.title} - ${label}: ${t.text} (measured ${t.detail})`);
    }
  }
  return lines.join('\n');
}

export function writeResults(
  path: string,
  env: object,
  scenarios: ScenarioResult[],
  durationSec: number,
): void {
  writeFileSync(path, `${JSON.stringify({ ...env, durationSec, scenarios }, null, 2)}\n`);
}
