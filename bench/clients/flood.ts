import type { Library } from '../lib/wscengine.js';
import { TEXT } from '../lib/wscengine.js';
import { dialAdapter, now, openWs, readersOf, sizeOf, startEngine } from './common.js';
import { startProfiler } from './profiler.js';

export interface FloodParams {
  kind: string;
  url: string;
  n: number;
  /** Write a CPU profile of the measured interval here. */
  profilePath?: string;
}

export interface FloodResult {
  received: number;
  elapsedMs: number;
  msgsPerSec: number;
  /** Client CPU over the same interval, % of one core. */
  clientCpuPct: number;
}

/** Counts messages and times first to last; `sink` keeps the payload work observable. */
class Counter {
  count = 0;
  sink = 0;
  private t0 = 0;
  private t1 = 0;
  private cpu0: NodeJS.CpuUsage | undefined;
  private cpu: NodeJS.CpuUsage | undefined;
  private resolve!: () => void;
  readonly done = new Promise<void>((resolve) => {
    this.resolve = resolve;
  });

  constructor(private readonly n: number) {}

  tick(data: string | Uint8Array): void {
    if (this.count === 0) {
      this.t0 = now();
      this.cpu0 = process.cpuUsage();
    }
    this.sink += sizeOf(data);
    if (++this.count === this.n) {
      this.t1 = now();
      this.cpu = process.cpuUsage(this.cpu0);
      this.resolve();
    }
  }

  result(): FloodResult {
    const elapsedMs = this.t1 - this.t0;
    const cpuMs = this.cpu ? (this.cpu.user + this.cpu.system) / 1000 : 0;
    return {
      received: this.count,
      elapsedMs,
      // n messages span n-1 gaps between the first and the last arrival.
      msgsPerSec: ((this.count - 1) * 1000) / elapsedMs,
      clientCpuPct: (100 * cpuMs) / elapsedMs,
    };
  }
}

/**
 * Connects, tells the server to start ('go'), and counts `n` messages. The server waits
 * for 'go' so no kind gets a head start from messages queued while it was setting up.
 */
export async function runFlood(lib: Library, p: FloodParams): Promise<FloodResult> {
  const counter = new Counter(p.n);
  if (p.kind === 'ws') {
    const ws = await openWs(p.url);
    // Decode text to a string as wscengine delivers strings, so both do the same work.
    ws.on('message', (data: Buffer, isBinary: boolean) => counter.tick(isBinary ? data : data.toString()));
    const stop = await profile(p);
    ws.send('go');
    await counter.done;
    await stop();
  } else if (p.kind === 'adapter' || p.kind === 'adapter-q') {
    const adapter = await dialAdapter(lib, p.url);
    const readQueued = adapter.readQueued?.bind(adapter);
    if (p.kind === 'adapter-q' && !readQueued) throw new Error('WsAdapter has no readQueued()');
    const stop = await profile(p);
    await adapter.write(TEXT, 'go');
    if (p.kind === 'adapter') {
      while (counter.count < p.n) counter.tick((await adapter.read()).data);
    } else {
      while (counter.count < p.n) counter.tick((readQueued!() ?? (await adapter.read())).data);
    }
    await stop();
  } else {
    const { adapter } = await startEngine(lib, {
      url: p.url,
      readers: readersOf(p.kind),
      client: { onMessage: ({ message }) => counter.tick(message.data) },
    });
    const stop = await profile(p);
    await adapter.write(TEXT, 'go');
    await counter.done;
    await stop();
  }
  return counter.result();
}

async function profile(p: FloodParams): Promise<() => Promise<void>> {
  if (!p.profilePath) return async () => {};
  const stop = await startProfiler();
  return () => stop(p.profilePath!);
}
