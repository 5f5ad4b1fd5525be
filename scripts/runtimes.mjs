// The other runtimes test/runtimes runs the engine in: Deno, Bun and Node 22, each a binary
// shipped in an npm package, installed into .tmp/runtimes (or $WSCENGINE_RUNTIMES) rather
// than as project dependencies, so `npm install` stays light. Nothing is downloaded but npm
// packages; their install scripts are not needed (the binaries are in the packages).
//
//   node scripts/runtimes.mjs install   # npm install --prefix .tmp/runtimes deno bun node22
//   node scripts/runtimes.mjs test      # node scripts/run-tests.mjs test/runtimes
//   node scripts/runtimes.mjs           # both
//
// Without them, test/runtimes skips Deno, Bun and Node 22 with a message (and fails in CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const DIR = process.env.WSCENGINE_RUNTIMES ?? join(ROOT, '.tmp', 'runtimes');
// Node publishes its binaries as node-<os>-<arch> (os: linux, darwin, win).
const nodeOs = process.platform === 'win32' ? 'win' : process.platform;
const PACKAGES = ['deno@^2', 'bun@^1', `node22@npm:node-${nodeOs}-${process.arch}@^22`];

function run(command, args) {
  console.error(`runtimes: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function install() {
  mkdirSync(DIR, { recursive: true });
  run('npm', ['install', '--prefix', DIR, '--no-save', '--no-audit', '--no-fund', ...PACKAGES]);
}

function test() {
  run(process.execPath, [join(ROOT, 'scripts', 'run-tests.mjs'), 'test/runtimes']);
}

const command = process.argv[2] ?? 'all';
if (command === 'install') install();
else if (command === 'test') test();
else if (command === 'all') {
  install();
  test();
} else {
  console.error('usage: node scripts/runtimes.mjs [install|test]');
  process.exit(2);
}
