import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INBOUND_QUEUE, inboundQueueOf } from '../../src/core/inbound-seam.js';
import { InboundQueue } from '../../src/core/index.js';

describe('inboundQueueOf', () => {
  it('is undefined for an adapter without the seam (one with only the six methods)', () => {
    assert.equal(inboundQueueOf({}), undefined);
    assert.equal(inboundQueueOf({ [INBOUND_QUEUE]: 'not a method' }), undefined);
  });

  it("calls the adapter's method on the adapter, each time (the queue changes with each dial)", () => {
    const queues = [new InboundQueue(), undefined, new InboundQueue()];
    const adapter = {
      calls: 0,
      [INBOUND_QUEUE](this: { calls: number }) {
        return queues[this.calls++];
      },
    };
    assert.equal(inboundQueueOf(adapter), queues[0]);
    assert.equal(inboundQueueOf(adapter), undefined);
    assert.equal(inboundQueueOf(adapter), queues[2]);
  });

  it('is keyed by a registered symbol, so the ESM and CJS builds agree on it', () => {
    assert.equal(INBOUND_QUEUE, Symbol.for('wscengine.inboundQueue'));
  });
});
