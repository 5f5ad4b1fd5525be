import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WS_ADAPTER_DEFAULTS } from '../../../src/adapters/ws/index.js';
import { resolveOptions } from '../../../src/adapters/ws/options.js';
import { closedOf, connect, startServer, type TestServer } from './helpers.js';

// What an idle connection holds is kept small on purpose (see docs/adapters-ws.md, Memory);
// these checks keep the per-connection allocations from coming back.
describe('WsAdapter per-connection footprint', { timeout: 20_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('shares the resolved defaults between adapters instead of copying them', () => {
    const none = resolveOptions();
    assert.equal(resolveOptions({}), none);
    assert.ok(Object.isFrozen(none));
    assert.equal(none.headers, WS_ADAPTER_DEFAULTS.headers);
    assert.equal(none.protocols, WS_ADAPTER_DEFAULTS.protocols);
    assert.equal(none.inboundQueue, WS_ADAPTER_DEFAULTS.inboundQueue);
    const some = resolveOptions({ maxPayload: 1024 });
    assert.notEqual(some, none);
    assert.deepEqual(some.client, { maxPayload: 1024 });
    assert.equal(some.headers, WS_ADAPTER_DEFAULTS.headers);
    assert.equal(some.protocols, WS_ADAPTER_DEFAULTS.protocols);
    assert.equal(some.inboundQueue, WS_ADAPTER_DEFAULTS.inboundQueue);
  });

  it('puts the same listener functions on every socket, and removes them all on close', async () => {
    const a = await connect(server);
    const b = await connect(server);
    const wsA = a.adapter.getUnderlyingConnection()!;
    const wsB = b.adapter.getUnderlyingConnection()!;
    for (const event of ['message', 'error', 'close']) {
      assert.equal(wsA.listenerCount(event), 1, event);
      assert.equal(wsA.listeners(event)[0], wsB.listeners(event)[0], event);
    }
    // No pong listener until the first ping.
    assert.equal(wsA.listenerCount('pong'), 0);
    await a.adapter.ping();
    await b.adapter.ping();
    assert.equal(wsA.listeners('pong')[0], wsB.listeners('pong')[0]);
    await a.adapter.close(1000);
    b.peer.ws.close(1000);
    await Promise.all([b.adapter.read().catch(() => {}), closedOf(wsB)]);
    assert.deepEqual(wsA.eventNames(), []);
    assert.deepEqual(wsB.eventNames(), []);
  });
});
