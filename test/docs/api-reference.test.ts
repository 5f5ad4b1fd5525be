// `npm run docs` builds the API reference from the TSDoc with TypeDoc, warnings treated as
// errors (typedoc.json): a public symbol that refers to an unexported type, or a broken
// {@link}, fails here instead of rotting in the generated pages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');

describe('API reference (TypeDoc)', { timeout: 120_000 }, () => {
  it('documents every subpath of package.json "exports"', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
    const entries = subpaths.map((key) => (key === '.' ? 'src/index.ts' : `src/${key.slice(2)}/index.ts`));
    assert.deepEqual([...config.entryPoints].sort(), entries.sort());
    assert.equal(config.treatWarningsAsErrors, true);
  });

  it('generates with no warning', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wscengine-api-'));
    try {
      const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, '--out', out], {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      }).catch((error: { stdout?: string; stderr?: string }) =>
        assert.fail(`typedoc failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`),
      );
      assert.doesNotMatch(`${stdout}${stderr}`, /\[warning\]/);
      assert.ok(existsSync(join(out, 'index.html')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
