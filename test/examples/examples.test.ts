// Every example in examples/ runs as a user would run it, against servers it starts itself,
// and exits 0 with the output it promises.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}`], {
    cwd: root,
    timeout: 30_000,
  });
  return stdout;
}

describe('examples/ run and say what they promise', { timeout: 60_000 }, () => {
  it('outbox.ts: sends during an outage go out in order after the next onOpen; one too many is refused', async () => {
    const out = await example('outbox.ts');
    assert.match(out, /queued 1: sent\nqueued 2: sent\nqueued 3: sent\none too many: ERR_OUTBOX_FULL/);
    assert.match(out, /auth \| before the outage \| auth \(again\) \| queued 1 \| queued 2 \| queued 3/);
  });

  it('request-reply.ts: replies matched by id while the server pushes', async () => {
    assert.match(await example('request-reply.ts'), /answers: 2 4 6 8 10 \(and some pushes/);
  });

  it('pull-messages.ts: for await over engine.messages(), ending on stop', async () => {
    const out = await example('pull-messages.ts');
    assert.match(out, /pulled: message 1, message 2, message 3, message 4, message 5/);
    assert.match(out, /run over: stop/);
  });

  it('demo.ts (npm start): connects, survives a server restart, stops, and the process exits', async () => {
    const out = await example('demo.ts');
    assert.match(out, /restarting=true/);
    assert.match(out, /onExit {6}the run is over: stop/);
  });
});
