import { describe, it } from 'node:test';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import { describeAdapterConformance } from '../../src/testing/conformance/index.js';
import { startWsPeer } from '../../src/testing/node/ws-peer.js';

describeAdapterConformance({
  name: 'WsAdapter',
  createAdapter: (_peer, hints) =>
    new WsAdapter({ closeTimeoutMs: hints.closeTimeoutMs, inboundQueue: { ...hints.inboundQueue } }),
  createPeer: () => startWsPeer(),
  test: { describe, it },
});
