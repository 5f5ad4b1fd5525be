// `wscengine/testing` is browser-safe: nothing in its module graph imports `node:*` or `ws`,
// statically or dynamically; what needs Node lives in `wscengine/testing/node`. Checked on
// the built file users import (dist/esm; npm test builds first) and on the source.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles `entry` for the browser; returns every import of `node:*`, a Node builtin or `ws`. */
async function nodeImportsOf(entry: string): Promise<string[]> {
  const found: string[] = [];
  const watch: Plugin = {
    name: 'node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path;
        if (/^node:/.test(bare) || /^ws(\/|$)/.test(bare) || NODE_BUILTINS.has(bare.split('/')[0])) {
          found.push(`${bare} (from ${args.importer.replace(root, '')})`);
          return { path: bare, external: true };
        }
        return undefined;
      });
    },
  };
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [watch],
  });
  return found;
}

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
]);

describe('wscengine/testing is browser-safe', () => {
  const dist = `${root}dist/esm/testing/index.js`;
  it('the built dist/esm/testing/index.js imports no node:* module and no ws (esbuild, platform browser)', {
    skip: existsSync(dist) ? false : 'dist/ not built (npm run build)',
  }, async () => {
    assert.deepEqual(await nodeImportsOf(dist), []);
  });

  it('nor does its source, src/testing/index.ts', async () => {
    assert.deepEqual(await nodeImportsOf(`${root}src/testing/index.ts`), []);
  });

  it('the check does see them: wscengine/testing/node imports ws and node:*', async () => {
    const found = await nodeImportsOf(`${root}src/testing/node/index.ts`);
    assert.ok(
      found.some((f) => f.startsWith('ws ')),
      found.join(', '),
    );
    assert.ok(
      found.some((f) => f.startsWith('node:net')),
      found.join(', '),
    );
  });
});
