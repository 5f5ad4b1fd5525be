import { performance } from 'node:perf_hooks';
import type { Library } from '../lib/wscengine.js';
import { sleep } from './common.js';
import { openIdle, openMany } from './memory.js';

export interface IdleParams {
  /** `ws-ka` (raw ws with the hand-written heartbeat) or `engine` (keepalive on), as in the memory scenario. */
  kind: string;
  url: string;
  conns: number;
  /** Wait after the last connection opened, before the window. */
  settleMs: number;
  seconds: number;
  keepaliveMs: number;
}

export interface IdleResult {
  conns: number;
  /** User + system CPU of this process over the measured window, % of one core. */
  cpuPct: number;
  /** Event-loop utilisation over the window, %. */
  eluPct: number;
  rssMiB: number;
}

/**
 * Many idle connections with keepalive in one process, then CPU over a quiet window. The
 * connections are those of the memory scenario (`openIdle`), so the heartbeat compared with
 * the engine's keepalive is the same one. The parent hears `{ event: 'window' }` when the
 * window opens and when it closes (it counts the pings the server saw in between).
 */
export async function runIdle(lib: Library, p: IdleParams): Promise<IdleResult> {
  const held: unknown[] = [];
  await openMany(held, p.conns, () => openIdle(lib, p));
  // Let the connect burst settle so the window measures the steady idle cost.
  await sleep(p.settleMs);
  process.send?.({ event: 'window' });
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await sleep(p.seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  process.send?.({ event: 'window' });
  return {
    conns: held.length,
    cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / elapsed,
    eluPct: 100 * elu.utilization,
    rssMiB: process.memoryUsage.rss() / 1024 / 1024,
  };
}
