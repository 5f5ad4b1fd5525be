// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with plain tsc, so `import` and
// `require` both work on Node 20 and each half ships its own .d.ts next to its .js.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
const run = (...args) =>
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...args], { stdio: 'inherit' });
run('--outDir', 'dist/esm');
run('--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10');
// The package is "type": "module"; mark each half so Node and TypeScript read it right.
for (const [dir, type] of [
  ['dist/esm', 'module'],
  ['dist/cjs', 'commonjs'],
]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
}
console.log('build: dist/esm and dist/cjs written');
