// The manual speaks of this project alone: it names no document that is not in the
// repository, and every relative link in it leads to a file that is.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { manualFiles, root } from '../../scripts/doc-blocks.js';

// Documents the project was planned from; they are not part of it. (A random seed, as the
// soak run prints, is another matter.)
const FOREIGN = [
  /\bseed[- ]?(document|doc|spec|adapters)/i,
  /\bthe seed's\b/i,
  /\bthe seed\s+(says|describes|asks|calls|document|text|wording)\b/i,
  /\bAPI\.md\b/,
  /\bENGINE\.md\b/,
  /FIELD[-_ ]NOTES/i,
];

describe('the manual speaks of the project alone', () => {
  for (const doc of manualFiles()) {
    const text = readFileSync(join(root, doc), 'utf8');

    it(`${doc} names no planning document (seed, API.md, ENGINE.md, FIELD-NOTES)`, () => {
      const lines = text.split('\n');
      const hits = lines.flatMap((line, i) =>
        FOREIGN.some((pattern) => pattern.test(line)) ? [`${doc}:${i + 1}: ${line.trim()}`] : [],
      );
      assert.deepEqual(hits, []);
    });

    it(`${doc}: every relative link leads to a file of the repository`, () => {
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = decodeURIComponent(target.split('#')[0]);
        if (!existsSync(join(root, dirname(doc), path))) broken.push(target);
      }
      assert.deepEqual(broken, []);
    });
  }
});
