import { describe, it } from 'node:test';
import { describeAdapterConformance } from '../../src/testing/conformance/index.js';
import { InMemoryServer } from '../../src/testing/in-memory.js';

describeAdapterConformance({
  name: 'in-memory pair',
  createAdapter: (peer, hints) =>
    (peer as InMemoryServer).createClient({
      closeTimeoutMs: hints.closeTimeoutMs,
      inboundQueue: { ...hints.inboundQueue },
    }),
  createPeer: async () => new InMemoryServer(),
  test: { describe, it },
});
