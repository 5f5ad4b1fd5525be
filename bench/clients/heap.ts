import { readFileSync, rmSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import type { Library } from '../lib/wscengine.js';
import { gc, sleep } from './common.js';
import { closeAll, type MemoryParams, openIdle, openMany, WARM_UP_ROUNDS } from './memory.js';

export interface HeapParams extends Omit<MemoryParams, 'conns'> {
  conns: number;
  /** Where the two snapshots go (deleted once read). */
  dir: string;
}

/** Heap bytes and objects per connection of one kind of heap node. */
export interface HeapRow {
  what: string;
  objectsPerConn: number;
  bytesPerConn: number;
}

export interface HeapResult {
  conns: number;
  rows: HeapRow[];
}

/**
 * `--heap`: where the memory of an idle connection goes. Takes a heap snapshot before and
 * after opening `conns` connections and returns the growth per connection by kind of node
 * (class name for objects, `closure NAME`, and buckets for strings, numbers, property
 * stores and compiled code). `(compiled code)` is a one-time cost spread over `conns`.
 */
export async function runHeap(lib: Library, p: HeapParams): Promise<HeapResult> {
  const held: Awaited<ReturnType<typeof openIdle>>[] = [];
  const open = () => openMany(held, p.conns, () => openIdle(lib, p));
  // Warm-up rounds, as in the memory scenario: the code they compile is not per connection.
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    await open();
    await sleep(p.settleMs);
    await closeAll(held, p.kind);
  }
  await sleep(200);
  gc();
  const before = census(snapshot(`${p.dir}/before-${process.pid}.heapsnapshot`));
  await open();
  await sleep(p.settleMs);
  gc();
  const after = census(snapshot(`${p.dir}/after-${process.pid}.heapsnapshot`));
  const rows: HeapRow[] = [];
  for (const [what, a] of after) {
    const b = before.get(what) ?? { count: 0, bytes: 0 };
    rows.push({
      what,
      objectsPerConn: (a.count - b.count) / p.conns,
      bytesPerConn: (a.bytes - b.bytes) / p.conns,
    });
  }
  rows.sort((x, y) => y.bytesPerConn - x.bytesPerConn);
  return { conns: held.length, rows: rows.filter((r) => Math.abs(r.bytesPerConn) >= 1) };
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function snapshot(path: string): HeapSnapshot {
  writeHeapSnapshot(path);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  } finally {
    rmSync(path, { force: true });
  }
}

const BUCKETS: Record<string, string> = {
  string: '(strings)',
  'concatenated string': '(strings)',
  'sliced string': '(strings)',
  number: '(heap numbers)',
  code: '(compiled code)',
};

/** Count and self size of every node, by what it is. */
function census(snap: HeapSnapshot): Map<string, { count: number; bytes: number }> {
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[0][snap.nodes[i + typeAt] as number] as string;
    const name = snap.strings[snap.nodes[i + nameAt] as number] as string;
    const what =
      BUCKETS[type] ??
      (type === 'closure'
        ? `closure ${name || '(anonymous)'}`
        : type === 'object'
          ? name
          : `(${type}) ${name}`.slice(0, 60));
    const entry = out.get(what) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + sizeAt] as number;
    out.set(what, entry);
  }
  return out;
}
