// The package as a user installs it: `node_modules/wscengine` with its package.json (the
// "exports" map, "sideEffects") and dist/esm built by tsc with tsconfig.build.json, as
// `npm run build` builds it. Built under .tmp/, keyed by a hash of the sources, rather
// than read from dist/: a concurrent `npm run build` empties dist/ while it runs, and a
// dist/ older than the sources would be measured without anyone noticing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(ROOT, '.tmp', 'package');
const INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Where the snapshot is: `root` holds `node_modules/wscengine`, which is `dir`. */
export interface PackageSnapshot {
  /** A folder from which `wscengine` resolves as an installed package. */
  root: string;
  /** The package folder (`<root>/node_modules/wscengine`). */
  dir: string;
  /** Its dist/esm. */
  esm: string;
}

let pending: Promise<PackageSnapshot> | undefined;

/** The snapshot of the current sources, built on first use and shared by later test files. */
export function packageSnapshot(): Promise<PackageSnapshot> {
  pending ??= build();
  return pending;
}

async function build(): Promise<PackageSnapshot> {
  const root = join(CACHE, await sourceHash());
  const snapshot = { root, dir: join(root, 'node_modules', 'wscengine') } as PackageSnapshot;
  snapshot.esm = join(snapshot.dir, 'dist', 'esm');
  if (existsSync(join(root, 'package.json'))) return snapshot;
  const work = `${root}.${process.pid}.${Date.now()}`;
  const dir = join(work, 'node_modules', 'wscengine');
  await mkdir(dir, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const outDir = join(dir, 'dist', 'esm');
  const args = [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--declaration', 'false'];
  // tsc emits even when other files fail to type-check; the typecheck step reports those.
  await promisify(execFile)(process.execPath, [...args, '--sourceMap', 'false'], { cwd: ROOT }).catch(
    (error: { stdout?: string }) => {
      if (!existsSync(join(outDir, 'index.js'))) throw new Error(`tsc emitted nothing:\n${error.stdout}`);
    },
  );
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
  await cp(join(ROOT, 'LICENSE'), join(dir, 'LICENSE')).catch(() => {});
  // A package of its own, without a name: otherwise `import 'wscengine'` from here would
  // self-reference the checkout (the nearest package.json up the tree is this repository's,
  // named wscengine) and resolve to its dist/, whatever that holds, not to this snapshot.
  await writeFile(join(work, 'package.json'), `${JSON.stringify({ private: true, type: 'module' })}\n`);
  // Another test process may have built the same sources meanwhile: the first rename wins.
  await rename(work, root).catch(() => rm(work, { recursive: true, force: true }));
  await prune(root);
  return snapshot;
}

async function sourceHash(): Promise<string> {
  // The layout's version: a snapshot of another layout is never taken for this one.
  const hash = createHash('sha256').update('layout 2\0');
  const files = [...INPUTS, ...(await filesUnder(join(ROOT, 'src')))];
  for (const file of files) {
    hash.update(`${relative(ROOT, join(ROOT, file))}\0`);
    hash.update(await readFile(join(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(relative(ROOT, path));
  }
  return out;
}

/** Drops snapshots of older sources (more than an hour old), keeping `current`. */
async function prune(current: string): Promise<void> {
  for (const name of await readdir(CACHE).catch(() => [] as string[])) {
    const path = join(CACHE, name);
    if (path === current) continue;
    const { mtimeMs } = await stat(path);
    if (Date.now() - mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true });
  }
}
