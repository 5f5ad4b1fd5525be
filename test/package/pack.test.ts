// The published tarball, installed in an empty project, must load every subpath with both
// `import` and `require`, with types resolvable by TypeScript. Packed from this checkout's
// dist/ (npm test builds first; --ignore-scripts, so that `prepack` does not rebuild dist/
// under the tests running beside this one); fresh-clone.test.ts checks that a fresh clone
// packs a complete dist/ by itself. `@opentelemetry/api` is an optional peer
// dependency: everything but `wscengine/otel` must work without it, so the consumer project
// first has it not installed, then installed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');
const OTEL = 'wscengine/otel';
const subpaths: Record<string, string[]> = {
  wscengine: ['MessageType', 'StatusCode', 'WebSocketCloseError', 'ConnectionClosedError', 'HandshakeError'],
  'wscengine/adapters/ws': ['WsAdapter'],
  'wscengine/adapters/whatwg': ['WhatwgWebSocketAdapter'],
  'wscengine/testing': [
    'WebSocketConnectionAdapterMock',
    'WebSocketClientMock',
    'createInMemoryPair',
    'FakeClock',
    'describeAdapterConformance',
  ],
  'wscengine/testing/node': ['startEchoServer', 'startWsPeer', 'startFaultProxy'],
  [OTEL]: ['openTelemetry', 'SpanName', 'Attr', 'MetricName', 'redactUrl'],
};
const withoutOtel = Object.keys(subpaths).filter((specifier) => specifier !== OTEL);
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
/** The JSON `npm ... --json` printed after whatever its lifecycle scripts printed. */
const lastJson = (output: string) => JSON.parse(output.slice(output.search(/^[[{]\s*$/m)));

interface PackedFile {
  path: string;
  mode: number;
}

describe('npm pack', { timeout: 240_000 }, () => {
  let project = '';
  let manifest: { files: PackedFile[] } = { files: [] };
  before(() => {
    project = mkdtempSync(join(tmpdir(), 'wscengine-pack-'));
    const packed = lastJson(npm(['pack', '--ignore-scripts', '--pack-destination', project, '--json'], root));
    manifest = packed[0];
    const tarball = join(project, packed[0].filename);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    npm(['install', tarball, '--ignore-scripts'], project);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  /** Imports `specifier` with import() and require() in the consumer project, checking `names`. */
  function load(specifier: string, names: string[]): void {
    const probe = `const names = ${JSON.stringify(names)};
      const check = (how, m) => { for (const n of names) if (m[n] === undefined) throw new Error(how + ' lacks ' + n); };`;
    writeFileSync(join(project, 'esm.mjs'), `${probe} check('import', await import('${specifier}'));`);
    writeFileSync(join(project, 'cjs.cjs'), `${probe} check('require', require('${specifier}'));`);
    execFileSync(process.execPath, ['esm.mjs'], { cwd: project });
    execFileSync(process.execPath, ['cjs.cjs'], { cwd: project });
  }

  /** Type-checks an import of each of `specifiers` under NodeNext, from ESM and CJS. */
  function typecheck(specifiers: string[]): void {
    const imports = specifiers
      .map((s, i) => `import { ${subpaths[s][0]} as n${i} } from '${s}'; void n${i};`)
      .join('\n');
    writeFileSync(join(project, 'check.mts'), imports);
    writeFileSync(join(project, 'check.cts'), imports);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['check.mts', 'check.cts'],
      }),
    );
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
        cwd: project,
        encoding: 'utf8',
      });
    } catch (error) {
      assert.fail(`tsc in the consumer project failed:\n${(error as { stdout?: string }).stdout}`);
    }
  }

  it('installs the wscengine command (bin), executable, ES modules only', () => {
    const bin = manifest.files.find((f) => f.path === 'dist/esm/cli/main.js');
    assert.ok(bin, 'dist/esm/cli/main.js is in the tarball');
    assert.equal(bin.mode & 0o111, 0o111, 'and executable');
    assert.ok(!manifest.files.some((f) => f.path.startsWith('dist/cjs/cli/')));
    const installed = join(project, 'node_modules', '.bin', 'wscengine');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(execFileSync(installed, ['--version'], { encoding: 'utf8' }), `${version}\n`);
  });

  it('ships only dist, src, docs, README and package.json', () => {
    const files: string[] = manifest.files.map((f) => f.path);
    for (const file of files)
      assert.match(file, /^(dist\/|src\/|docs\/|README\.md$|package\.json$|LICENSE$)/);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('bench/')));
  });

  describe('without @opentelemetry/api (an optional peer dependency)', () => {
    it('npm does not install the optional peer', () => {
      assert.equal(existsSync(join(project, 'node_modules/@opentelemetry/api')), false);
    });

    for (const specifier of withoutOtel) {
      const names = subpaths[specifier];
      it(`${specifier} loads with import() and require(), exporting ${names.join(', ')}`, () => {
        load(specifier, names);
      });
    }

    it('core entry imports nothing Node-specific and loads neither ws nor OpenTelemetry', () => {
      const script = `require('wscengine'); const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](ws|@opentelemetry)[\\\\/]|[\\\\/]dist[\\\\/]cjs[\\\\/]otel[\\\\/]/.test(k)); if (loaded.length) throw new Error('loaded: ' + loaded[0]);`;
      writeFileSync(join(project, 'core.cjs'), script);
      execFileSync(process.execPath, ['core.cjs'], { cwd: project });
      const core = readFileSync(join(project, 'node_modules/wscengine/dist/esm/index.js'), 'utf8');
      assert.doesNotMatch(core, /from ['"](node:|ws['"])/);
      assert.doesNotMatch(core, /from ['"][^'"]*(\/otel\/|@opentelemetry)/);
    });

    it(`${OTEL} fails to load with a message that names @opentelemetry/api`, () => {
      writeFileSync(join(project, 'otel.cjs'), `require('${OTEL}');`);
      assert.throws(
        () => execFileSync(process.execPath, ['otel.cjs'], { cwd: project, stdio: 'pipe' }),
        (error: { stderr?: Buffer }) => /@opentelemetry\/api/.test(String(error.stderr)),
      );
    });

    it(`types resolve for every subpath but ${OTEL}, under NodeNext, ESM and CJS`, () => {
      typecheck(withoutOtel);
    });
  });

  describe('with @opentelemetry/api installed', () => {
    before(() => {
      // The copy the repository was tested with, packed: no registry needed.
      const packed = npm(
        ['pack', join(root, 'node_modules/@opentelemetry/api'), '--pack-destination', project, '--json'],
        root,
      );
      npm(['install', join(project, JSON.parse(packed)[0].filename), '--ignore-scripts'], project);
    });

    it(`${OTEL} loads with import() and require(), exporting ${subpaths[OTEL].join(', ')}`, () => {
      load(OTEL, subpaths[OTEL]);
    });

    it('types resolve for every subpath under NodeNext, ESM and CJS', () => {
      typecheck(Object.keys(subpaths));
    });
  });
});
