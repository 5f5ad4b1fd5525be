// Secure by default: wss: verifies the server's certificate unless an explicit option says
// otherwise; a message has a size limit by default; credentials in a URL never reach a
// message, a cause chain, a span or a metric, whatever fails.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent, WebSocket as UndiciWebSocket } from 'undici';
import { WebSocketServer } from 'ws';
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import {
  DialError,
  type EngineExit,
  EngineStartError,
  MessageType,
  WebSocketCloseError,
  WebSocketEngine,
} from '../../src/index.js';
import { openTelemetry } from '../../src/otel/index.js';
import type { ConformancePeer } from '../../src/testing/index.js';
import { startFaultProxy, startWsPeer } from '../../src/testing/node/index.js';
import { secretsIn } from '../core/leak-check.js';
import { until } from '../engine/helpers.js';
import { createMetrics, createTracing } from '../otel/helpers.js';
import { rejection } from '../support/expect-error.js';

// The self-signed certificate for 127.0.0.1 (valid until 2126) the CLI's TLS tests use.
const fixture = (name: string) => readFileSync(new URL(`../cli/fixtures/${name}`, import.meta.url));
const CERT = fixture('self-signed-cert.pem');
const KEY = fixture('self-signed-key.pem');

describe('wss: certificates are verified by default', { timeout: 20_000 }, () => {
  let https: HttpsServer;
  let url: URL;
  before(async () => {
    // Nothing in the environment turns verification off for the whole process.
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    https = createHttpsServer({ cert: CERT, key: KEY });
    const wss = new WebSocketServer({ server: https });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    url = new URL(`wss://127.0.0.1:${(https.address() as { port: number }).port}/`);
  });
  after(() => {
    https.closeAllConnections();
    https.close();
  });

  it('WsAdapter refuses a self-signed certificate: DialError, cause DEPTH_ZERO_SELF_SIGNED_CERT', async () => {
    const error = await rejection(new WsAdapter().dial(url));
    assert.ok(error instanceof DialError, String(error));
    assert.equal((error.cause as { code?: string }).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.match(error.message, /self[- ]signed certificate/);
  });

  it('the engine over the default WsAdapter fails to start on it', async () => {
    const engine = new WebSocketEngine({ url, adapter: new WsAdapter(), client: { onMessage() {} } });
    const error = await rejection(engine.start());
    assert.ok(error instanceof EngineStartError);
    assert.match(error.message, /self[- ]signed certificate/);
  });

  it('WsAdapter accepts it when told to trust that certificate (ca)', async () => {
    const adapter = new WsAdapter({ ca: CERT });
    await adapter.dial(url);
    await adapter.write(MessageType.Text, 'trusted');
    assert.equal((await adapter.read()).data, 'trusted');
    await adapter.close(1000);
  });

  it('WsAdapter accepts it only with an explicit rejectUnauthorized: false, for that adapter only', async () => {
    const insecure = new WsAdapter({ rejectUnauthorized: false });
    await insecure.dial(url);
    await insecure.close(1000);
    assert.ok(
      (await rejection(new WsAdapter().dial(url))) instanceof DialError,
      'other adapters still verify',
    );
  });

  it('WhatwgWebSocketAdapter over undici refuses it too', async () => {
    const adapter = new WhatwgWebSocketAdapter({ WebSocket: UndiciWebSocket as never });
    assert.ok((await rejection(adapter.dial(url))) instanceof DialError);
  });
});

describe('a message size limit by default', () => {
  let server: Server;
  let sent: Promise<Socket>;
  let port = 0;
  before(async () => {
    // A raw server that answers the handshake, then sends one frame header announcing a
    // message of 100 MiB + 1 byte (and no payload: the limit is checked on the header).
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function nextConnection(announced: number): void {
    sent = new Promise((resolve) => {
      server.once('connection', (socket) => {
        socket.on('error', () => {});
        socket.once('data', async (request) => {
          const key = /sec-websocket-key: (.+)\r\n/i.exec(request.toString())![1];
          const { createHash } = await import('node:crypto');
          const accept = createHash('sha1')
            .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
            .digest('base64');
          socket.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
          );
          const header = Buffer.alloc(10);
          header[0] = 0x82; // binary, FIN
          header[1] = 127; // 64-bit length follows
          header.writeBigUInt64BE(BigInt(announced), 2);
          socket.write(header);
          resolve(socket);
        });
      });
    });
  }

  it("WsAdapter keeps ws's default maxPayload, 100 MiB: a larger message fails the connection with 1009", async () => {
    nextConnection(100 * 1024 * 1024 + 1);
    const adapter = new WsAdapter();
    await adapter.dial(new URL(`ws://127.0.0.1:${port}/`));
    const error = await rejection(adapter.read());
    assert.ok(error instanceof WebSocketCloseError);
    assert.equal(error.code, 1009);
    (await sent).destroy();
  });

  it('a message of exactly 100 MiB is not refused on its header', async () => {
    nextConnection(100 * 1024 * 1024);
    const adapter = new WsAdapter({ closeTimeoutMs: 0 });
    await adapter.dial(new URL(`ws://127.0.0.1:${port}/`));
    const read = adapter.read();
    const outcome = await Promise.race([
      read.then(
        () => 'read',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(r, 100, 'waiting')),
    ]);
    assert.equal(outcome, 'waiting', 'the adapter waits for the payload');
    (await sent).destroy();
    assert.equal(((await rejection(read)) as WebSocketCloseError).code, 1006);
  });

  it('undici (the WHATWG adapter on Node 20) has a default of its own, 128 MiB, set on its dispatcher', () => {
    const agent = new Agent();
    const options = (agent as unknown as { webSocketOptions?: { maxPayloadSize?: number } }).webSocketOptions;
    assert.equal(options?.maxPayloadSize, 128 * 1024 * 1024);
    void agent.close();
  });
});

describe('credentials in the URL reach no message, cause chain, span or metric', { timeout: 30_000 }, () => {
  const SECRETS = ['S3CRET', 'alice', 'T0KEN', 'SIGNATURE'];
  const withSecrets = (target: URL) => {
    const url = new URL(target);
    url.username = 'alice';
    url.password = 'S3CRET-PASS';
    url.search = '?token=T0KEN-VALUE&X-Amz-Signature=SIGNATURE';
    return url;
  };
  let peer: ConformancePeer;
  before(async () => {
    peer = await startWsPeer();
  });
  after(() => peer.close());

  /** Everything an application could log or export about a run that went through `faults`. */
  async function observe(url: URL, faults: (engine: WebSocketEngine) => Promise<void>) {
    const tracing = createTracing();
    const metering = createMetrics();
    const seen: unknown[] = [];
    const engine = new WebSocketEngine({
      url,
      adapter: new WsAdapter({ closeTimeoutMs: 200 }),
      telemetry: openTelemetry({ tracerProvider: tracing.provider, meterProvider: metering.provider }),
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxRetries: 3, minUptimeMs: 0 },
      openTimeoutMs: 2_000,
      keepalive: { intervalMs: 50, timeoutMs: 50 },
      client: {
        onMessage() {},
        onReadError: ({ error }) => void seen.push(error),
        onRestartError: ({ error }) => void seen.push(error),
        onClose: ({ closeMessage }) => void seen.push(closeMessage),
        onCloseError: ({ error }) => void seen.push(error),
        onExit: (exit: EngineExit) => void seen.push(exit),
      },
    });
    await faults(engine);
    await engine.stop();
    seen.push(await engine.closed);
    const spans = tracing.spans().map((s) => ({
      name: s.name,
      attributes: s.attributes,
      status: s.status,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    }));
    const metrics = await metering.collect();
    await tracing.shutdown();
    await metering.shutdown();
    return { seen, spans, metrics };
  }

  it('a refused handshake, a reset, a half-open link and failed reconnects: nothing shows them', async () => {
    // The check itself finds them where they are.
    const planted = secretsIn({ url: withSecrets(peer.url).href }, SECRETS);
    for (const secret of SECRETS)
      assert.ok(
        planted.some((found) => found.endsWith(secret)),
        secret,
      );
    const proxy = await startFaultProxy({ target: peer.url });
    const startErrors: unknown[] = [];
    const { seen, spans, metrics } = await observe(withSecrets(proxy.url), async (engine) => {
      peer.refuseNextHandshake(401, { body: 'who are you?' });
      startErrors.push(await engine.start().catch((e: unknown) => e));
      await engine.start();
      await peer.accept();
      proxy.reset(); // 1006, then a reconnect
      await peer.accept();
      proxy.cut(); // keepalive finds it, then a reconnect
      await peer.accept();
      await proxy.close(); // every attempt is refused until maxRetries
      await until(() => !engine.isStarted, 'the engine to give up', 15_000);
    });
    assert.ok(startErrors[0] instanceof EngineStartError);
    assert.ok(spans.length > 5, 'spans were recorded');
    assert.ok(seen.length > 3, 'errors were reported');
    assert.deepEqual(secretsIn({ seen, startErrors }, SECRETS), []);
    assert.deepEqual(secretsIn(spans, SECRETS), []);
    assert.deepEqual(secretsIn(metrics, SECRETS), []);
  });

  it('a TLS failure and an unreachable port: nothing shows them', async () => {
    const https = createHttpsServer({ cert: CERT, key: KEY });
    new WebSocketServer({ server: https });
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    const tlsUrl = new URL(`wss://127.0.0.1:${(https.address() as { port: number }).port}/feed`);
    const errors: unknown[] = [];
    for (const target of [tlsUrl, new URL('ws://127.0.0.1:1/feed')]) {
      const { seen, spans, metrics } = await observe(withSecrets(target), async (engine) => {
        errors.push(await engine.start().catch((e: unknown) => e));
      });
      assert.ok(errors.at(-1) instanceof EngineStartError);
      assert.deepEqual(secretsIn({ seen, errors }, SECRETS), []);
      assert.deepEqual(secretsIn(spans, SECRETS), []);
      assert.deepEqual(secretsIn(metrics, SECRETS), []);
    }
    https.closeAllConnections();
    https.close();
  });
});
