// What a TypeScript or command-line consumer of the tarball gets: types for every subpath
// under the old `moduleResolution: node10` (through "typesVersions"), the ws adapter typed
// by @types/ws (a dependency: the adapter's public types are written in ws's), and a
// `wscengine` command that works. Packed from this checkout's dist/ (npm test builds first),
// like pack.test.ts; a file of its own, so each stays within the runner's time per file.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Every subpath of "exports", as a user imports it. */
const specifiers = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

describe('what a TypeScript or command-line consumer gets', { timeout: 240_000 }, () => {
  let project = '';
  before(() => {
    project = mkdtempSync(join(tmpdir(), 'wscengine-consumer-'));
    const packed = npm(['pack', '--ignore-scripts', '--pack-destination', project, '--json'], root);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The optional peer too, from this checkout: wscengine/otel's types need it.
    const [otel] = JSON.parse(
      npm(['pack', join(root, 'node_modules/@opentelemetry/api'), '--json'], project),
    );
    npm(['install', JSON.parse(packed)[0].filename, otel.filename, '--ignore-scripts'], project);
  });
  after(() => project && rmSync(project, { recursive: true, force: true }));

  it('types resolve for every subpath under moduleResolution node10 (typesVersions); the ws adapter is typed by @types/ws, a dependency', () => {
    const options = readFileSync(
      join(project, 'node_modules/wscengine/dist/esm/adapters/ws/options.d.ts'),
      'utf8',
    );
    assert.match(options, /from 'ws'/, 'WsAdapterOptions is written in terms of ws types');
    assert.ok(
      existsSync(join(project, 'node_modules/@types/ws/index.d.ts')),
      '@types/ws came with wscengine',
    );
    const dir = join(project, 'node10');
    mkdirSync(dir, { recursive: true });
    // Each subpath's module, whatever it exports.
    const imports = specifiers.map((s, i) => `import * as n${i} from '${s}';\nvoid n${i};`);
    writeFileSync(
      join(dir, 'check.ts'),
      `${imports.join('\n')}
import { WsAdapter } from 'wscengine/adapters/ws';
new WsAdapter({ handshakeTimeout: 5_000, rejectUnauthorized: false, maxPayload: 1024, headers: { a: 'b' } });
// ws's options are typed, not \`any\`:
// @ts-expect-error a string is no timeout
new WsAdapter({ handshakeTimeout: 'soon' });
`,
    );
    const compilerOptions = {
      module: 'CommonJS',
      moduleResolution: 'node10',
      strict: true,
      noEmit: true,
      // TypeScript's defaults: the ws adapter's types import `ws` (an `export =` module) by
      // name, which needs no interop and no skipped library checks.
      esModuleInterop: false,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch (error) {
      assert.fail(`tsc (node10) failed:\n${(error as { stdout?: string }).stdout}`);
    }
  });

  it('the installed wscengine command runs: echo-server, and connect --once against it', async () => {
    const bin = join(project, 'node_modules', '.bin', 'wscengine');
    const server = spawn(bin, ['echo-server', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(server.stdout.setEncoding('utf8'), 'data')) as [string];
      const url = /listening on (ws:\/\/\S+)/.exec(line)?.[1];
      assert.ok(url, line);
      const reply = execFileSync(bin, ['connect', url, '--once', '--quiet'], {
        input: 'hello from the tarball\n',
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(reply, 'hello from the tarball\n');
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  });
});
