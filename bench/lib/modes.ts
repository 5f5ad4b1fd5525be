/** Sizes and counts of each mode. `quick` checks the harness in CI; `full` runs longer and more often. */
export interface Mode {
  name: 'quick' | 'default' | 'full';
  runs: number;
  flood: { label: string; size: number; binary: boolean; n: number }[];
  floodKinds: string[];
  /** Warm-up messages of each flood, as a share of `n`: received first, not measured. */
  floodWarmup: number;
  /** Pairs of interleaved bursts the flood target is judged on (`lib/bursts.ts`). */
  floodPairs: number;
  echo: { n: number; warmup: number; size: number };
  memory: { conns: number; settleMs: number; keepaliveMs: number; kinds: string[] };
  slow: { durationMs: number; handlerMs: number; capMiB: number; kinds: string[] };
  /** `uptimeMs`: how long the connection is up before the kill (the engine's minUptimeMs is 1 s). */
  reconnect: { downMs: number; uptimeMs: number; fast: Record<string, number>; kinds: string[] };
  /**
   * Idle connections with keepalive in one process; CPU over `seconds`, from `settleMs` after
   * the last one opened (the connect burst over).
   */
  idle: { conns: number; settleMs: number; seconds: number; keepaliveMs: number };
  /**
   * The send flood, judged on `pairs` interleaved bursts of `n` messages per size, after
   * about `warmup` messages per client not measured; at most `window` sends in flight.
   */
  send: {
    sizes: { label: string; size: number; binary: boolean; n: number; warmup: number }[];
    window: number;
    pairs: number;
  };
  /**
   * Request/reply: `pairs` interleaved bursts of `n` sequential requests, after about
   * `warmup` requests per client not measured; the server pushes a message every `pushMs`.
   */
  request: { n: number; warmup: number; pairs: number; pushMs: number; timeoutMs: number };
}

const KiB = 1024;

// Message counts aim at about 0.1 s (quick: a check that the harness works) and 0.5-1 s
// (default) of flooding per run on a 2-core VM: long enough to dwarf connection set-up,
// short enough to repeat. Child start-up (about 0.2 s) is outside the measured interval.
const floodSizes = (scale: number) => [
  { label: '64 B text', size: 64, binary: false, n: 200_000 * scale },
  { label: '64 B binary', size: 64, binary: true, n: 200_000 * scale },
  { label: '1 KiB text', size: KiB, binary: false, n: 100_000 * scale },
  { label: '64 KiB binary', size: 64 * KiB, binary: true, n: 4_000 * scale },
];

// Memory: the target compares `engine` with raw ws; `ws-ka` (raw ws with a hand-written
// heartbeat) is what the engine's keepalive replaces; the others split the engine's cost.
const memoryKinds = ['ws', 'ws-ka', 'adapter', 'engine', 'engine-r1', 'engine-noka'];

// The idle target: 10,000 engines with keepalive against as many raw ws connections with
// the heartbeat users write by hand, over 30 s; each connection pings three times.
const IDLE_10K = { conns: 10_000, settleMs: 2_000, seconds: 30, keepaliveMs: 10_000 };

// Send bursts of about 80-120 ms per client on the 2-vCPU VM (quick: 20-60 ms): about
// 200k msg/s at 64 B, 4.5k at 64 KiB (where ws copying and masking every payload byte is
// most of the cost). Warm-up in messages, not bursts: a fresh sender took some 25,000
// messages at 64 B to reach its steady rate, the engine longer than raw ws.
const sendSizes = (small: number, large: number) => [
  { label: '64 B text', size: 64, binary: false, n: small, warmup: 60_000 },
  { label: '64 KiB binary', size: 64 * KiB, binary: true, n: large, warmup: 2_000 },
];
const SEND_WINDOW = 16;

// Request/reply: a push every 2 ms; requests time out after 10 s (the engine's default);
// 4,000 requests per client before the measured bursts.
const REQUESTS = { warmup: 4_000, pushMs: 2, timeoutMs: 10_000 };

// A fast backoff: what a latency-sensitive user would configure.
const fast = { initialDelayMs: 50, maxDelayMs: 250, multiplier: 2, jitter: 0 };

export const MODES: Record<Mode['name'], Mode> = {
  quick: {
    name: 'quick',
    runs: 3,
    flood: floodSizes(0.25),
    // Only what the targets compare: --quick has to finish in about a minute, build included.
    floodKinds: ['ws', 'engine-r1'],
    floodWarmup: 0.5,
    floodPairs: 6,
    echo: { n: 1_000, warmup: 200, size: 64 },
    memory: { conns: 100, settleMs: 200, keepaliveMs: 100, kinds: ['ws', 'engine'] },
    slow: { durationMs: 700, handlerMs: 1, capMiB: 96, kinds: ['ws', 'engine-r1'] },
    reconnect: { downMs: 200, uptimeMs: 1_100, fast, kinds: ['engine-fast'] },
    // Checks that the scenario runs; a few pings per connection say nothing about 10,000.
    idle: { conns: 500, settleMs: 500, seconds: 3, keepaliveMs: 1_000 },
    send: { sizes: sendSizes(5_000, 250), window: SEND_WINDOW, pairs: 6 },
    request: { n: 300, pairs: 6, ...REQUESTS },
  },
  default: {
    name: 'default',
    runs: 7,
    flood: floodSizes(3),
    floodKinds: ['ws', 'adapter', 'engine-r1', 'engine-r4'],
    floodWarmup: 0.25,
    floodPairs: 100,
    echo: { n: 20_000, warmup: 2_000, size: 64 },
    memory: { conns: 2_000, settleMs: 2_000, keepaliveMs: 1_000, kinds: memoryKinds },
    slow: { durationMs: 10_000, handlerMs: 1, capMiB: 256, kinds: ['ws', 'ws-concurrent', 'engine-r1'] },
    reconnect: { downMs: 3_000, uptimeMs: 1_100, fast, kinds: ['engine-default', 'engine-fast'] },
    idle: IDLE_10K,
    send: { sizes: sendSizes(20_000, 500), window: SEND_WINDOW, pairs: 100 },
    request: { n: 1_000, pairs: 100, ...REQUESTS },
  },
  full: {
    name: 'full',
    runs: 9,
    flood: floodSizes(5),
    floodKinds: ['ws', 'adapter', 'engine-r1', 'engine-r4'],
    floodWarmup: 0.25,
    floodPairs: 150,
    echo: { n: 20_000, warmup: 2_000, size: 64 },
    memory: { conns: 2_000, settleMs: 2_000, keepaliveMs: 1_000, kinds: memoryKinds },
    slow: {
      durationMs: 10_000,
      handlerMs: 1,
      capMiB: 256,
      kinds: ['ws', 'ws-concurrent', 'engine-r1', 'engine-r4'],
    },
    reconnect: { downMs: 5_000, uptimeMs: 1_100, fast, kinds: ['engine-default', 'engine-fast'] },
    idle: IDLE_10K,
    send: { sizes: sendSizes(20_000, 500), window: SEND_WINDOW, pairs: 150 },
    request: { n: 1_000, pairs: 150, ...REQUESTS },
  },
};
