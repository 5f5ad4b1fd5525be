import type { Library } from '../lib/wscengine.js';
import { TEXT } from '../lib/wscengine.js';
import { dialAdapter, now, openWs, sizeOf, startEngine } from './common.js';
import { startProfiler } from './profiler.js';

export interface EchoParams {
  kind: string;
  url: string;
  /** Round trips measured. */
  n: number;
  /** Round trips run first and not measured, so every kind is measured warm. */
  warmup: number;
  size: number;
  /** Write a CPU profile of the round trips (warm-up included) here. */
  profilePath?: string;
}

export interface EchoResult {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  msgsPerSec: number;
}

/** Times sequential round trips: the next message goes out only once the echo is back. */
class RoundTrips {
  private i = 0;
  private t = 0;
  private start = 0;
  private end = 0;
  sink = 0;
  private readonly lat: Float64Array;
  private resolve!: () => void;
  readonly done = new Promise<void>((resolve) => {
    this.resolve = resolve;
  });

  constructor(
    private readonly warmup: number,
    private readonly n: number,
  ) {
    this.lat = new Float64Array(n);
  }

  sent(): void {
    this.t = now();
    if (this.i === this.warmup) this.start = this.t;
  }

  /** Records one echo; returns whether another round trip should follow. */
  received(data: string | Uint8Array): boolean {
    const dt = now() - this.t;
    this.sink += sizeOf(data);
    if (this.i >= this.warmup) this.lat[this.i - this.warmup] = dt;
    if (++this.i < this.warmup + this.n) return true;
    this.end = now();
    this.resolve();
    return false;
  }

  result(): EchoResult {
    const sorted = Float64Array.from(this.lat).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const total = this.end - this.start;
    return {
      n: this.n,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      msgsPerSec: (this.n * 1000) / total,
    };
  }
}

/** Each kind written the way its users would write a request/response loop. */
export async function runEcho(lib: Library, p: EchoParams): Promise<EchoResult> {
  const rt = new RoundTrips(p.warmup, p.n);
  const payload = 'x'.repeat(p.size);
  const stopProfiler = p.profilePath ? await startProfiler() : undefined;
  if (p.kind === 'ws') {
    const ws = await openWs(p.url);
    ws.on('message', (data: Buffer) => {
      if (!rt.received(data.toString())) return;
      rt.sent();
      ws.send(payload);
    });
    rt.sent();
    ws.send(payload);
  } else if (p.kind === 'adapter') {
    const adapter = await dialAdapter(lib, p.url);
    do {
      rt.sent();
      await adapter.write(TEXT, payload);
    } while (rt.received((await adapter.read()).data));
  } else {
    const { adapter } = await startEngine(lib, {
      url: p.url,
      readers: 1,
      client: {
        async onMessage({ message, conn }) {
          if (!rt.received(message.data)) return;
          rt.sent();
          await conn.write(TEXT, payload);
        },
      },
    });
    rt.sent();
    await adapter.write(TEXT, payload);
  }
  await rt.done;
  await stopProfiler?.(p.profilePath!);
  return rt.result();
}
