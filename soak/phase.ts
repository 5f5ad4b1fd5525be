import { setTimeout as sleep } from 'node:timers/promises';
import { type KeepaliveOptions, type WebSocketConnectionAdapter, WebSocketEngine } from '../src/index.js';
import { type FaultProxy, startFaultProxy } from '../src/testing/node/index.js';
import { type Random, random } from './random.js';
import { Report } from './report.js';
import { leftAfter, resources } from './resources.js';
import { HEARTBEAT, SoakServer } from './server.js';
import { EngineTracker, type StopMoment } from './tracker.js';

/** One phase of a soak: one adapter, its own server and proxy, checked on its own. */
export interface PhaseOptions {
  name: string;
  createAdapter(): WebSocketConnectionAdapter;
  /** The adapter cannot ping: keepalive uses an application heartbeat. */
  heartbeat: boolean;
  /** Sessions to open before the phase ends. */
  sessions: number;
  seed: number;
  /** Engines running at once. Default 12. */
  engines?: number;
  /** The adapter's close timeout, which bounds a stop() on a dead link. */
  closeTimeoutMs: number;
  /** The phase ends here even short of `sessions` (reported). Default 10 minutes. */
  maxDurationMs?: number;
  /** Told the phase's report as it starts (to charge process-wide events to it). */
  onStart?(report: Report): void;
}

const KEEPALIVE = { intervalMs: 150, timeoutMs: 150 };
/** Room for a loaded event loop (2 shared cores, a server and a proxy in the same process). */
const MARGIN_MS = 600;
const HALF_OPEN_BOUND_MS = 2 * KEEPALIVE.intervalMs + KEEPALIVE.timeoutMs + MARGIN_MS;
const MOMENTS: readonly StopMoment[] = ['handshake', 'onOpen', 'onMessage', 'backoff', 'onClose', 'timer'];

/** Fault kinds and their weights. */
const FAULTS: readonly [string, number][] = [
  ['reset', 2],
  ['reset next', 1],
  ['cut', 2],
  ['cut next', 1],
  ['stall next', 1],
  ['stall all', 0.5],
  ['throttle', 1],
  ['closeAfter', 1.5],
  ['closeAfter next', 0.5],
  ['server close 1000', 2],
  ['server close 4000', 0.5],
  ['server drop', 1],
];

/** Heap in use after full garbage collections, or undefined without --expose-gc. */
export async function settledHeap(): Promise<number | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(10);
  }
  return process.memoryUsage().heapUsed;
}

/** Runs one phase and returns its report. */
export async function runPhase(options: PhaseOptions): Promise<Report> {
  const report = new Report(options.name, HALF_OPEN_BOUND_MS, options.closeTimeoutMs + 1_000);
  options.onStart?.(report);
  const baseline = resources();
  const heapBefore = await settledHeap();
  const started = performance.now();
  const server = await SoakServer.start(random(options.seed + 1).next);
  const proxy = await startFaultProxy({ target: server.url });
  const run = new PhaseRun(options, report, server, proxy);
  await run.run();
  await proxy.close();
  await server.close();
  report.durationMs = performance.now() - started;
  // Late callbacks (after a stop resolved) would show up now.
  await sleep(200);
  report.handlesLeft = await leftAfter(baseline, 3_000);
  if (report.handlesLeft.length > 0)
    report.violation('handles back at baseline', report.handlesLeft.join(', '));
  const heapAfter = await settledHeap();
  if (heapBefore !== undefined && heapAfter !== undefined) {
    report.heapGrowthBytes = heapAfter - heapBefore;
    if (report.heapGrowthBytes >= 10 * 1024 * 1024) {
      report.violation('heap growth < 10 MiB', `${(report.heapGrowthBytes / 1048576).toFixed(1)} MiB`);
    }
  }
  return report;
}

class PhaseRun {
  private readonly active = new Set<EngineTracker>();
  private readonly deadline: number;

  constructor(
    private readonly options: PhaseOptions,
    private readonly report: Report,
    private readonly server: SoakServer,
    private readonly proxy: FaultProxy,
  ) {
    this.deadline = performance.now() + (options.maxDurationMs ?? 600_000);
  }

  private get done(): boolean {
    return this.report.sessions >= this.options.sessions || performance.now() > this.deadline;
  }

  async run(): Promise<void> {
    const engines = this.options.engines ?? 12;
    const faults = this.injectFaults(random(this.options.seed + 2));
    await Promise.all(Array.from({ length: engines }, (_, i) => this.slot(i)));
    await faults;
    if (this.report.sessions < this.options.sessions) {
      this.report.count(`time out before ${this.options.sessions} sessions`);
    }
  }

  /** One engine after another, each stopped at a planned moment, until the phase is done. */
  private async slot(index: number): Promise<void> {
    const r = random(this.options.seed * 1_000 + 10 + index);
    while (!this.done) await this.lifetime(r, index % 2 === 0);
  }

  private async lifetime(r: Random, ordered: boolean): Promise<void> {
    const { report } = this;
    const moment = r.pick(MOMENTS);
    let stopping: Promise<void> | undefined;
    let engine: WebSocketEngine | undefined;
    let stoppedAt = '';
    const tracker = new EngineTracker(report, ordered, HALF_OPEN_BOUND_MS, (m) => stop(m));
    const stop = (m: StopMoment | 'after a failed start' | 'fallback') => {
      if (stopping || !engine) return;
      stoppedAt = m;
      tracker.armed = undefined;
      const t0 = performance.now();
      stopping = engine
        .stop()
        .then(
          () => report.stopped(m, performance.now() - t0),
          (error: unknown) => report.violation('stop() within its bound', `${m}: ${String(error)}`),
        )
        .finally(() => {
          tracker.stopped = true;
        });
    };
    engine = new WebSocketEngine({
      url: this.proxy.url,
      adapter: this.options.createAdapter(),
      client: tracker.client,
      readers: ordered ? 1 : 3,
      reconnect: { initialDelayMs: 20, maxDelayMs: 300, minUptimeMs: 50 },
      openTimeoutMs: 1_000,
      stopTimeoutMs: 5_000,
      keepalive: this.keepalive(),
    });
    report.engines++;
    this.active.add(tracker);
    const started = engine.start().then(
      () => true,
      () => {
        report.count('start() rejected');
        return false;
      },
    );
    if (moment === 'handshake') {
      await sleep(r.next() * 20);
      stop('handshake');
    } else if (!(await started)) {
      stop('after a failed start');
    } else {
      await sleep(300 + r.next() * 2_700);
      if (moment === 'timer') stop('timer');
      else {
        tracker.armed = moment;
        await sleep(1_000);
        stop('fallback');
      }
    }
    await started;
    await stopping;
    this.active.delete(tracker);
    if (tracker.opens !== tracker.closes) {
      report.violation(
        'one onOpen/onClose per session',
        `${tracker.opens} onOpen, ${tracker.closes} onClose; stop at ${stoppedAt}; last: ${tracker.log.join(' ')}`,
      );
    }
  }

  private keepalive(): KeepaliveOptions {
    if (!this.options.heartbeat) return KEEPALIVE;
    const heartbeat = { message: HEARTBEAT, isReply: (m: { data: unknown }) => m.data === HEARTBEAT };
    return { ...KEEPALIVE, heartbeat } as KeepaliveOptions;
  }

  /** A random fault every 100-400 ms until the phase is done. */
  private async injectFaults(r: Random): Promise<void> {
    const { proxy, server, report } = this;
    while (!this.done) {
      await sleep(100 + r.next() * 300);
      if (this.done) break;
      const kind = r.weighted(FAULTS);
      report.fault(kind);
      switch (kind) {
        case 'reset':
          proxy.reset();
          break;
        case 'reset next':
          proxy.reset({ next: true });
          break;
        case 'cut': {
          const at = performance.now();
          for (const tracker of this.active) tracker.cut(at);
          proxy.cut();
          break;
        }
        case 'cut next':
          proxy.cut({ next: true });
          break;
        case 'stall next':
          proxy.stall({ next: true });
          break;
        case 'stall all':
          proxy.stall();
          await sleep(100 + r.next() * 400);
          proxy.heal();
          break;
        case 'throttle':
          proxy.throttle(4_096 + Math.floor(r.next() * 60_000));
          await sleep(200 + r.next() * 400);
          proxy.heal();
          break;
        case 'closeAfter':
          proxy.closeAfter(Math.floor(r.next() * 4_000));
          break;
        case 'closeAfter next':
          proxy.closeAfter(Math.floor(r.next() * 600), { next: true });
          break;
        case 'server close 1000':
          server.closeOne(1000);
          break;
        case 'server close 4000':
          server.closeOne(4000 + Math.floor(r.next() * 1000));
          break;
        case 'server drop':
          server.dropOne();
          break;
      }
    }
    proxy.heal();
  }
}
