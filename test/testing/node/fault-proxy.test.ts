// startFaultProxy: a TCP proxy in front of a real ws server, driven with the ws adapter and
// the engine. Each fault is checked on live connections and with { next: true }.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { leftAfter, resources } from '../../../soak/resources.js';
import { WsAdapter } from '../../../src/adapters/ws/index.js';
import {
  DialError,
  type Message,
  MessageType,
  WebSocketCloseError,
  WebSocketEngine,
} from '../../../src/index.js';
import { WebSocketClientMock } from '../../../src/testing/client-mock.js';
import type { ConformancePeer } from '../../../src/testing/index.js';
import { type FaultProxy, startFaultProxy, startWsPeer } from '../../../src/testing/node/index.js';
import { until } from '../../engine/helpers.js';
import { rejection } from '../../support/expect-error.js';

const text = (data: string): Message => ({ type: MessageType.Text, data });

async function settlesTo(baseline: string[], withinMs = 2_000): Promise<void> {
  assert.deepEqual(await leftAfter(baseline, withinMs), []);
}

describe('startFaultProxy', { timeout: 30_000 }, () => {
  let peer: ConformancePeer;
  let proxy: FaultProxy;
  before(async () => {
    peer = await startWsPeer();
    proxy = await startFaultProxy({ target: peer.url });
  });
  after(async () => {
    await proxy.close();
    await peer.close();
  });

  /** A ws adapter connected through the proxy, and the server's side of it. */
  async function connected(options: ConstructorParameters<typeof WsAdapter>[0] = {}) {
    const adapter = new WsAdapter({ closeTimeoutMs: 500, ...options });
    await adapter.dial(proxy.url, { signal: AbortSignal.timeout(5_000) });
    const conn = await peer.accept();
    return { adapter, conn };
  }

  it('listens on 127.0.0.1, port 0, with the target URL path, and forwards both ways', async () => {
    assert.equal(proxy.url.hostname, '127.0.0.1');
    assert.equal(proxy.url.port, String(proxy.port));
    assert.equal(proxy.url.protocol, 'ws:');
    const { adapter, conn } = await connected();
    assert.equal(proxy.connections, 1);
    await adapter.write(MessageType.Text, 'up');
    assert.deepEqual(await conn.nextMessage(), text('up'));
    await conn.send(text('down'));
    assert.deepEqual(await adapter.read(), text('down'));
    await adapter.ping({ signal: AbortSignal.timeout(2_000) });
    await adapter.close(1000, 'bye');
    assert.deepEqual(await conn.closed, { code: 1000, reason: 'bye' });
    await until(() => proxy.connections === 0, 'the proxied connection to close');
  });

  it('reset() sends a TCP RST on live connections: both ends see 1006', async () => {
    const { adapter, conn } = await connected();
    proxy.reset();
    const error = await rejection(adapter.read());
    assert.ok(error instanceof WebSocketCloseError);
    assert.equal(error.code, 1006);
    assert.equal((await conn.closed).code, 1006);
  });

  it('reset() is a real RST: a raw TCP client gets ECONNRESET, not an end', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    // A plain HTTP request (answered 426 on a kept-alive connection): once its answer is
    // back, the proxy has linked the connection to the server.
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    const failed = once(socket, 'error');
    proxy.reset();
    const [error] = await failed;
    assert.equal((error as { code?: string }).code, 'ECONNRESET');
  });

  it('reset({ next: true }) resets the next connection only; live ones go on', async () => {
    const live = await connected();
    proxy.reset({ next: true });
    const error = await rejection(new WsAdapter().dial(proxy.url));
    assert.ok(error instanceof DialError, String(error));
    const again = await connected();
    await live.conn.send(text('still here'));
    assert.deepEqual(await live.adapter.read(), text('still here'));
    await again.adapter.close(1000);
    await live.adapter.close(1000);
  });

  it('cut() makes a half-open link: nothing passes, nobody hears a close, the engine finds it by keepalive', async () => {
    const client = new WebSocketClientMock();
    const keepalive = { intervalMs: 100, timeoutMs: 100 };
    const engine = new WebSocketEngine({
      url: proxy.url,
      adapter: new WsAdapter({ closeTimeoutMs: 200 }),
      client,
      autoReconnect: false,
      keepalive,
    });
    await engine.start();
    const conn = await peer.accept();
    const cutAt = performance.now();
    proxy.cut();
    await conn.send(text('lost'));
    const {
      args: [closeArgs],
    } = await client.onClose.waitForCall(1);
    const foundAfter = performance.now() - cutAt;
    assert.equal(closeArgs.closeMessage?.code, 1006);
    assert.ok(
      foundAfter <= 2 * keepalive.intervalMs + keepalive.timeoutMs + 250,
      `found after ${foundAfter} ms`,
    );
    assert.equal(client.onMessage.callCount, 0, 'nothing crossed the cut');
    assert.equal(peer.openConnections(), 1, 'the server heard of no close');
    await engine.stop();
    conn.drop();
  });

  it('cut({ next: true }) lets the next handshake through, then cuts it', async () => {
    proxy.cut({ next: true });
    const { adapter, conn } = await connected();
    await conn.send(text('lost'));
    const error = await rejection(adapter.ping({ signal: AbortSignal.timeout(300) }));
    assert.equal((error as Error).name, 'TimeoutError');
    const after = await connected();
    await after.conn.send(text('fine'));
    assert.deepEqual(await after.adapter.read(), text('fine'));
    await after.adapter.close(1000);
    await adapter.close(1000, '', { signal: AbortSignal.abort() });
    conn.drop();
  });

  it('stall({ next: true }) hangs the next handshake until the dial gives up; the one after connects', async () => {
    proxy.stall({ next: true });
    const error = await rejection(new WsAdapter().dial(proxy.url, { signal: AbortSignal.timeout(200) }));
    assert.equal((error as Error).name, 'TimeoutError');
    const { adapter } = await connected();
    await adapter.close(1000);
  });

  it('stall() hangs every new connection until heal(); live ones go on', async () => {
    const live = await connected();
    proxy.stall();
    for (let i = 0; i < 2; i++) {
      const error = await rejection(new WsAdapter().dial(proxy.url, { signal: AbortSignal.timeout(150) }));
      assert.equal((error as Error).name, 'TimeoutError');
    }
    await live.conn.send(text('live'));
    assert.deepEqual(await live.adapter.read(), text('live'));
    proxy.heal();
    const { adapter } = await connected();
    await adapter.close(1000);
    await live.adapter.close(1000);
  });

  it('throttle(bytesPerSecond) limits the rate of live connections until heal()', async () => {
    const { adapter, conn } = await connected();
    proxy.throttle(64 * 1024);
    const data = 'x'.repeat(32 * 1024);
    const started = performance.now();
    await conn.send(text(data));
    assert.equal(((await adapter.read()).data as string).length, data.length);
    const tookMs = performance.now() - started;
    assert.ok(tookMs >= 400, `32 KiB at 64 KiB/s took ${tookMs} ms`);
    proxy.heal();
    const fast = performance.now();
    await conn.send(text(data));
    await adapter.read();
    assert.ok(performance.now() - fast < 300, 'healed');
    await adapter.close(1000);
  });

  it('throttle(bps, { next: true }) limits the next connection only', async () => {
    const live = await connected();
    proxy.throttle(16 * 1024, { next: true });
    const slow = await connected();
    const data = 'y'.repeat(8 * 1024);
    let started = performance.now();
    await live.conn.send(text(data));
    await live.adapter.read();
    assert.ok(performance.now() - started < 300, 'the live connection is not throttled');
    started = performance.now();
    await slow.conn.send(text(data));
    await slow.adapter.read();
    assert.ok(performance.now() - started >= 300, 'the next connection is');
    await slow.adapter.close(1000);
    await live.adapter.close(1000);
  });

  it('a throttled link passes on an end (FIN) only after the bytes it still holds', async () => {
    const data = Buffer.alloc(4 * 1024, 7);
    const raw = createServer((socket) => socket.end(data));
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    const own = await startFaultProxy({ target: `ws://127.0.0.1:${(raw.address() as AddressInfo).port}/` });
    try {
      own.throttle(16 * 1024, { next: true });
      const socket = connect(own.port, '127.0.0.1');
      let received = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      await once(socket, 'end');
      assert.equal(received, data.length);
      socket.destroy();
    } finally {
      await own.close();
      raw.close();
    }
  });

  it('closeAfter(bytes) closes live connections after that many bytes, mid-frame: 1006, no partial message', async () => {
    const { adapter, conn } = await connected();
    proxy.closeAfter(1_000);
    await conn.send(text('a'.repeat(600))).catch(() => {});
    await conn.send(text('b'.repeat(600))).catch(() => {});
    assert.equal(((await adapter.read()).data as string).length, 600);
    const error = await rejection(adapter.read());
    assert.ok(error instanceof WebSocketCloseError);
    assert.equal(error.code, 1006);
  });

  it('closeAfter(bytes, { next: true }) counts the next connection from its first byte: 0 fails its dial', async () => {
    proxy.closeAfter(0, { next: true });
    const error = await rejection(new WsAdapter().dial(proxy.url, { signal: AbortSignal.timeout(2_000) }));
    assert.ok(error instanceof DialError, String(error));
    const { adapter } = await connected();
    await adapter.close(1000);
  });

  it('honours back-pressure: a client that stops reading stops the server, the proxy buffers little', async () => {
    const { adapter, conn } = await connected({ inboundQueue: { maxMessages: 1 } });
    const chunk = new Uint8Array(256 * 1024);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 64; i++)
      sends.push(conn.send({ type: MessageType.Binary, data: chunk }).catch(() => {}));
    // 16 MiB sent: the socket buffers hold a few MiB, the rest waits in the server.
    await until(() => conn.bufferedAmount() > 4 * 1024 * 1024, 'the server to be held back', 10_000);
    for (let i = 0; i < 64; i++) await adapter.read();
    await Promise.all(sends);
    assert.equal(conn.bufferedAmount(), 0);
    await adapter.close(1000);
  });

  it('close() leaves no handle, with connections live, stalled and cut', async () => {
    const baseline = resources();
    const own = await startFaultProxy({ target: peer.url });
    const adapter = new WsAdapter({ closeTimeoutMs: 100 });
    await adapter.dial(own.url);
    const conn = await peer.accept();
    own.stall({ next: true });
    const stalled = new WsAdapter().dial(own.url, { signal: AbortSignal.timeout(5_000) }).catch((e) => e);
    await until(() => own.connections === 2, 'the stalled connection');
    own.cut();
    await own.close();
    await own.close(); // idempotent
    assert.ok((await stalled) instanceof DialError);
    await adapter.close(1000).catch(() => {});
    conn.drop();
    await settlesTo(baseline);
  });

  it('rejects a target that is not a ws: or wss: URL, and bad fault arguments', async () => {
    await assert.rejects(startFaultProxy({ target: 'http://127.0.0.1:1/' }), TypeError);
    assert.throws(() => proxy.throttle(0), RangeError);
    assert.throws(() => proxy.closeAfter(-1), RangeError);
  });
});
