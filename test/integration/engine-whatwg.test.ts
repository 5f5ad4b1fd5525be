// The engine over the WHATWG adapter (undici's WebSocket on Node 20) against a real server
// on 127.0.0.1: the same engine guarantees hold with the adapter that cannot ping, read
// handshake headers or pause, and its limits surface as typed errors, never silently.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import {
  type CloseMessage,
  MessageType,
  type OnReadErrorArgs,
  UnsupportedOperationError,
  WebSocketEngine,
} from '../../src/index.js';
import { type ConformancePeer, type PeerConnection, startWsPeer } from '../../src/testing/index.js';

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

  it('keepalive with an adapter that cannot ping is reported once as UnsupportedOperationError, and reading goes on', async () => {
    const { events, client, until } = track();
    const engine = new WebSocketEngine({
      url: peer.url,
      adapter: new WhatwgWebSocketAdapter({ WebSocket }),
      client,
      keepalive: { intervalMs: 20, timeoutMs: 50 },
    });
    const accepted = peer.accept();
    await engine.start();
    const conn = await accepted;
    await until(() => events.readErrors.length === 1);
    assert.ok(events.readErrors[0] instanceof UnsupportedOperationError);
    await conn.send({ type: MessageType.Text, data: 'still reading' });
    await until(() => events.messages.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // several keepalive intervals
    assert.equal(events.readErrors.length, 1, 'reported once, not at every interval');
    assert.equal(events.closes.length, 0, 'no keepalive timeout for an adapter that cannot ping');
    await engine.stop();
  });
});
