// Every example in examples/ runs as a user would run it, against servers it starts itself,
// and exits 0 with the output it promises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example } from './run-example.js';

describe('examples/ run and say what they promise', { timeout: 300_000 }, () => {
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

  it('market-data.ts: a fresh token per connect, subscriptions sent again after every reconnect', async () => {
    const out = await example('market-data.ts');
    assert.match(out, /session 1: token t1, subscribed BTC-USD\n/);
    assert.match(out, /session 1: subscribed ETH-USD \(engine.send\)/);
    for (const n of [2, 3]) {
      assert.match(out, new RegExp(`session ${n}: token t${n}, re-subscribed BTC-USD, ETH-USD`));
      assert.match(out, new RegExp(`session ${n}: ticks flowing again for BTC-USD, ETH-USD`));
    }
    assert.match(out, /tokens used: 3, each once/);
  });

  it('backpressure.ts: readers: 8 bounds the work in flight; the server waits instead of the client buffering', async () => {
    const out = await example('backpressure.ts');
    assert.match(out, /processed 1000 jobs/);
    assert.match(out, /at most 8 at once \(readers: 8\), started in arrival order: true/);
    assert.match(out, /it waited for the client \(back-pressure\)/);
  });

  it('demo.ts (npm start): connects, survives a server restart, stops, and the process exits', async () => {
    const out = await example('demo.ts');
    assert.match(out, /restarting=true/);
    assert.match(out, /onExit {6}the run is over: stop/);
  });
});
