import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { INBOUND_OVERFLOW_REASON, WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import { DialError, UnsupportedOperationError, WebSocketCloseError } from '../../src/core/errors.js';
import { MessageType } from '../../src/core/message.js';
import {
  type ClauseContext,
  describeAdapterConformance,
  flood,
  floodIndex,
} from '../../src/testing/conformance/index.js';
import { startWsPeer } from '../../src/testing/node/ws-peer.js';

const NO_PING = 'the WHATWG API cannot send pings';

/** WHATWG close() refuses 1001-1014, so those go out as 1000 with the caller's reason. */
async function registeredCodesGoOutAs1000(ctx: ClauseContext): Promise<void> {
  for (const code of [1000, 1001, 1008, 1011, 1014]) {
    const { adapter, conn } = await ctx.connect();
    await ctx.within(adapter.close(code, `bye ${code}`), `close(${code})`);
    assert.deepEqual(await ctx.within(conn.closed, 'the peer seeing the close'), {
      code: 1000,
      reason: `bye ${code}`,
    });
  }
}

/**
 * It cannot pause the socket: when the queue is full it fails the connection clearly (the
 * server sees a close frame, reads deliver what was queued, then 1008) instead of growing.
 */
async function overflowFailsTheConnection(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  const result = await flood(conn, { untilClosed: true });
  assert.equal(result.stoppedBy, 'closed', 'the connection should close on overflow');
  assert.deepEqual(await conn.closed, { code: 1000, reason: INBOUND_OVERFLOW_REASON });
  let expected = 0;
  for (;;) {
    const outcome = await ctx.within(adapter.read(), 'read').then(
      (message) => ({ message }),
      (error: unknown) => ({ error }),
    );
    if ('error' in outcome) {
      assert.ok(outcome.error instanceof WebSocketCloseError);
      assert.equal(outcome.error.code, 1008);
      break;
    }
    assert.equal(outcome.message.type, MessageType.Binary);
    assert.equal(floodIndex(outcome.message), expected++);
  }
  assert.ok(
    expected > 0 && expected <= ctx.hints.inboundQueue.maxMessages,
    `${expected} queued messages delivered`,
  );
}

describeAdapterConformance({
  name: 'WhatwgWebSocketAdapter (undici WebSocket)',
  createAdapter: (_peer, hints) =>
    new WhatwgWebSocketAdapter({
      WebSocket,
      closeTimeoutMs: hints.closeTimeoutMs,
      inboundQueue: { ...hints.inboundQueue },
    }),
  createPeer: () => startWsPeer(),
  exceptions: {
    'dial.handshake-error': {
      reason: 'the WHATWG API hides the HTTP answer: a non-101 answer rejects with DialError',
      raises: DialError,
    },
    'dial.handshake-error-details': {
      reason: 'the WHATWG API hides status, headers and body of a refused handshake',
      raises: DialError,
    },
    'close.code-passthrough-registered': {
      reason: 'WHATWG close() forbids 1001-1014: they go out as 1000 with the reason',
      expect: registeredCodesGoOutAs1000,
    },
    'ping.resolves-on-pong': { reason: NO_PING, raises: UnsupportedOperationError },
    'ping.with-concurrent-read': { reason: NO_PING, raises: UnsupportedOperationError },
    'ping.waits-for-pong': { reason: NO_PING, raises: UnsupportedOperationError },
    'ping.rejects-on-close': { reason: NO_PING, raises: UnsupportedOperationError },
    'ping.no-connection': { reason: NO_PING, raises: UnsupportedOperationError },
    'read.backpressure': {
      reason: 'the WHATWG API cannot pause a socket: a full queue fails the connection',
      expect: overflowFailsTheConnection,
    },
  },
  test: { describe, it },
});
