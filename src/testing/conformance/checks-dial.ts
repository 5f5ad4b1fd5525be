import { ConnectionClosedError, DialError, HandshakeError, InvalidArgumentError } from '../../core/errors.js';
import { MessageType } from '../../core/message.js';
import { equal, ok, rejectsWith, rejectsWithReason, sameMessage, show, text } from './assert.js';
import type { ExecutableClause } from './types.js';

/** Clauses of `dial`. */
export const DIAL_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'dial.blocks-until-handshake',
    section: 'Dial',
    level: 'MUST',
    source: 'original',
    text: 'dial blocks until the WebSocket handshake completes: it stays pending while the server has not answered, and once it resolves the connection is usable.',
    async check(ctx) {
      const stalled = ctx.newAdapter();
      ctx.peer.stallNextHandshake();
      ok(
        await ctx.staysPending(stalled.dial(ctx.peer.url)),
        'dial settled although the server never answered the handshake',
      );
      const { adapter, conn } = await ctx.connect();
      await ctx.within(adapter.write(MessageType.Text, 'right after dial'), 'write after dial');
      sameMessage(
        await ctx.within(conn.nextMessage(), 'the peer receiving'),
        text('right after dial'),
        'first message',
      );
    },
  },
  {
    id: 'dial.returns-response',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: "dial resolves with the server's answer: status 101, headers (lower-case names, {} where hidden), the negotiated subprotocol and extensions as strings.",
    async check(ctx) {
      const { response, conn } = await ctx.connect();
      equal(response.status, 101, 'response.status');
      ok(
        response.headers && typeof response.headers === 'object',
        `response.headers must be an object, got ${show(response.headers)}`,
      );
      for (const name of Object.keys(response.headers))
        ok(name === name.toLowerCase(), `header name "${name}" is not lower-case`);
      equal(typeof response.extensions, 'string', 'typeof response.extensions');
      equal(response.protocol, conn.protocol, 'response.protocol (the subprotocol the server selected)');
    },
  },
  {
    id: 'dial.keeps-connection-inside',
    section: 'Dial',
    level: 'MUST',
    source: 'original',
    text: 'dial does not return the underlying connection: it stays inside the adapter, exposed only by getUnderlyingConnection() (undefined before any dial).',
    async check(ctx) {
      const adapter = ctx.newAdapter();
      equal(adapter.getUnderlyingConnection(), undefined, 'getUnderlyingConnection() before dial');
      const accepted = ctx.peer.accept();
      const response = await ctx.within(adapter.dial(ctx.peer.url), 'dial');
      await ctx.within(accepted, 'the peer accepting');
      const underlying = adapter.getUnderlyingConnection();
      ok(
        underlying !== undefined && underlying !== null,
        'getUnderlyingConnection() returned nothing after dial',
      );
      ok(response !== underlying, 'dial resolved with the underlying connection itself');
      for (const [key, value] of Object.entries(response)) {
        ok(value !== underlying, `the dial response exposes the underlying connection as "${key}"`);
      }
    },
  },
  {
    id: 'dial.drops-previous',
    section: 'Dial',
    level: 'MUST',
    source: 'original',
    text: 'dial on an adapter that holds a connection drops the previous one: reads and writes then use only the new connection.',
    async check(ctx) {
      const { adapter, conn: first } = await ctx.connect();
      const accepted = ctx.peer.accept();
      await ctx.within(adapter.dial(ctx.peer.url), 'the second dial');
      const second = await ctx.within(accepted, 'the peer accepting the second connection');
      await first.send(text('from the old connection')).catch(() => undefined);
      await ctx.within(second.send(text('from the new connection')), 'the peer sending');
      sameMessage(
        await ctx.within(adapter.read(), 'read'),
        text('from the new connection'),
        'read after redial',
      );
      await ctx.within(adapter.write(MessageType.Text, 'to the new connection'), 'write after redial');
      sameMessage(
        await ctx.within(second.nextMessage(), 'the new connection receiving'),
        text('to the new connection'),
        'write after redial',
      );
      ok(await ctx.staysPending(first.nextMessage()), 'a write after redial reached the old connection');
    },
  },
  {
    id: 'dial.closes-previous',
    section: 'Dial',
    level: 'SHOULD',
    source: 'added',
    text: 'dial on an adapter that holds a connection closes the previous one first, seamlessly (with a close frame, not a dropped socket).',
    async check(ctx) {
      const { adapter, conn: first } = await ctx.connect();
      const accepted = ctx.peer.accept();
      await ctx.within(adapter.dial(ctx.peer.url), 'the second dial');
      await ctx.within(accepted, 'the peer accepting the second connection');
      const closed = await ctx.within(first.closed, 'the old connection to close');
      ok(
        closed.code !== 1006,
        `the old connection was dropped without a close frame (peer saw ${closed.code})`,
      );
      equal(ctx.peer.openConnections(), 1, 'connections open on the peer');
    },
  },
  {
    id: 'dial.handshake-error',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: 'dial rejects with HandshakeError (ERR_HANDSHAKE) when the server answers the upgrade with anything but 101, and leaves nothing open: no underlying connection, reads reject with ConnectionClosedError, the adapter can dial again.',
    async check(ctx) {
      const adapter = ctx.newAdapter();
      // 403 rather than 401: undici's WebSocket re-sends a handshake answered 401 once.
      ctx.peer.refuseNextHandshake(403, { body: 'forbidden' });
      await rejectsWith(
        ctx.within(adapter.dial(ctx.peer.url), 'dial'),
        HandshakeError,
        'dial answered 403',
        'ERR_HANDSHAKE',
      );
      equal(
        adapter.getUnderlyingConnection(),
        undefined,
        'getUnderlyingConnection() after a refused handshake',
      );
      await rejectsWith(
        ctx.within(adapter.read(), 'read'),
        ConnectionClosedError,
        'read after a refused handshake',
      );
      equal(ctx.peer.openConnections(), 0, 'connections open on the peer');
      const accepted = ctx.peer.accept();
      await ctx.within(adapter.dial(ctx.peer.url), 'dial after a refused handshake');
      await ctx.within(accepted, 'the peer accepting');
    },
  },
  {
    id: 'dial.handshake-error-details',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: "HandshakeError carries the server's status, its headers (lower-case names) and the first bytes of the body.",
    async check(ctx) {
      const adapter = ctx.newAdapter();
      ctx.peer.refuseNextHandshake(503, { headers: { 'Retry-After': '7' }, body: 'busy, try later' });
      const error = await rejectsWith(
        ctx.within(adapter.dial(ctx.peer.url), 'dial'),
        HandshakeError,
        'dial answered 503',
      );
      equal(error.status, 503, 'HandshakeError.status');
      equal(error.headers['retry-after'], '7', 'HandshakeError.headers["retry-after"]');
      ok(
        error.body.includes('busy, try later'),
        `HandshakeError.body should hold the response body, got ${show(error.body)}`,
      );
    },
  },
  {
    id: 'dial.invalid-url',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: 'dial rejects with InvalidArgumentError (ERR_INVALID_URL) for a URL that is not ws: or wss:, and sends nothing.',
    async check(ctx) {
      const adapter = ctx.newAdapter();
      for (const url of ['http://127.0.0.1:9/', 'https://example.invalid/', 'ftp://127.0.0.1/']) {
        await rejectsWith(
          ctx.within(adapter.dial(new URL(url)), 'dial'),
          InvalidArgumentError,
          `dial(${url})`,
          'ERR_INVALID_URL',
        );
      }
      equal(ctx.peer.openConnections(), 0, 'connections open on the peer');
    },
  },
  {
    id: 'dial.unreachable',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: 'dial rejects with DialError (ERR_DIAL) when the server cannot be reached.',
    async check(ctx) {
      const adapter = ctx.newAdapter();
      await ctx.within(ctx.peer.close(), 'the peer to close');
      await rejectsWith(
        ctx.within(adapter.dial(ctx.peer.url), 'dial'),
        DialError,
        'dial to a closed port',
        'ERR_DIAL',
      );
    },
  },
  {
    id: 'dial.abort',
    section: 'Dial',
    level: 'MUST',
    source: 'added',
    text: 'dial whose signal aborts (before or during the handshake) rejects with signal.reason; the adapter can dial again afterwards.',
    async check(ctx) {
      const adapter = ctx.newAdapter();
      const aborted = AbortSignal.abort(new Error('aborted before dial'));
      await rejectsWithReason(
        ctx.within(adapter.dial(ctx.peer.url, { signal: aborted }), 'dial'),
        aborted,
        'dial with an aborted signal',
      );
      ctx.peer.stallNextHandshake();
      const timeout = AbortSignal.timeout(ctx.settleMs);
      await rejectsWithReason(
        ctx.within(adapter.dial(ctx.peer.url, { signal: timeout }), 'dial'),
        timeout,
        'dial timing out',
      );
      const accepted = ctx.peer.accept();
      await ctx.within(adapter.dial(ctx.peer.url), 'dial after an aborted dial');
      await ctx.within(accepted, 'the peer accepting');
    },
  },
];
