// The engine over the WHATWG adapter (undici's WebSocket on Node 20) against a real server
// on 127.0.0.1: the same engine guarantees hold with the adapter that cannot ping, read
// handshake headers or pause, and its limits surface as typed errors, never silently.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import {
  type CloseMessage,
  InvalidOptionsError,
  MessageType,
  type OnReadErrorArgs,
  WebSocketEngine,
} from '../../src/index.js';
import type { ConformancePeer, PeerConnection } from '../../src/testing/index.js';
import { startWsPeer } from '../../src/testing/node/index.js';

describe('engine over WhatwgWebSocketAdapter (undici) and a real server', { timeout: 30_000 }, () => {
  let peer: ConformancePeer;
  before(async () => {
    peer = await startWsPeer();
  });
  after(() => peer.close());

  function track() {
    const events = {
      opens: [] as { restarting: boolean; sessionId: string }[],
      messages: [] as string[],
      closes: [] as (CloseMessage | undefined)[],
      readErrors: [] as unknown[],
    };
    let wake: () => void = () => {};
    const changed = () => new Promise<void>((resolve) => (wake = resolve));
    const client = {
      onOpen({ restarting, sessionId }: { restarting: boolean; sessionId: string }) {
        events.opens.push({ restarting, sessionId });
        wake();
      },
      onMessage({ message }: { message: { data: string | Uint8Array } }) {
        events.messages.push(String(message.data));
        wake();
      },
      onClose({ closeMessage }: { closeMessage?: CloseMessage }) {
        events.closes.push(closeMessage);
        wake();
      },
      onReadError({ error }: OnReadErrorArgs) {
        events.readErrors.push(error);
        wake();
      },
    };
    const until = async (predicate: () => boolean) => {
      while (!predicate()) await changed();
    };
    return { events, client, until };
  }

  it('exchanges messages, sees an application close code, reconnects, and stops clean', async () => {
    const { events, client, until } = track();
    const engine = new WebSocketEngine({
      url: peer.url,
      adapter: new WhatwgWebSocketAdapter({ WebSocket }),
      client,
      readers: 1,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, minUptimeMs: 0 },
    });
    const accepted = peer.accept();
    await engine.start();
    const first: PeerConnection = await accepted;
    await first.send({ type: MessageType.Text, data: 'one' });
    await first.send({ type: MessageType.Text, data: 'two' });
    await until(() => events.messages.length === 2);
    assert.deepEqual(events.messages, ['one', 'two']);

    const second = peer.accept();
    first.close(4001, 'moved');
    await until(() => events.opens.length === 2);
    assert.deepEqual(events.closes[0], { code: 4001, reason: 'moved' });
    assert.equal(events.opens[1].restarting, true);
    assert.notEqual(events.opens[1].sessionId, events.opens[0].sessionId);

    const conn = await second;
    await engine.stop();
    assert.equal(engine.isStarted, false);
    // The engine closed with its default 1001, which the WHATWG API sends as 1000.
    assert.deepEqual(await conn.closed, { code: 1000, reason: 'Going away' });
    assert.equal(events.closes.length, 2);
    assert.equal(events.closes[1], undefined);
  });

  it('keepalive over the WHATWG adapter without a heartbeat is an InvalidOptionsError at start()', async () => {
    const { client } = track();
    const engine = new WebSocketEngine({
      url: peer.url,
      adapter: new WhatwgWebSocketAdapter({ WebSocket }),
      client,
      keepalive: { intervalMs: 20, timeoutMs: 50 },
    });
    await assert.rejects(engine.start(), InvalidOptionsError);
    assert.equal(peer.openConnections(), 0, 'nothing was dialled');
  });

  it('keepalive.heartbeat keeps a live connection and finds one whose server stopped answering (1006)', async () => {
    const { events, client, until } = track();
    const engine = new WebSocketEngine({
      url: peer.url,
      adapter: new WhatwgWebSocketAdapter({ WebSocket }),
      client,
      autoReconnect: false,
      keepalive: {
        intervalMs: 20,
        timeoutMs: 50,
        heartbeat: { message: 'ping', isReply: (m) => m.data === 'pong' },
      },
    });
    const accepted = peer.accept();
    await engine.start();
    const conn = await accepted;
    for (let answered = 0; answered < 5; answered++) {
      assert.equal((await conn.nextMessage()).data, 'ping');
      await conn.send({ type: MessageType.Text, data: 'pong' });
    }
    assert.deepEqual(events.messages, [], 'replies never reach onMessage');
    assert.equal(events.closes.length, 0, 'answered heartbeats keep the session');
    // The server goes silent: the next heartbeat gets no reply.
    await until(() => events.closes.length === 1);
    assert.equal(events.closes[0]?.code, 1006);
    assert.match(events.closes[0]?.reason ?? '', /keepalive/);
    await engine.stop();
  });
});
