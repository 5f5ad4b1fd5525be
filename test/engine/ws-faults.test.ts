// Faults found by a soak against the installed package, each pinned here against a real
// ws server on 127.0.0.1: every shutdown path leaves nothing behind, and a slow consumer
// is not taken for a dead peer.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import { InvalidArgumentError, MessageType } from '../../src/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { startWsPeer } from '../../src/testing/node/ws-peer.js';
import { until } from './helpers.js';

/** Resource types that outlive a test when something leaks (sockets, timers). */
function resources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback')
    .sort();
}

/** Waits (bounded) until the process holds no more resources than `baseline`. */
async function settlesTo(baseline: string[], withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (resources().length > baseline.length && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(resources(), baseline, `resources back to baseline within ${withinMs} ms`);
}

// Far longer than any wait below: a socket left to the adapter's close timeout fails the test.
const CLOSE_TIMEOUT_MS = 10_000;

describe('engine faults against a real ws server (regressions)', { timeout: 30_000 }, () => {
  it('after a keepalive timeout, an unsendable code from onClose is reported and the socket does not outlive stop()', async () => {
    const baseline = resources();
    const peer = await startWsPeer();
    const client = new WebSocketClientMock();
    client.onClose.returns({ code: 1006, reason: 'not sendable' });
    const engine = new WebSocketEngine({
      url: peer.url,
      adapter: new WsAdapter({ closeTimeoutMs: CLOSE_TIMEOUT_MS }),
      client,
      autoReconnect: false,
      keepalive: { intervalMs: 50, timeoutMs: 100 },
    });
    try {
      await engine.start();
      const conn = await peer.accept();
      conn.answerPings(false); // half-open: the peer stays silent
      await until(() => !engine.isStarted, 'the engine to end after the keepalive timeout');
      await engine.stop();
      assert.equal(client.onCloseError.callCount, 1);
      assert.ok(client.onCloseError.calls[0].args[0].error instanceof InvalidArgumentError);
      await peer.close();
      await settlesTo(baseline, 1_000);
    } finally {
      await engine.stop();
      await peer.close();
    }
  });

  it('after a protocol error from the server (invalid UTF-8: 1007) nothing outlives the engine', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      // An unmasked text frame whose payload is not UTF-8: the client must fail the connection.
      (socket as unknown as { _socket: NodeJS.WritableStream })._socket.write(
        Buffer.from([0x81, 0x02, 0xc3, 0x28]),
      );
    });
    const baseline = resources();
    const adapter = new WsAdapter({ closeTimeoutMs: CLOSE_TIMEOUT_MS });
    const client = new WebSocketClientMock();
    const engine = new WebSocketEngine({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      adapter,
      client,
      autoReconnect: false,
    });
    try {
      await engine.start();
      const { args } = await client.onClose.waitForCall(1);
      assert.equal(args[0].closeMessage?.code, 1007);
      await until(() => !engine.isStarted, 'the engine to end');
      await engine.stop();
      assert.equal(adapter.getUnderlyingConnection(), undefined);
      await settlesTo(baseline, 1_000);
    } finally {
      await engine.stop();
      for (const socket of server.clients) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a slow consumer behind a full inbound queue is not killed by keepalive; every message arrives in order', async () => {
    const peer = await startWsPeer();
    const seen: string[] = [];
    const client = new WebSocketClientMock();
    client.onMessage.implementation(async ({ message }) => {
      seen.push(message.data as string);
      await new Promise((resolve) => setTimeout(resolve, 120));
    });
    const engine = new WebSocketEngine({
      url: peer.url,
      // A small queue: the socket is paused (pongs unread) for most of the run.
      adapter: new WsAdapter({ inboundQueue: { maxMessages: 2 } }),
      client,
      readers: 1,
      // Each message takes longer than an interval and a pong wait together.
      keepalive: { intervalMs: 30, timeoutMs: 60 },
    });
    try {
      await engine.start();
      const conn = await peer.accept();
      const sent = Array.from({ length: 16 }, (_, i) => `${i}:${'x'.repeat(32 * 1024)}`);
      for (const data of sent) await conn.send({ type: MessageType.Text, data });
      await until(() => seen.length === sent.length || client.onClose.callCount > 0, 'all messages', 10_000);
      assert.equal(client.onClose.callCount, 0, 'no keepalive timeout while the engine is the slow side');
      assert.deepEqual(seen, sent);
    } finally {
      await engine.stop();
      await peer.close();
    }
  });
});
