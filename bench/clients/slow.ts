import type { Library } from '../lib/wscengine.js';
import { TEXT } from '../lib/wscengine.js';
import { gc, openWs, readersOf, sizeOf, sleep, startEngine } from './common.js';

export interface SlowParams {
  kind: string;
  url: string;
  durationMs: number;
  handlerMs: number;
  /** Stop early once RSS grew this much: enough to show unbounded growth, not enough to hurt the machine. */
  capMiB: number;
}

export interface SlowResult {
  peakAboveStartMiB: number;
  processed: number;
  /** Bytes the client accepted off the socket (handled or still waiting). */
  bytesReceived: number;
  ranMs: number;
  capped: boolean;
}

const MiB = 1024 * 1024;

/**
 * The handler awaits 1 ms per message, like one that writes to a database, and messages
 * are handled one at a time in arrival order, which is what engine `readers: 1` does.
 * With raw ws the usual way to keep that order is a promise chain in the 'message'
 * listener (kind `ws`), and that chain is where memory goes unbounded. Kind
 * `ws-concurrent` calls the handler straight from the listener instead: memory then stays
 * low, but concurrency and ordering are gone. (A busy-wait handler is not modelled: it
 * blocks the event loop, so even raw ws stops reading and TCP alone bounds memory.)
 */
export async function runSlow(lib: Library, p: SlowParams): Promise<SlowResult> {
  let processed = 0;
  let sink = 0;
  const handle = async (data: string | Uint8Array) => {
    sink += sizeOf(data);
    await sleep(p.handlerMs);
    processed++;
  };
  gc();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  let capped = false;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    if (peak - rss0 > p.capMiB * MiB) {
      capped = true;
      stop();
    }
  }, 10);
  const t0 = performance.now();
  if (p.kind === 'ws' || p.kind === 'ws-concurrent') {
    const ws = await openWs(p.url);
    let chain = Promise.resolve();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? data : data.toString();
      if (p.kind === 'ws') chain = chain.then(() => handle(message));
      else void handle(message);
    });
    ws.send('go');
  } else {
    const { adapter } = await startEngine(lib, {
      url: p.url,
      readers: readersOf(p.kind),
      client: { onMessage: ({ message }) => handle(message.data) },
    });
    await adapter.write(TEXT, 'go');
  }
  await Promise.race([sleep(p.durationMs), stopped]);
  const ranMs = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { peakAboveStartMiB: (peak - rss0) / MiB, processed, bytesReceived: sink, ranMs, capped };
}
