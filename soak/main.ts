// `npm run soak [-- --quick] [-- --seed=N] [-- --sessions=N]`: engines against a sequencing
// ws server behind the fault proxy, over the ws adapter then the WHATWG adapter (undici),
// with a random fault every few hundred ms and stop() at random moments. Prints one table
// and exits 1 if any check failed. See docs/reliability.md.
import { runPhase } from './phase.js';
import { phases } from './phases.js';
import type { Report } from './report.js';
import { table } from './report.js';

interface Args {
  quick: boolean;
  seed: number;
  sessions: number;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const seed = value('seed') === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(value('seed'));
  const sessions = value('sessions') === undefined ? (quick ? 300 : 1_000) : Number(value('sessions'));
  for (const [name, n] of [
    ['seed', seed],
    ['sessions', sessions],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`soak: --${name} must be an integer >= 0`);
  }
  return { quick, seed, sessions };
}

/** Watches the process for unhandled rejections and warnings, charged to the phase running. */
function watchProcess(current: () => Report | undefined): () => void {
  const onRejection = (reason: unknown) =>
    current()?.violation('no unhandled rejection', String((reason as Error)?.stack ?? reason));
  const onWarning = (warning: Error) =>
    current()?.violation('no warning', `${warning.name}: ${warning.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('warning', onWarning);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('warning', onWarning);
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const mode = args.quick ? '--quick' : 'full';
  console.log(
    `soak: ${mode}, ${args.sessions} sessions per adapter, seed ${args.seed} (replay: npm run soak -- --seed=${args.seed}${args.quick ? ' --quick' : ''})`,
  );
  console.log(
    `soak: ${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch}`,
  );
  let running: Report | undefined;
  const unwatch = watchProcess(() => running);
  const reports: Report[] = [];
  const started = performance.now();
  // A short warm-up per adapter first, so the heap measured holds no one-time compiled code.
  const onStart = (report: Report) => {
    running = report;
  };
  for (const phase of phases(args.seed + 1_000, 30)) {
    const warmUp = await runPhase({ ...phase, name: `warm-up ${phase.name}`, onStart });
    if (warmUp.failed > 0) reports.push(warmUp);
  }
  for (const phase of phases(args.seed, args.sessions)) {
    console.log(`soak: ${phase.name}...`);
    reports.push(await runPhase({ ...phase, onStart }));
  }
  unwatch();
  console.log('');
  console.log(table(reports));
  console.log('');
  const examples = reports.flatMap((r) => r.examples);
  for (const example of examples) console.log(`  ${example}`);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  console.log(
    `soak: ${failed === 0 ? 'PASS' : `FAIL (${failed} violations)`} in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${args.seed}`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
