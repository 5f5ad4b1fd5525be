// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with plain tsc, so `import` and
// `require` both work on Node 20 and each half ships its own .d.ts next to its .js.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
const run = (project, ...args) =>
  execFileSync(process.execPath, [tsc, '-p', project, ...args], { stdio: 'inherit' });
run('tsconfig.build.json', '--outDir', 'dist/esm');
// The command (src/cli, the package's `bin`) is ES modules only: no require() reaches it.
const cjs = ['--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10'];
run('tsconfig.build.cjs.json', ...cjs);
// npm marks `bin` files executable on install; a checkout runs the built file directly too.
chmodSync('dist/esm/cli/main.js', 0o755);
// The package is "type": "module"; mark each half so Node and TypeScript read it right.
for (const [dir, type] of [
  ['dist/esm', 'module'],
  ['dist/cjs', 'commonjs'],
]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
}
// tsc declares a class with #private members as `#private;`, which a consumer compiling
// for ES5 rejects (TS18028) unless it skips lib checks. The marker only makes the class
// nominal; without it the declarations type-check for every target.
for (const dir of ['dist/esm', 'dist/cjs']) {
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.d.ts')) continue;
    const path = `${dir}/${file}`;
    const text = readFileSync(path, 'utf8');
    const stripped = text.replace(/^ +#private;\n/gm, '');
    if (stripped !== text) writeFileSync(path, stripped);
  }
}
console.log('build: dist/esm and dist/cjs written');
