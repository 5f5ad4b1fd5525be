import type WebSocket from 'ws';
import type { AdapterLike, EngineLike, Library } from '../lib/wscengine.js';
import { dialAdapter, gc, openWs, sleep, startEngine } from './common.js';

export interface MemoryParams {
  kind: string;
  url: string;
  conns: number;
  /** Idle time before the final measurement, long enough for a few keepalive rounds. */
  settleMs: number;
  keepaliveMs: number;
}

export interface MemoryResult {
  conns: number;
  /** (heapUsed + external) growth per connection, bytes. */
  heapExtPerConn: number;
  rssPerConn: number;
  heapUsedPerConn: number;
  externalPerConn: number;
  /** (heapUsed + external) added by each connection of the second half, bytes. */
  heapExtMarginal: number;
  openMs: number;
}

/**
 * Raw ws with the heartbeat its users write by hand (the pattern of ws's README): ping every
 * interval, terminate when the previous ping got no pong. What the engine's keepalive replaces.
 */
async function openWsWithHeartbeat(url: string, intervalMs: number): Promise<WebSocket> {
  const ws = await openWs(url);
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  ws.once('close', () => clearInterval(timer));
  return ws;
}

// Connections are opened a batch at a time: all at once would measure the server's
// accept backlog, not the client.
const BATCH = 50;

/** Opens one idle connection of `p.kind` (the kinds of the memory scenario). */
export async function openIdle(
  lib: Library,
  p: Pick<MemoryParams, 'kind' | 'url' | 'keepaliveMs'>,
): Promise<WebSocket | EngineLike | AdapterLike> {
  if (p.kind === 'ws') return openWs(p.url);
  if (p.kind === 'ws-ka') return openWsWithHeartbeat(p.url, p.keepaliveMs);
  if (p.kind === 'adapter') return dialAdapter(lib, p.url);
  // `engine`: what the target is about (engine defaults, keepalive on); the variants
  // split its cost for whoever works on it.
  const { engine } = await startEngine(lib, {
    url: p.url,
    autoReconnect: true,
    ...(p.kind === 'engine-r1' ? { readers: 1 } : {}),
    ...(p.kind === 'engine-noka'
      ? {}
      : { keepalive: { intervalMs: p.keepaliveMs, timeoutMs: p.keepaliveMs } }),
    client: { onMessage() {} },
  });
  return engine;
}

/** Opens `conns` connections a batch at a time into `held`. */
export async function openMany<T>(held: T[], target: number, open: () => Promise<T>): Promise<void> {
  while (held.length < target) {
    const batch = Math.min(BATCH, target - held.length);
    held.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
}

/** Opens `conns` idle connections and reports the memory they hold, after GC. */
export async function runMemory(lib: Library, p: MemoryParams): Promise<MemoryResult> {
  const open = () => openIdle(lib, p);
  const held: (WebSocket | EngineLike | AdapterLike)[] = [];
  const heapExt = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
  const openUpTo = (target: number) => openMany(held, target, open);
  const settled = async () => {
    await sleep(p.settleMs);
    gc();
    return process.memoryUsage();
  };
  await sleep(20);
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  // Measured at half and at all connections: the slope between the two leaves out one-time
  // costs (compiled code, lazily created module state) that the plain average includes.
  const half = p.conns >> 1;
  await openUpTo(half);
  const middle = await settled();
  await openUpTo(p.conns);
  const openMs = performance.now() - t0;
  const after = await settled();
  const per = (a: number, b: number) => (a - b) / p.conns;
  return {
    conns: held.length,
    heapExtPerConn: per(heapExt(after), heapExt(before)),
    rssPerConn: per(after.rss, before.rss),
    heapUsedPerConn: per(after.heapUsed, before.heapUsed),
    externalPerConn: per(after.external, before.external),
    heapExtMarginal: (heapExt(after) - heapExt(middle)) / (p.conns - half),
    openMs,
  };
}
