import { WscEngineError } from '../../core/errors.js';
import { fail, handled, ok, rejectsWith, rejectsWithReason, sameMessage, show, text } from './assert.js';
import { checkNoConnection } from './no-connection.js';
import type { ExecutableClause } from './types.js';

/** Clauses of `ping`. */
export const PING_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'ping.resolves-on-pong',
    section: 'Ping',
    level: 'MUST',
    source: 'original',
    text: 'ping resolves once the pong arrives, without any concurrent read (none can be assumed).',
    async check(ctx) {
      const { adapter } = await ctx.connect();
      for (let i = 1; i <= 3; i++) await ctx.within(adapter.ping(), `ping #${i} with no read pending`);
    },
  },
  {
    id: 'ping.with-concurrent-read',
    section: 'Ping',
    level: 'MUST',
    source: 'added',
    text: 'ping resolves once the pong arrives while a read is pending; the read is not disturbed and gets the next message.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const read = handled(adapter.read());
      await ctx.within(adapter.ping(), 'ping with a read pending');
      ok(await ctx.staysPending(read), 'the pending read settled although no message was sent');
      await ctx.within(conn.send(text('after the pong')), 'the peer sending');
      sameMessage(await ctx.within(read, 'the pending read'), text('after the pong'), 'pending read');
    },
  },
  {
    id: 'ping.waits-for-pong',
    section: 'Ping',
    level: 'MUST',
    source: 'original',
    text: 'ping blocks until the pong: when none comes it stays pending until its signal aborts, then rejects with signal.reason.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      conn.answerPings(false);
      const signal = AbortSignal.timeout(ctx.settleMs);
      await rejectsWithReason(ctx.within(adapter.ping({ signal }), 'ping'), signal, 'ping without a pong');
      const aborted = AbortSignal.abort(new Error('aborted before ping'));
      await rejectsWithReason(
        ctx.within(adapter.ping({ signal: aborted }), 'ping'),
        aborted,
        'ping with an aborted signal',
      );
    },
  },
  {
    id: 'ping.rejects-on-close',
    section: 'Ping',
    level: 'MUST',
    source: 'original',
    text: 'ping rejects (with a WscEngineError) when the connection is lost while it waits for the pong.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      conn.answerPings(false);
      const ping = handled(adapter.ping());
      let early: { outcome: unknown } | undefined;
      ping.then(
        (value) => (early ??= { outcome: value }),
        (error: unknown) => (early ??= { outcome: error }),
      );
      // A round trip lets the ping reach the peer before the drop, so the adapter is really waiting.
      await ctx.within(conn.send(text('sync')), 'the peer sending');
      sameMessage(await ctx.within(adapter.read(), 'read'), text('sync'), 'sync message');
      if (early) fail(`ping settled before the connection was lost: ${show(early.outcome)}`, early.outcome);
      conn.drop();
      await rejectsWith(
        ctx.within(ping, 'ping to settle after the drop'),
        WscEngineError,
        'ping during a drop',
      );
    },
  },
  {
    id: 'ping.no-connection',
    section: 'Ping',
    level: 'MUST',
    source: 'original',
    text: 'ping rejects with ConnectionClosedError when there is no connection: never dialled, or closed.',
    check: (ctx) => checkNoConnection(ctx, 'ping', (adapter) => adapter.ping()),
  },
];
