// A fresh clone packs a complete package: `npm ci` then `npm pack` in a clone with no
// dist/ must run `prepack` (the build) and ship dist/ for every subpath of "exports", the
// command, the types and the LICENSE; the tarball then installs into an empty folder and
// every subpath loads with import() and require(), and the command runs.
// In CI the tree is clean and this is a `git clone`; with uncommitted work it is a copy of
// the files git sees (tracked, and untracked but not ignored), so the check covers them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');
const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
/** The JSON `npm ... --json` printed after whatever its lifecycle scripts printed. */
const lastJson = (output: string) => JSON.parse(output.slice(output.search(/^[[{]\s*$/m)));

function freshClone(into: string): void {
  if (git(['status', '--porcelain']).trim() === '') {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, into]);
    return;
  }
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(root, file), join(into, file));
  }
}

interface Export {
  import: Record<string, string>;
  require: Record<string, string>;
}

describe('npm pack from a fresh clone', { timeout: 240_000 }, () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const subpaths = Object.entries<Export | string>(pkg.exports).filter(
    (entry): entry is [string, Export] => typeof entry[1] !== 'string',
  );
  const specifier = (key: string) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`);
  let work = '';
  let project = '';
  let files = new Set<string>();
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'wscengine-clone-'));
    const clone = join(work, 'clone');
    freshClone(clone);
    assert.equal(existsSync(join(clone, 'dist')), false, 'a fresh clone has no dist/');
    npm(['ci', '--ignore-scripts', '--prefer-offline'], clone);
    const [packed] = lastJson(npm(['pack', '--pack-destination', work, '--json'], clone));
    files = new Set(packed.files.map((f: { path: string }) => f.path));
    project = join(work, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The optional peer too, from this checkout: wscengine/otel loads with it.
    const [otel] = lastJson(npm(['pack', join(root, 'node_modules/@opentelemetry/api'), '--json'], work));
    npm(['install', join(work, packed.filename), join(work, otel.filename), '--ignore-scripts'], project);
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  it('prepack built dist/: the tarball holds ESM, CJS and types of every subpath, and the LICENSE', () => {
    assert.ok(files.has('LICENSE'));
    assert.ok(files.has('dist/esm/cli/main.js'), 'the command');
    for (const [key, target] of subpaths)
      for (const file of [...Object.values(target.import), ...Object.values(target.require)])
        assert.ok(files.has(file.replace(/^\.\//, '')), `${key}: ${file}`);
  });

  it('every subpath loads with import() and require() from the installed tarball', () => {
    const names = JSON.stringify(subpaths.map(([key]) => specifier(key)));
    const check = `for (const name of ${names}) { const m = await load(name); if (!Object.keys(m).length) throw new Error(name + ' is empty'); }`;
    writeFileSync(join(project, 'esm.mjs'), `const load = (name) => import(name);\n${check}`);
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const load = async (name) => require(name);\n(async () => { ${check} })().catch((e) => { console.error(e); process.exitCode = 1; });`,
    );
    execFileSync(process.execPath, ['esm.mjs'], { cwd: project, stdio: 'pipe' });
    execFileSync(process.execPath, ['cjs.cjs'], { cwd: project, stdio: 'pipe' });
  });

  it('the command runs', () => {
    const bin = join(project, 'node_modules', '.bin', 'wscengine');
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `${pkg.version}\n`);
    assert.match(execFileSync(bin, ['--help'], { encoding: 'utf8' }), /connect/);
  });
});
