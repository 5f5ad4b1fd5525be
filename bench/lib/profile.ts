import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { summarizeProfile } from './cpuprofile.js';
import { OUT_DIR, runClient, type ServerProcess } from './proc.js';
import type { Context } from './scenario.js';

/**
 * `--profile`: runs the flood (and the echo) with the V8 CPU profiler on in each client child (over the
 * measured interval only) and prints where the time goes (self time by area and by
 * function), next to raw ws for reference.
 */
export async function profileReadPath(ctx: Context, server: ServerProcess): Promise<string> {
  const dir = `${OUT_DIR}/profiles`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sizes = ctx.mode.flood.filter((s) => !s.binary || s.size > 1024);
  const lines: string[] = [];
  for (const size of sizes) {
    for (const kind of ['ws', 'adapter', 'engine-r1', 'engine-r4']) {
      const name = `${kind}-${size.size}-${size.binary ? 'bin' : 'text'}.cpuprofile`;
      const url = `${server.url}/flood?n=${size.n}&size=${size.size}&binary=${size.binary ? 1 : 0}`;
      try {
        const r = await runClient<{ msgsPerSec: number }>(
          'flood',
          { kind, url, n: size.n, warmup: 0 },
          {
            execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
            timeoutMs: 120_000,
          },
        );
        const { functions, areas } = summarizeProfile(`${dir}/${name}`);
        lines.push(
          `### ${kind}, ${size.label}: ${Math.round(r.msgsPerSec).toLocaleString('en')} msg/s (profiled)`,
        );
        lines.push(`areas: ${areas.map((a) => `${a.name} ${a.pct.toFixed(1)}%`).join(', ')}`);
        for (const f of functions) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}`);
      } catch (error) {
        lines.push(`### ${kind}, ${size.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
      ctx.log(`  profiled ${kind} ${size.label}`);
    }
  }
  for (const kind of ['ws', 'adapter', 'engine-r1']) {
    const name = `echo-${kind}.cpuprofile`;
    try {
      const r = await runClient<{ p50Ms: number }>(
        'echo',
        { kind, url: `${server.url}/echo`, ...ctx.mode.echo, profilePath: `${dir}/${name}` },
        { timeoutMs: 120_000 },
      );
      const { functions, areas } = summarizeProfile(`${dir}/${name}`);
      lines.push(`### echo ${kind}: p50 ${r.p50Ms.toFixed(3)} ms (profiled)`);
      lines.push(`areas: ${areas.map((a) => `${a.name} ${a.pct.toFixed(1)}%`).join(', ')}`);
      for (const f of functions) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}`);
    } catch (error) {
      lines.push(`### echo ${kind}: ${error instanceof Error ? error.message : String(error)}`);
    }
    ctx.log(`  profiled echo ${kind}`);
  }
  const text = lines.join('\n');
  writeFileSync(`${dir}/summary.txt`, `${text}\n`);
  return `${text}\n(profiles and summary in ${dir})`;
}
