import { readFileSync } from 'node:fs';

// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and per area
// of code, which is what tells the engine owner where the read path spends its time.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  pct: number;
}

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native / V8 builtins)';
  if (url.includes('/node_modules/ws/')) return 'ws library';
  const dist = /dist\/esm\/([^/]+)\//.exec(url);
  if (dist) return `wscengine ${dist[1]}`;
  if (url.includes('/.tmp/bench/')) return 'benchmark client';
  if (url.startsWith('node:')) return 'node internals';
  return 'other';
}

const shortUrl = (url: string) =>
  url.replace(/^file:\/\/.*?\/(node_modules|dist\/esm|bench-dist\/esm|bench)\//, '$1/');

/** Self time by function (top `limit`) and by area, in ms and % of all samples. */
export function summarizeProfile(path: string, limit = 15): { functions: SelfTime[]; areas: SelfTime[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fn = new Map<string, number>();
  const ar = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || dt <= 0) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + dt);
    const a = area(url, functionName);
    ar.set(a, (ar.get(a) ?? 0) + dt);
    total += dt;
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / total }));
  return { functions: top(fn, limit), areas: top(ar, 12) };
}
