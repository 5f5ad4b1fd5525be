import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { AdapterLike, EngineLike, EngineOptionsLike, Library } from '../lib/wscengine.js';

export const now = () => performance.now();
/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sizeOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

/** Raw `ws` client as a user would create it (library defaults), resolved once open. */
export function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export function requireAdapter(lib: Library): AdapterLike {
  if (!lib.WsAdapter) throw new Error('WsAdapter is not built (dist/esm/adapters/ws)');
  return new lib.WsAdapter();
}

export async function dialAdapter(lib: Library, url: string): Promise<AdapterLike> {
  const adapter = requireAdapter(lib);
  await adapter.dial(new URL(url));
  return adapter;
}

/** Starts an engine over a fresh WsAdapter; reconnects and keepalive are off unless asked. */
export async function startEngine(
  lib: Library,
  options: Omit<EngineOptionsLike, 'adapter'>,
): Promise<{ engine: EngineLike; adapter: AdapterLike }> {
  if (!lib.WebSocketEngine) throw new Error('WebSocketEngine is not built (dist/esm)');
  const adapter = requireAdapter(lib);
  const engine = new lib.WebSocketEngine({ autoReconnect: false, ...options, adapter });
  await engine.start();
  return { engine, adapter };
}

/** `readers` for an engine kind (`engine-r4` -> 4). */
export function readersOf(kind: string): number {
  const match = /^engine-r(\d+)$/.exec(kind);
  if (!match) throw new Error(`not an engine kind: ${kind}`);
  return Number(match[1]);
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the child with --expose-gc');
  collect();
  collect();
}

/**
 * The command loop of an interleaved client (`lib/bursts.ts`): reports `ready`, then runs
 * `burst()` for every `burst` command, one at a time, and reports what it returns as a
 * `burst` event; resolves with the number of bursts on `stop`.
 */
export async function serveBursts(burst: () => Promise<Record<string, number>>): Promise<number> {
  let bursts = 0;
  let chain = Promise.resolve();
  const stopped = new Promise<void>((resolve, reject) => {
    process.on('message', (command: { cmd: string }) => {
      if (command.cmd !== 'burst') {
        resolve();
        return;
      }
      chain = chain
        .then(burst)
        .then((result) => {
          bursts++;
          process.send?.({ event: 'burst', ...result });
        })
        .catch(reject);
    });
  });
  process.send?.({ event: 'ready' });
  await stopped;
  return bursts;
}

/** What `process.cpuUsage` counted since `start`, in ms (user + system). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1000;
}
