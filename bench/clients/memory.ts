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
  /**
   * (heapUsed + external) growth per connection, bytes, in a process that has already opened
   * and closed as many connections of the kind: what each connection holds, without the
   * one-time costs of a first round (code compiled and optimised, lazily created module state).
   */
  heapExtPerConn: number;
  /** The same growth over the first round in a fresh process: one-time costs spread over `conns`. */
  heapExtColdPerConn: number;
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

/**
 * The engine's callbacks: one object for every engine, as a raw ws connection here has no
 * listener of the user's at all. What each connection costs is then the library's alone.
 */
const IDLE_CLIENT = Object.freeze({ onMessage() {} });

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
    client: IDLE_CLIENT,
  });
  return engine;
}

/** Closes what {@link openIdle} opened and waits until it is gone. */
async function closeIdle(held: WebSocket | EngineLike | AdapterLike, kind: string): Promise<void> {
  if (kind === 'ws' || kind === 'ws-ka') {
    const ws = held as WebSocket;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  } else if (kind === 'adapter') {
    await (held as AdapterLike).close(1000);
  } else {
    await (held as EngineLike).stop();
  }
}

/** Opens `conns` connections a batch at a time into `held`. */
export async function openMany<T>(held: T[], target: number, open: () => Promise<T>): Promise<void> {
  while (held.length < target) {
    const batch = Math.min(BATCH, target - held.length);
    held.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
}

/** Closes every connection of `held` (of `kind`) and empties it. */
export async function closeAll(held: (WebSocket | EngineLike | AdapterLike)[], kind: string): Promise<void> {
  await Promise.all(held.map((h) => closeIdle(h, kind)));
  held.length = 0;
}

/**
 * Rounds of `conns` connections opened, left idle and closed before the measured one. V8
 * compiles and optimises code for the first thousands of calls of each function, a
 * one-time cost: measured with `--heap`, one round still left ~0.15 KiB of new compiled code
 * per connection in the next; two leave about a tenth of that.
 */
export const WARM_UP_ROUNDS = 2;

/**
 * Opens `conns` idle connections and reports the memory they hold, after GC. Warm-up
 * rounds open and close `conns` connections (the growth over the first is the cold
 * figure); the measured round then opens them again, at half and at all of them.
 */
export async function runMemory(lib: Library, p: MemoryParams): Promise<MemoryResult> {
  const open = () => openIdle(lib, p);
  const held: (WebSocket | EngineLike | AdapterLike)[] = [];
  const heapExt = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
  const openUpTo = (target: number) => openMany(held, target, open);
  const settled = async (ms = p.settleMs) => {
    await sleep(ms);
    gc();
    return process.memoryUsage();
  };
  const cold = await settled(20);
  await openUpTo(p.conns);
  const coldAfter = await settled();
  await closeAll(held, p.kind);
  for (let round = 1; round < WARM_UP_ROUNDS; round++) {
    await openUpTo(p.conns);
    await settled();
    await closeAll(held, p.kind);
  }
  const before = await settled(200);
  const t0 = performance.now();
  // Measured at half and at all connections: the slope between the two is a check on the
  // average (it leaves out whatever one-time cost the first round did not take).
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
    heapExtColdPerConn: per(heapExt(coldAfter), heapExt(cold)),
    rssPerConn: per(after.rss, before.rss),
    heapUsedPerConn: per(after.heapUsed, before.heapUsed),
    externalPerConn: per(after.external, before.external),
    heapExtMarginal: (heapExt(after) - heapExt(middle)) / (p.conns - half),
    openMs,
  };
}
