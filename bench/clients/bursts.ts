import type { Library } from '../lib/wscengine.js';
import { TEXT } from '../lib/wscengine.js';
import { now, openWs, readersOf, sizeOf, startEngine } from './common.js';

export interface BurstsParams {
  kind: string;
  /** A `/bursts` URL: the server sends `n` messages for every message the client sends. */
  url: string;
  n: number;
}

export interface BurstsResult {
  bursts: number;
}

/** Commands from the parent, over IPC. */
type Command = { cmd: 'burst' } | { cmd: 'stop' };

/**
 * The client half of the interleaved flood (`lib/bursts.ts`): connects, reports `ready`,
 * then for every `burst` command asks the server for `n` messages and reports how long
 * they took from the first to the last (`{ event: 'burst', ms }`). Another kind's client
 * runs beside it, idle while this one receives; `stop` ends it.
 */
export async function runBursts(lib: Library, p: BurstsParams): Promise<BurstsResult> {
  let count = 0;
  let t0 = 0;
  let sink = 0;
  let bursts = 0;
  const tick = (data: string | Uint8Array) => {
    sink += sizeOf(data);
    if (++count === 1) t0 = now();
    if (count === p.n) {
      const ms = now() - t0;
      count = 0;
      bursts++;
      process.send?.({ event: 'burst', ms, sink });
    }
  };
  let go: () => unknown;
  if (p.kind === 'ws') {
    const ws = await openWs(p.url);
    ws.on('message', (data: Buffer, isBinary: boolean) => tick(isBinary ? data : data.toString()));
    go = () => ws.send('go');
  } else {
    const { adapter } = await startEngine(lib, {
      url: p.url,
      readers: readersOf(p.kind),
      client: { onMessage: ({ message }) => tick(message.data) },
    });
    go = () => adapter.write(TEXT, 'go');
  }
  const stopped = new Promise<void>((resolve) => {
    process.on('message', (command: Command) => {
      if (command.cmd === 'burst') void go();
      else resolve();
    });
  });
  process.send?.({ event: 'ready' });
  await stopped;
  return { bursts };
}
