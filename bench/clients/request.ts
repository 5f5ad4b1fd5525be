import type { EngineLike, Library, MessageLike } from '../lib/wscengine.js';
import { now, openWs, serveBursts, startEngine } from './common.js';

export interface RequestParams {
  /** `ws-requests`: raw ws with a hand-written id map; `engine-request`: `engine.request()`. */
  kind: string;
  /** A `/requests` URL: the server echoes every message and pushes one every few ms. */
  url: string;
  /** Sequential requests per burst. */
  n: number;
  /** Each request's timeout (both kinds arm one, as production code must). */
  timeoutMs: number;
}

export interface RequestResult {
  bursts: number;
  pushes: number;
}

interface Waiting {
  resolve(reply: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The id of a message, as both kinds read it: the `id` field of its JSON. */
function idOf(text: string): string | undefined {
  return (JSON.parse(text) as { id?: string }).id;
}

/**
 * The client half of request/reply: for every `burst` command, `n` requests one after the
 * other, each `{"id":"<n>","op":"quote",...}` awaited until the server's echo of it comes
 * back, while the server pushes messages without an id; reports the p50, p99 and mean of
 * the round trips. Each kind written the way its users would:
 * - `ws-requests`: a Map of pending ids, resolved in the `message` listener, which hands
 *   every other message to the push handler; each request arms a timeout.
 * - `engine-request`: `engine.request(data, { id, timeoutMs })` with
 *   `requests.idOf` reading the same `id`; pushes reach `onMessage`.
 */
export async function runRequest(lib: Library, p: RequestParams): Promise<RequestResult> {
  let pushes = 0;
  let sink = 0;
  const onPush = (text: string) => {
    const push = JSON.parse(text) as { seq?: number };
    sink += push.seq ?? 0;
    pushes++;
  };
  let request: (data: string, id: string) => Promise<string>;
  if (p.kind === 'ws-requests') {
    const ws = await openWs(p.url);
    const pending = new Map<string, Waiting>();
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      const id = idOf(text);
      const waiting = id === undefined ? undefined : pending.get(id);
      if (waiting === undefined) {
        onPush(text);
        return;
      }
      pending.delete(id as string);
      clearTimeout(waiting.timer);
      waiting.resolve(text);
    });
    request = (data, id) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no reply to ${id} within ${p.timeoutMs} ms`));
        }, p.timeoutMs);
        pending.set(id, { resolve, reject, timer });
        ws.send(data, (error) => {
          if (!error) return;
          pending.delete(id);
          clearTimeout(timer);
          reject(error);
        });
      });
  } else {
    const { engine } = await startEngine(lib, {
      url: p.url,
      requests: { idOf: (m: MessageLike) => (typeof m.data === 'string' ? idOf(m.data) : undefined) },
      client: { onMessage: ({ message }) => onPush(message.data as string) },
    });
    const e = engine as Required<EngineLike>;
    request = async (data, id) => (await e.request(data, { id, timeoutMs: p.timeoutMs })).data as string;
  }
  let seq = 0;
  const lat = new Float64Array(p.n);
  const bursts = await serveBursts(async () => {
    const pushes0 = pushes;
    for (let i = 0; i < p.n; i++) {
      const id = String(++seq);
      const data = `{"id":"${id}","op":"quote","symbol":"ACME"}`;
      const t0 = now();
      const reply = await request(data, id);
      lat[i] = now() - t0;
      sink += reply.length;
    }
    const sorted = Float64Array.from(lat).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
    return {
      ms: at(0.5),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      pushes: pushes - pushes0,
      sink,
    };
  });
  return { bursts, pushes };
}
