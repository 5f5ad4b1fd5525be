// The manual's code compiles (and, where marked `runnable`, runs) against the built
// package, as a user's project would import it. See scripts/doc-blocks.ts for how a block
// becomes a module.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BlockProblem,
  checkBlocks,
  type DocBlock,
  extractBlocks,
  manualBlocks,
  manualFiles,
  root,
  runBlocks,
} from '../../scripts/doc-blocks.js';

const format = (problems: readonly BlockProblem[]) =>
  problems.map((p) => `${p.doc}:${p.line}: ${p.message}`).join('\n');

describe('the manual (README.md, docs/*.md) compiles', { timeout: 180_000 }, () => {
  let blocks: DocBlock[] = [];
  let problems: BlockProblem[] = [];
  let dir = '';
  before(() => {
    assert.ok(existsSync(join(root, 'dist/esm/index.d.ts')), 'dist/ is missing: run `npm run build` first');
    blocks = manualBlocks();
    ({ problems, dir } = checkBlocks(blocks, { keep: true }));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('finds the blocks of every page that has them', () => {
    const pages = new Set(blocks.map((b) => b.doc));
    for (const page of ['README.md', 'docs/engine.md', 'docs/migrating.md', 'docs/testing.md'])
      assert.ok(pages.has(page), page);
  });

  for (const doc of manualFiles()) {
    it(`${doc}: every ts block type-checks strictly against the built package`, () => {
      const mine = problems.filter((p) => p.doc === doc);
      assert.equal(mine.length, 0, `\n${format(mine)}`);
    });
  }

  it('no problem outside the blocks (the prelude, the package types)', () => {
    const elsewhere = problems.filter((p) => !manualFiles().includes(p.doc));
    assert.equal(elsewhere.length, 0, `\n${format(elsewhere)}`);
  });

  it('blocks marked runnable run and exit 0', async () => {
    const runnable = blocks.filter((b) => b.runnable && b.notChecked === undefined);
    assert.ok(runnable.length >= 1, 'at least one runnable block');
    const failures = await runBlocks(dir, blocks);
    assert.equal(failures.length, 0, `\n${format(failures)}`);
  });

  it('blocks left unchecked are few, and each says why', () => {
    const skipped = blocks.filter((b) => b.notChecked !== undefined);
    assert.ok(skipped.length <= 3, `${skipped.length} blocks are not checked: keep them few`);
    for (const b of skipped) assert.ok(b.notChecked!.length >= 10, `${b.doc}:${b.line}: give a reason`);
  });
});

describe('the doc-block checker', { timeout: 60_000 }, () => {
  const page = [
    '# A page',
    '',
    '```ts',
    "import { WebSocketEngine } from 'wscengine';",
    "const n: number = 'not a number';",
    '```',
    '',
    '<!-- not-checked: a fragment of an options object -->',
    '```ts',
    'readers: 4,',
    '```',
    '',
    '```ts runnable',
    'const engine2 = new WebSocketEngine({ url: 1 });',
    '```',
    '',
    '```sh',
    '```ts',
    '```',
  ].join('\n');

  it('extracts ts blocks with their line, the runnable mark and the not-checked reason; skips other languages', () => {
    const blocks = extractBlocks('page.md', page);
    assert.deepEqual(
      blocks.map((b) => [b.line, b.runnable, b.notChecked]),
      [
        [4, false, undefined],
        [10, false, 'a fragment of an options object'],
        [14, true, undefined],
      ],
    );
  });

  it('reports a type error at its line in the Markdown, and adds missing imports of the package', () => {
    const blocks = extractBlocks('page.md', page);
    const { problems } = checkBlocks(blocks);
    assert.deepEqual(
      problems.map((p) => [p.doc, p.line, p.message.slice(0, 7)]),
      [
        ['page.md', 5, 'TS2322:'],
        ['page.md', 14, 'TS2322:'], // WebSocketEngine was imported for it: the error is the url's type
      ],
    );
  });
});
