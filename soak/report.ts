/** The checks a soak run makes; each row of the table says how many times one failed. */
export const CHECKS = [
  'one onOpen/onClose per session',
  'no callback after stop()',
  'messages once, in order, no gap',
  'clean close delivers everything',
  'half-open found in time',
  'stop() within its bound',
  'handles back at baseline',
  'heap growth < 10 MiB',
  'no unhandled rejection',
  'no warning',
] as const;

export type Check = (typeof CHECKS)[number];

/** What one phase (one adapter) of a soak saw. */
export class Report {
  sessions = 0;
  messages = 0;
  cleanCloses = 0;
  engines = 0;
  readonly faults = new Map<string, number>();
  readonly stops = new Map<string, number>();
  readonly counters = new Map<string, number>();
  readonly violations = new Map<Check, number>();
  /** The first few violations, word for word. */
  readonly examples: string[] = [];
  halfOpenMaxMs = 0;
  halfOpenCount = 0;
  stopMaxMs = 0;
  heapGrowthBytes: number | undefined;
  handlesLeft: string[] = [];
  durationMs = 0;

  constructor(
    readonly name: string,
    readonly halfOpenBoundMs: number,
    readonly stopBoundMs: number,
  ) {}

  violation(check: Check, detail: string): void {
    this.violations.set(check, (this.violations.get(check) ?? 0) + 1);
    if (this.examples.length < 10) this.examples.push(`${this.name}: ${check}: ${detail}`);
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  fault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  stopped(moment: string, ms: number): void {
    this.stops.set(moment, (this.stops.get(moment) ?? 0) + 1);
    this.stopMaxMs = Math.max(this.stopMaxMs, ms);
    if (ms > this.stopBoundMs) this.violation('stop() within its bound', `${moment}: ${Math.round(ms)} ms`);
  }

  halfOpen(ms: number): void {
    this.halfOpenCount++;
    this.halfOpenMaxMs = Math.max(this.halfOpenMaxMs, ms);
  }

  get failed(): number {
    let total = 0;
    for (const n of this.violations.values()) total += n;
    return total;
  }
}

const list = (map: Map<string, number>) =>
  [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const mib = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a (run with --expose-gc)' : `${(bytes / 1048576).toFixed(2)} MiB`;

/** One Markdown table, a column per phase. */
export function table(reports: Report[]): string {
  const rows: [string, (r: Report) => string][] = [
    ['sessions (engines)', (r) => `${r.sessions} (${r.engines})`],
    ['messages delivered', (r) => String(r.messages)],
    ['faults injected', (r) => list(r.faults)],
    ['stop() called at', (r) => list(r.stops)],
    ['other events', (r) => list(r.counters)],
    ['clean closes checked', (r) => String(r.cleanCloses)],
    [
      'half-open found: max / bound',
      (r) => `${Math.round(r.halfOpenMaxMs)} / ${r.halfOpenBoundMs} ms (${r.halfOpenCount} cut sessions)`,
    ],
    ['stop(): max / bound', (r) => `${Math.round(r.stopMaxMs)} / ${r.stopBoundMs} ms`],
    ['heap growth after gc', (r) => mib(r.heapGrowthBytes)],
    ...CHECKS.map((check): [string, (r: Report) => string] => [
      `check: ${check}`,
      (r) => {
        const n = r.violations.get(check) ?? 0;
        return n === 0 ? 'ok' : `FAILED ${n}`;
      },
    ]),
    ['duration', (r) => `${(r.durationMs / 1000).toFixed(1)} s`],
    ['result', (r) => (r.failed === 0 ? 'PASS' : `FAIL (${r.failed})`)],
  ];
  const header = ['', ...reports.map((r) => r.name)];
  const body = rows.map(([label, cell]) => [label, ...reports.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length), 3));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
