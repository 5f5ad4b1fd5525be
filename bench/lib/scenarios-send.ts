import { interleavedPairs } from './bursts.js';
import {
  type Context,
  type KindResult,
  kindsFromPairs,
  labelOf,
  missingFor,
  ratioTarget,
  type ScenarioResult,
} from './scenario.js';
import { summarize } from './stats.js';

// The sending half of the API (`engine.send`, `engine.request`) next to what a ws user
// writes by hand. Both judged on interleaved bursts, like the flood targets: each client in
// its own process, both connected at once, the server serving one at a time, in blocks of
// fresh processes (lib/bursts.ts).

/**
 * Bursts of `n` before the measured ones, for about `messages` messages (at least 2). A fresh
 * sender took 5-6 bursts of 5,000 messages at 64 B to reach its steady rate (40k msg/s in
 * the first, 250k from the sixth on), and the engine's clients were still speeding up
 * after 20,000 messages or 1,200 requests, more than the floods' readers need.
 */
const warmupBursts = (messages: number, n: number) => Math.max(2, Math.ceil(messages / n));

/** The kind that could not run, as a result row. */
function skippedKinds(ctx: Context, base: string, kind: string): KindResult[] {
  return [base, kind].map((name) => ({
    kind: name,
    label: labelOf(name),
    runs: [],
    errors: [],
    skipped: missingFor(ctx.lib, name) ?? 'not run: the other kind is not built',
    summary: {},
  }));
}

/** The spread of the per-pair ratios, for the notes. */
function ratioNote(what: string, ratios: number[]): string[] {
  const s = summarize(ratios);
  if (!s) return [];
  return [
    `target: ${what} over ${ratios.length} pairs of interleaved bursts: median ${s.median.toFixed(2)}x ` +
      `[${s.min.toFixed(2)}-${s.max.toFixed(2)}]`,
  ];
}

/**
 * Scenario 7: `engine.send` floods against `ws.send` on a ready session. Each burst sends
 * `n` messages through `window` senders that each await their send, and ends when the
 * server (`/sink`) reports it received all `n`; msg/s = n / (first send -> the server's count).
 */
export async function sendFlood(ctx: Context): Promise<ScenarioResult[]> {
  const { sizes, window, pairs } = ctx.mode.send;
  const base = 'ws-send';
  const kind = 'engine-send';
  const out: ScenarioResult[] = [];
  for (const size of sizes) {
    const id = `send-${size.size}-${size.binary ? 'binary' : 'text'}`;
    const title = `Send flood, ${size.label}, ${size.n.toLocaleString('en')} messages per burst, ${window} in flight`;
    const absent = missingFor(ctx.lib, kind);
    let kinds: KindResult[];
    if (absent) {
      kinds = skippedKinds(ctx, base, kind);
    } else {
      const measured = await interleavedPairs({
        scenario: 'send',
        path: `/sink?n=${size.n}`,
        params: { n: size.n, size: size.size, binary: size.binary, window },
        base,
        kind,
        pairs,
        warmup: warmupBursts(size.warmup, size.n),
      });
      if (measured.error) ctx.log(`  send ${size.label}: ERROR ${measured.error}`);
      kinds = kindsFromPairs({ base, kind }, measured.pairs, measured.error);
    }
    const ratios = (kinds[1]?.runs ?? []).map(
      (run, i) => (run.msgsPerSec as number) / (kinds[0]?.runs[i]?.msgsPerSec as number),
    );
    const median = summarize(ratios)?.median;
    if (median !== undefined) {
      ctx.log(
        `  send ${size.label}: engine.send / ws.send median ${median.toFixed(3)} over ${ratios.length} pairs`,
      );
    }
    const target = ratioTarget(kinds, kind, 'msgsPerSec', 0.9, true, base);
    out.push({
      id,
      title,
      params: { ...size, window, pairs },
      primary: 'msgsPerSec',
      baseline: base,
      columns: [
        { key: 'msgsPerSec', label: 'msg/s', digits: 0 },
        { key: 'writtenMs', label: 'all sends resolved ms', digits: 1 },
        { key: 'ms', label: 'server has all ms', digits: 1 },
        { key: 'clientCpuPct', label: 'client CPU %', digits: 0 },
      ],
      kinds,
      targets: [{ ...target, detail: `${target.detail}${target.pass === null ? '' : ', interleaved'}` }],
      interleaved: { kind, ratios },
      notes: [
        ...ratioNote('engine.send / raw ws.send', ratios),
        `${window} senders each await their send before the next: raw ws a promise around the ws.send callback,`,
        '  the engine the engine.send() promise; msg/s = n / (first send -> the server reports it has all n).',
      ],
    });
  }
  return out;
}

/**
 * Scenario 8: request/reply while the server pushes. Each burst runs `n` sequential
 * requests; the figure of a burst is its p50 round trip.
 */
export async function requestReply(ctx: Context): Promise<ScenarioResult> {
  const { n, warmup, pairs, pushMs, timeoutMs } = ctx.mode.request;
  const base = 'ws-requests';
  const kind = 'engine-request';
  let kinds: KindResult[];
  if (missingFor(ctx.lib, kind)) {
    kinds = skippedKinds(ctx, base, kind);
  } else {
    const measured = await interleavedPairs({
      scenario: 'request',
      path: `/requests?pushMs=${pushMs}`,
      params: { n, timeoutMs },
      base,
      kind,
      pairs,
      warmup: warmupBursts(warmup, n),
    });
    if (measured.error) ctx.log(`  request: ERROR ${measured.error}`);
    kinds = kindsFromPairs({ base, kind }, measured.pairs, measured.error);
  }
  const ratios = (kinds[1]?.runs ?? []).map(
    (run, i) => (run.p50Ms as number) / (kinds[0]?.runs[i]?.p50Ms as number),
  );
  const median = summarize(ratios)?.median;
  if (median !== undefined) {
    ctx.log(
      `  request: engine.request / hand-written p50 median ${median.toFixed(3)} over ${ratios.length} pairs`,
    );
  }
  const target = ratioTarget(kinds, kind, 'p50Ms', 1.1, false, base);
  return {
    id: 'request-reply',
    title: `Request/reply, ${n.toLocaleString('en')} sequential requests per burst, a push every ${pushMs} ms`,
    params: ctx.mode.request,
    primary: 'p50Ms',
    baseline: base,
    columns: [
      { key: 'p50Ms', label: 'p50 ms', digits: 3 },
      { key: 'p99Ms', label: 'p99 ms', digits: 3 },
      { key: 'meanMs', label: 'mean ms', digits: 3 },
      { key: 'pushes', label: 'pushes/burst', digits: 0 },
    ],
    kinds,
    targets: [{ ...target, detail: `${target.detail}${target.pass === null ? '' : ', interleaved'}` }],
    interleaved: { kind, ratios },
    notes: [
      ...ratioNote('engine.request p50 / hand-written p50', ratios),
      'the server echoes each request ({"id":...}) and pushes a message without an id every',
      `  ${pushMs} ms; both kinds read the id with JSON.parse and arm a ${timeoutMs / 1000} s timeout per request`,
      '  (hand-written: a Map of pending ids resolved in the message listener, setTimeout/clearTimeout).',
    ],
  };
}
