// Found by the soak (npm run soak), fixed: a stop() that lands while onOpen runs. Each session
// that got an onOpen must get its onClose (docs/engine.md: onClose runs exactly once per session):
// users open per-session resources in onOpen and release them in onClose.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocketEngine } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';

function setup() {
  const adapter = new WebSocketConnectionAdapterMock();
  const client = new WebSocketClientMock();
  const engine = new WebSocketEngine({
    url: 'ws://127.0.0.1:1/',
    adapter,
    client,
    reconnect: { initialDelayMs: 0, maxDelayMs: 0, minUptimeMs: 0 },
  });
  return { adapter, client, engine };
}

describe('a stop() called inside onOpen', () => {
  it('of a reconnect: that session still gets its onClose', async () => {
    const { adapter, client, engine } = setup();
    let stopping: Promise<void> | undefined;
    client.onOpen.implementation(({ restarting }) => {
      if (restarting) stopping = engine.stop();
    });
    await engine.start();
    adapter.pushClose(1012, 'restarting'); // the server goes away; the engine reconnects
    await client.onOpen.waitForCall(2);
    await stopping;
    assert.equal(client.onClose.callCount, client.onOpen.callCount, 'one onClose per onOpen');
  });

  it('of the first start: that session still gets its onClose', async () => {
    const { client, engine } = setup();
    let stopping: Promise<void> | undefined;
    client.onOpen.implementation(() => {
      stopping = engine.stop();
    });
    await engine.start().catch(() => {});
    await stopping;
    assert.equal(client.onOpen.callCount, 1);
    assert.equal(client.onClose.callCount, 1, 'one onClose per onOpen');
  });

  it('of the first start: stop() resolves and nothing is left open', async () => {
    const { adapter, client, engine } = setup();
    let stopping: Promise<void> | undefined;
    client.onOpen.implementation(() => {
      stopping = engine.stop();
    });
    await engine.start().catch(() => {});
    await stopping;
    assert.equal(engine.isStarted, false);
    assert.equal(adapter.close.callCount, 1, 'the dialled connection was closed');
  });
});
