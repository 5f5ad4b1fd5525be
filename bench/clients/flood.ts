import type { Library } from '../lib/wscengine.js';
import { TEXT } from '../lib/wscengine.js';
import { dialAdapter, now, openWs, readersOf, sizeOf, startEngine } from './common.js';
import { startProfiler } from './profiler.js';

export interface FloodParams {
  kind: string;
  url: string;
  /** Messages measured, after `warmup` that are not. */
  n: number;
  /**
   * Messages received before the clock starts: the read path is compiled and optimised by
   * then, so a run measures the steady state, not when the JIT happened to tier up.
   */
  warmup: number;
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

/**
 * Counts messages and times the `n` after the first `warmup` ones (from the arrival of the
 * last warm-up message to the last one); `sink` keeps the payload work observable.
 */
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

  private readonly total: number;

  constructor(
    private readonly n: number,
    private readonly warmup: number,
  ) {
    this.total = n + warmup;
  }

  tick(data: string | Uint8Array): void {
    this.sink += sizeOf(data);
    if (++this.count === this.warmup + 1) {
      this.t0 = now();
      this.cpu0 = process.cpuUsage();
    }
    if (this.count === this.total) {
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
      // From the first measured arrival to the last: n - 1 gaps.
      msgsPerSec: ((this.n - 1) * 1000) / elapsedMs,
      clientCpuPct: (100 * cpuMs) / elapsedMs,
    };
  }
}

/**
 * Connects, tells the server to start ('go'), and counts `n` messages. The server waits
 * for 'go' so no kind gets a head start from messages queued while it was setting up.
 */
export async function runFlood(lib: Library, p: FloodParams): Promise<FloodResult> {
  const counter = new Counter(p.n, p.warmup);
  const total = p.n + p.warmup;
  if (p.kind === 'ws') {
    const ws = await openWs(p.url);
    // Decode text to a string as wscengine delivers strings, so both do the same work.
    ws.on('message', (data: Buffer, isBinary: boolean) => counter.tick(isBinary ? data : data.toString()));
    const stop = await profile(p);
    ws.send('go');
    await counter.done;
    await stop();
  } else if (p.kind === 'adapter') {
    const adapter = await dialAdapter(lib, p.url);
    const stop = await profile(p);
    await adapter.write(TEXT, 'go');
    while (counter.count < total) counter.tick((await adapter.read()).data);
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
