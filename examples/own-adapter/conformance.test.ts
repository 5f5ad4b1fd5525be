// Runs the adapter conformance suite (one test per rule of the adapter contract, against
// a real `ws` server on 127.0.0.1) on CountingAdapter wrapping WsAdapter, then uses it
// under the engine. Run: node --import tsx examples/own-adapter/conformance.test.ts
// (or with your test runner of choice: the suite only needs its describe and it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import { WebSocketEngine } from '../../src/index.js';
import { describeAdapterConformance } from '../../src/testing/index.js';
import { startEchoServer, startWsPeer } from '../../src/testing/node/index.js';
import { CountingAdapter } from './counting-adapter.js';

describeAdapterConformance({
  name: 'CountingAdapter over WsAdapter',
  // `hints` make the suite's bounds quick to reach: pass on those your adapter has.
  createAdapter: (_peer, hints) =>
    new CountingAdapter(
      new WsAdapter({ closeTimeoutMs: hints.closeTimeoutMs, inboundQueue: hints.inboundQueue }),
    ),
  createPeer: () => startWsPeer(),
  test: { describe, it },
});

describe('CountingAdapter under the engine', () => {
  it('counts what the engine sent and received', async () => {
    const server = await startEchoServer();
    const adapter = new CountingAdapter(new WsAdapter());
    let echoed: () => void = () => {};
    const echo = new Promise<void>((resolve) => {
      echoed = resolve;
    });
    const engine = new WebSocketEngine({ url: server.url, adapter, client: { onMessage: () => echoed() } });
    await engine.start();
    await engine.send('héllo'); // 6 bytes in UTF-8
    await echo;
    await engine.stop();
    await server.close();
    assert.deepEqual(adapter.counts, { messagesIn: 1, bytesIn: 6, messagesOut: 1, bytesOut: 6 });
  });
});
