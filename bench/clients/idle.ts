import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import type { Library } from '../lib/wscengine.js';
import { openWs, sleep, startEngine } from './common.js';

export interface IdleParams {
  kind: string;
  url: string;
  conns: number;
  seconds: number;
  keepaliveMs: number;
}

export interface IdleResult {
  conns: number;
  /** CPU over the measured window, % of one core. */
  cpuPct: number;
  /** Event-loop utilisation over the window, %. */
  eluPct: number;
  rssMiB: number;
}

const BATCH = 100;

/**
 * Many idle connections with keepalive in one process, then CPU over a quiet window.
 * The raw ws baseline pings on the same interval with one timer per socket, which is
 * what a hand-written keepalive looks like.
 */
export async function runIdle(lib: Library, p: IdleParams): Promise<IdleResult> {
  const timers: NodeJS.Timeout[] = [];
  const open = async () => {
    if (p.kind === 'ws') {
      const ws: WebSocket = await openWs(p.url);
      timers.push(setInterval(() => ws.ping(), p.keepaliveMs));
      return;
    }
    await startEngine(lib, {
      url: p.url,
      autoReconnect: true,
      keepalive: { intervalMs: p.keepaliveMs, timeoutMs: p.keepaliveMs },
      client: { onMessage() {} },
    });
  };
  for (let i = 0; i < p.conns; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, p.conns - i) }, open));
  }
  // Let the connect burst settle so the window measures steady idle cost.
  await sleep(Math.min(2000, p.keepaliveMs));
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await sleep(p.seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  for (const timer of timers) clearInterval(timer);
  return {
    conns: p.conns,
    cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / elapsed,
    eluPct: 100 * elu.utilization,
    rssMiB: process.memoryUsage.rss() / 1024 / 1024,
  };
}
