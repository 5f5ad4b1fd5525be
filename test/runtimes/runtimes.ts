// Runs scenario.mjs in other runtimes, each installed from npm into .tmp/runtimes by
// `node scripts/runtimes.mjs install` (CI does it in .ci/run), and turns its report into
// one test per check. A runtime that is not installed is skipped locally with a message
// saying how to install it; in CI (CI set) it fails instead, as the Chromium tests do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageSnapshot, ROOT } from '../bundle/package.js';

/** Where `scripts/runtimes.mjs install` puts the runtimes; WSCENGINE_RUNTIMES overrides it. */
export const RUNTIMES_DIR = process.env.WSCENGINE_RUNTIMES ?? join(ROOT, '.tmp', 'runtimes');
const SCENARIO = fileURLToPath(new URL('./scenario.mjs', import.meta.url));
const INSTALL = 'node scripts/runtimes.mjs install';
/** How long a whole scenario may take before its process is killed. */
const SCENARIO_TIMEOUT_MS = 45_000;
/** How long the process may live on after its last line (it should exit at once). */
const EXIT_GRACE_MS = 5_000;

/** A runtime binary and the arguments that run a script in it. */
export interface Runtime {
  name: string;
  /** Candidate paths of the binary, the first that exists is used. */
  binaries: string[];
  args(script: string, scriptArgs: string[]): string[];
}

const modules = (...path: string[]) => join(RUNTIMES_DIR, 'node_modules', ...path);

export const NODE20: Runtime = {
  name: `Node ${process.versions.node} (the test runner's)`,
  binaries: [process.execPath],
  args: (script, rest) => [script, ...rest],
};

export const NODE22: Runtime = {
  name: 'Node 22',
  binaries: [modules('node22', 'bin', 'node')],
  args: (script, rest) => [script, ...rest],
};

export const DENO: Runtime = {
  name: 'Deno',
  binaries: [modules('@deno', 'linux-x64-glibc', 'deno'), modules('deno', 'bin', 'deno')],
  // --allow-net is all the WHATWG adapter needs; the ws adapter's `ws` reads two env vars
  // (WS_NO_BUFFER_UTIL, WS_NO_UTF_8_VALIDATE). Read, env and run are for this harness: the
  // dynamic import of the build and the Node server child (Deno's spawn reads the env).
  args: (script, rest) => [
    'run',
    '--node-modules-dir=manual',
    '--allow-net=127.0.0.1',
    `--allow-read=${ROOT}`,
    '--allow-env',
    `--allow-run=${process.execPath}`,
    script,
    ...rest,
  ],
};

export const BUN: Runtime = {
  name: 'Bun',
  binaries: [modules('bun', 'bin', 'bun.exe'), modules('@oven', 'bun-linux-x64', 'bin', 'bun')],
  args: (script, rest) => [script, ...rest],
};

/** One line of the scenario's report. */
interface CheckLine {
  check: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** What one run of the scenario printed, and how its process ended. */
interface ScenarioRun {
  header: { runtime: string; adapter: string; via: string } | undefined;
  checks: Map<string, CheckLine>;
  /** ms between the last line and the process's exit; `undefined` if it never got there or was killed. */
  exitAfterMs: number | undefined;
  exitCode: number | null;
  stderr: string;
}

function runScenario(binary: string, runtime: Runtime, adapter: Adapter, esm: string): Promise<ScenarioRun> {
  const run: ScenarioRun = {
    header: undefined,
    checks: new Map(),
    exitAfterMs: undefined,
    exitCode: null,
    stderr: '',
  };
  const child = spawn(binary, runtime.args(SCENARIO, [adapter, esm, process.execPath]), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  // The whole scenario's budget until its last line, then a short grace to exit on its own.
  let timer = setTimeout(kill, SCENARIO_TIMEOUT_MS);
  let doneAt: number | undefined;
  const onLine = (line: string) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch {
      run.stderr += `(stdout) ${line}\n`;
      return;
    }
    if (event.runtime) run.header = event as ScenarioRun['header'];
    else if (event.check) run.checks.set(event.check as string, event as unknown as CheckLine);
    else if (event.done) {
      doneAt = performance.now();
      clearTimeout(timer);
      timer = setTimeout(kill, EXIT_GRACE_MS);
    }
  };
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    run.stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      run.exitCode = code;
      if (doneAt !== undefined && signal === null) run.exitAfterMs = performance.now() - doneAt;
      resolve(run);
    });
  });
}

/** The adapters a runtime runs the scenario with. */
export type Adapter = 'ws' | 'whatwg';

/** Each check of scenario.mjs; its test is titled `<check>: <title>` (the README's table names the checks). */
const CHECKS: [check: string, title: (adapter: Adapter) => string][] = [
  ['connect', () => 'connects: start() resolves, onOpen gets a session id'],
  ['echo-text', () => 'echoes a text message'],
  ['echo-binary', () => 'echoes a binary message'],
  ['close-4001', () => 'passes a 4001 close from the server through to onClose, then reconnects'],
  ['reconnect', () => 'reads a killed server as 1006 and reconnects once it is back'],
  [
    'keepalive',
    (adapter) =>
      `finds a server that stopped answering (${adapter === 'ws' ? 'ping' : 'heartbeat message'}) and reconnects`,
  ],
  ['stop', () => 'stops cleanly: the server sees "Going away", engine.closed says stop'],
];

function located(runtime: Runtime): string | undefined {
  return runtime.binaries.find((path) => existsSync(path));
}

/**
 * One suite per adapter: the scenario runs once in `before`, and each check is a test.
 * Skipped, saying how to install the runtime, when its binary is missing (outside CI).
 */
export function describeRuntime(runtime: Runtime, adapters: Adapter[]): void {
  const binary = located(runtime);
  const missing = `${runtime.name} not installed (${INSTALL} puts it in ${RUNTIMES_DIR})`;
  const skip = binary === undefined && !process.env.CI ? missing : false;
  describe(`${runtime.name}`, { skip }, () => {
    for (const adapter of adapters) {
      describe(`${adapter} adapter`, () => {
        let run: ScenarioRun;
        before(async () => {
          assert.ok(binary, `${missing}; CI is set, so this fails instead of skipping`);
          run = await runScenario(binary, runtime, adapter, (await packageSnapshot()).esm);
        });

        it('runs the scenario', (t) => {
          assert.ok(run.header, `the scenario printed nothing:\n${run.stderr}`);
          t.diagnostic(`${run.header.runtime}, ${adapter} adapter over ${run.header.via}`);
        });

        for (const [check, title] of CHECKS) {
          it(`${check}: ${title(adapter)}`, () => {
            const line = run.checks.get(check);
            assert.ok(line, `no result for ${check} (exit ${run.exitCode}):\n${run.stderr}`);
            assert.ok(line.ok, line.error);
          });
        }

        it('exit: leaves nothing behind, the process exits on its own after stop', () => {
          assert.ok(
            run.exitAfterMs !== undefined,
            `still running ${EXIT_GRACE_MS} ms after its last line, or killed (exit ${run.exitCode}):\n${run.stderr}`,
          );
          assert.equal(run.exitCode, 0, run.stderr);
        });
      });
    }
  });
}
