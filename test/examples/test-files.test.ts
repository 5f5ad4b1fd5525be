// The examples that are test files (node:test), run as their reader would run them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example } from './run-example.js';

describe('examples/ that are test files pass', { timeout: 300_000 }, () => {
  it('own-adapter/conformance.test.ts: a wrapping adapter passes the conformance suite', async () => {
    const out = await example('own-adapter/conformance.test.ts');
    assert.match(out, /# fail 0/);
    const passed = Number(/# pass (\d+)/.exec(out)?.[1]);
    assert.ok(passed >= 40, `${passed} conformance tests passed`);
  });

  it('testing-your-client/price-feed.test.ts: the mock, the in-memory pair and FakeClock', async () => {
    const out = await example('testing-your-client/price-feed.test.ts');
    assert.match(out, /# pass 3\n# fail 0/);
  });
});
