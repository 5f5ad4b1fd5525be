// A short soak (soak/, `npm run soak` for the real one): engines over the ws adapter behind
// the fault proxy, with random faults and stops, every check of the soak applied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPhase } from '../../soak/phase.js';
import { phases } from '../../soak/phases.js';
import { table } from '../../soak/report.js';

describe('soak (short)', { timeout: 60_000 }, () => {
  it('40 sessions over the ws adapter with faults: every check holds', async (t) => {
    const [ws] = phases(12_345, 40);
    const report = await runPhase({ ...ws, engines: 6 });
    t.diagnostic(`\n${table([report])}`);
    assert.ok(report.sessions >= 40);
    assert.deepEqual(report.examples, []);
    assert.equal(report.failed, 0);
  });
});
