import { mkdirSync } from 'node:fs';
import type { HeapResult } from '../clients/heap.js';
import { OUT_DIR, runClient, type ServerProcess } from './proc.js';
import { type Context, labelOf } from './scenario.js';

/** Rows shown: the biggest differences between kinds, then the rest summed. */
const TOP = 30;

/**
 * `--heap`: the growth of the heap per idle connection, by kind of node, for every kind of
 * the memory scenario side by side (heap snapshots before and after; see
 * `clients/heap.ts`). It is how the memory figures were explained: it names the objects
 * an engine adds over raw ws.
 */
export async function heapBreakdown(ctx: Context, server: ServerProcess): Promise<string> {
  const dir = `${OUT_DIR}/heap`;
  mkdirSync(dir, { recursive: true });
  const { kinds, keepaliveMs, settleMs } = ctx.mode.memory;
  const conns = Math.min(ctx.mode.memory.conns, 1_000);
  const results = new Map<string, HeapResult>();
  for (const kind of kinds) {
    try {
      const result = await runClient<HeapResult>(
        'heap',
        { kind, url: `${server.url}/idle`, conns, keepaliveMs, settleMs, dir },
        { execArgv: ['--expose-gc'], timeoutMs: 300_000 },
      );
      results.set(kind, result);
      ctx.log(`  heap ${kind}: ${conns} connections`);
    } catch (error) {
      ctx.log(`  heap ${kind}: ERROR ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return formatBreakdown(results, conns);
}

function formatBreakdown(results: Map<string, HeapResult>, conns: number): string {
  const kinds = [...results.keys()];
  const byKind = new Map(kinds.map((k) => [k, new Map(results.get(k)?.rows.map((r) => [r.what, r]))]));
  const names = new Set(kinds.flatMap((k) => results.get(k)?.rows.map((r) => r.what) ?? []));
  const bytes = (kind: string, what: string) => byKind.get(kind)?.get(what)?.bytesPerConn ?? 0;
  const spread = (what: string) => {
    const values = kinds.map((k) => bytes(k, what));
    return Math.max(...values) - Math.min(...values);
  };
  const ranked = [...names].sort((a, b) => spread(b) - spread(a) || a.localeCompare(b));
  const shown = ranked.slice(0, TOP);
  const width = Math.max(...shown.map((n) => n.length), 24);
  const header = ['node'.padEnd(width), ...kinds.map((k) => labelOf(k).slice(0, 22).padStart(23))].join(' ');
  const line = (label: string, value: (kind: string) => number) =>
    [label.padEnd(width), ...kinds.map((k) => value(k).toFixed(0).padStart(23))].join(' ');
  const total = (kind: string) => [...names].reduce((sum, n) => sum + bytes(kind, n), 0);
  const rest = (kind: string) =>
    [...names].filter((n) => !shown.includes(n)).reduce((s, n) => s + bytes(kind, n), 0);
  return [
    `## Heap per idle connection, bytes (growth over ${conns.toLocaleString('en')} connections, by node kind)`,
    header,
    ...shown.map((what) => line(what, (k) => bytes(k, what))),
    line('(all other nodes)', rest),
    line('TOTAL', total),
    line('TOTAL without compiled code', (k) => total(k) - bytes(k, '(compiled code)')),
    '  note: rows sorted by the difference between kinds; (compiled code) is one-time, spread over the connections.',
  ].join('\n');
}
