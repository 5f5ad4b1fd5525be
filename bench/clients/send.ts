import type WebSocket from 'ws';
import type { EngineLike, Library } from '../lib/wscengine.js';
import { cpuMsSince, now, openWs, serveBursts, startEngine } from './common.js';

export interface SendParams {
  /** `ws-send`: `ws.send` with its callback; `engine-send`: `engine.send()`. */
  kind: string;
  /** A `/sink?n=N` URL: the server sends its count back after every `n` messages. */
  url: string;
  n: number;
  size: number;
  binary: boolean;
  /**
   * Sends in flight at most: `window` senders each await their send before the next (1 =
   * one at a time). The same for both kinds, so both respect back-pressure alike.
   */
  window: number;
}

export interface SendResult {
  bursts: number;
}

/**
 * The client half of the send flood: for every `burst` command, sends `n` messages of `size`
 * bytes through `window` senders that each await their send (raw ws: a promise around
 * `ws.send`'s callback; engine: the promise `engine.send()` returns), then waits until the
 * server reports it has all `n`. Reports the time from the first send to the server's
 * count (`ms`), the time until the last send resolved (`writtenMs`) and its CPU time.
 */
export async function runSend(lib: Library, p: SendParams): Promise<SendResult> {
  const payload: string | Uint8Array = p.binary
    ? new Uint8Array(p.size).map((_, i) => (i * 131 + 7) & 0xff)
    : 'x'.repeat(p.size);
  // The server's count after each burst: the burst is over once it arrives.
  let confirmed: (() => void) | undefined;
  const onCount = () => {
    confirmed?.();
    confirmed = undefined;
  };
  let sendOne: () => Promise<void>;
  if (p.kind === 'ws-send') {
    const ws: WebSocket = await openWs(p.url);
    ws.on('message', onCount);
    // What a ws user writes to await a send: the callback fires once ws wrote the frame.
    sendOne = () =>
      new Promise<void>((resolve, reject) => {
        ws.send(payload, (error) => (error ? reject(error) : resolve()));
      });
  } else {
    const { engine } = await startEngine(lib, { url: p.url, client: { onMessage: onCount } });
    const e = engine as Required<EngineLike>;
    sendOne = () => e.send(payload);
  }
  const bursts = await serveBursts(async () => {
    let issued = 0;
    const sender = async () => {
      while (issued < p.n) {
        issued++;
        await sendOne();
      }
    };
    const counted = new Promise<void>((resolve) => {
      confirmed = resolve;
    });
    const cpu0 = process.cpuUsage();
    const t0 = now();
    await Promise.all(Array.from({ length: p.window }, sender));
    const writtenMs = now() - t0;
    await counted;
    const ms = now() - t0;
    return { ms, writtenMs, msgsPerSec: (p.n * 1000) / ms, clientCpuPct: (100 * cpuMsSince(cpu0)) / ms };
  });
  return { bursts };
}
