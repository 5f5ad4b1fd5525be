import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import { WebSocketEngine, type WebSocketEngineOptions } from '../../src/engine/index.js';
import { EngineStartError, HandshakeError, MessageType } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { startWsPeer } from '../../src/testing/node/ws-peer.js';
import type { ConformancePeer } from '../../src/testing/peer.js';

let peer: ConformancePeer;
before(async () => {
  peer = await startWsPeer();
});
after(async () => {
  await peer.close();
});

function engineFor(options: Partial<WebSocketEngineOptions> = {}) {
  const client = new WebSocketClientMock();
  const adapter = new WsAdapter({ closeTimeoutMs: 2_000 });
  const engine = new WebSocketEngine({
    url: peer.url,
    adapter,
    client,
    readers: 2,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, minUptimeMs: 0 },
    ...options,
  });
  return { client, engine };
}

/** Resource types that outlive a test when something leaks (sockets, timers). */
function resources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback');
}

describe('engine against a real ws server (127.0.0.1, port 0)', { timeout: 30_000 }, () => {
  it('after stop() resolves the engine holds no socket, timer or listener', async () => {
    const before = resources();
    const { client, engine } = engineFor({ keepalive: { intervalMs: 50, timeoutMs: 1_000 } });
    await engine.start();
    const conn = await peer.accept();
    await conn.send({ type: MessageType.Text, data: 'hello' });
    await client.onMessage.waitForCall(1);
    await engine.stop();
    assert.deepEqual((await conn.closed).code, 1001);
    // Let the server side finish its half of the close.
    for (let i = 0; i < 50 && resources().length > before.length; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(resources().sort(), before.sort());
  });

  it('a server close with an application code (4000-4999) reaches onClose and the engine reconnects', async () => {
    const { client, engine } = engineFor();
    try {
      await engine.start();
      const first = await peer.accept();
      first.close(4001, 'rotate');
      const { args } = await client.onClose.waitForCall(1);
      assert.deepEqual(args[0].closeMessage, { code: 4001, reason: 'rotate' });
      await peer.accept();
      await client.onOpen.waitForCall(2);
    } finally {
      await engine.stop();
    }
  });

  it('a dropped connection is a 1006 closure and the engine reconnects', async () => {
    const { client, engine } = engineFor();
    try {
      await engine.start();
      (await peer.accept()).drop();
      const { args } = await client.onClose.waitForCall(1);
      assert.equal(args[0].closeMessage?.code, 1006);
      await peer.accept();
      await client.onOpen.waitForCall(2);
    } finally {
      await engine.stop();
    }
  });

  it('a refused handshake (401) makes start() reject with EngineStartError caused by HandshakeError', async () => {
    const { engine } = engineFor();
    peer.refuseNextHandshake(401, { body: 'token expired' });
    await assert.rejects(engine.start(), (e: unknown) => {
      assert.ok(e instanceof EngineStartError);
      assert.ok(e.cause instanceof HandshakeError);
      assert.equal(e.cause.status, 401);
      return true;
    });
    assert.equal(engine.isStarted, false);
  });

  it('a server that never answers the handshake makes start() reject after openTimeoutMs', async () => {
    const { engine } = engineFor({ openTimeoutMs: 300 });
    peer.stallNextHandshake();
    await assert.rejects(engine.start(), (e: unknown) => {
      assert.ok(e instanceof EngineStartError);
      assert.equal((e.cause as Error).name, 'TimeoutError');
      return true;
    });
  });

  it('a half-open connection (pongs stall) is found by keepalive: 1006 keepalive, then a reconnect', async () => {
    const { client, engine } = engineFor({ keepalive: { intervalMs: 100, timeoutMs: 200 } });
    try {
      await engine.start();
      const first = await peer.accept();
      first.answerPings(false);
      const { args } = await client.onClose.waitForCall(1);
      assert.equal(args[0].closeMessage?.code, 1006);
      assert.match(args[0].closeMessage?.reason ?? '', /keepalive/);
      await peer.accept();
      await client.onOpen.waitForCall(2);
    } finally {
      await engine.stop();
    }
  });

  it('messages written in onMessage reach the server in order', async () => {
    const { client, engine } = engineFor({ readers: 1 });
    client.onMessage.implementation(({ conn, message }) =>
      conn.write(MessageType.Text, `echo ${message.data}`),
    );
    try {
      await engine.start();
      const conn = await peer.accept();
      for (let i = 0; i < 20; i++) await conn.send({ type: MessageType.Text, data: String(i) });
      for (let i = 0; i < 20; i++) assert.equal((await conn.nextMessage()).data, `echo ${i}`);
    } finally {
      await engine.stop();
    }
  });
});
