import { ConnectionClosedError, InvalidArgumentError, WscEngineError } from '../../core/errors.js';
import { MessageType } from '../../core/message.js';
import { equal, fail, handled, rejectsWith, sameMessage, show, text } from './assert.js';
import type { ClauseContext, Connected, ExecutableClause } from './types.js';

/** Registered codes a client may send (1004-1006 and 1015 are reserved). */
export const REGISTERED_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014];
/** Codes of the registered (3000-3999) and private (4000-4999) application ranges. */
export const APPLICATION_CODES = [3000, 3999, 4000, 4001, 4500, 4999];

/** A reason of exactly 123 UTF-8 bytes, the longest a close frame holds, with multi-byte characters. */
const LONGEST_REASON = `${'é'.repeat(60)}abc`;

async function checkSentCodes(ctx: ClauseContext, codes: readonly number[]): Promise<void> {
  for (const code of codes) {
    const { adapter, conn } = await ctx.connect();
    const reason = `bye ${code} ✓`;
    await ctx.within(adapter.close(code, reason), `close(${code})`);
    const closed = await ctx.within(conn.closed, `the peer seeing close(${code})`);
    equal(closed.code, code, `close code the peer received for close(${code})`);
    equal(closed.reason, reason, `close reason the peer received for close(${code})`);
  }
}

async function expectStillOpen(ctx: ClauseContext, { adapter, conn }: Connected): Promise<void> {
  await ctx.within(adapter.write(MessageType.Text, 'still open'), 'write after the refused close');
  sameMessage(
    await ctx.within(conn.nextMessage(), 'the peer receiving'),
    text('still open'),
    'message after the refused close',
  );
}

/** Clauses of `close`. */
export const CLOSE_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'close.sends-close-frame',
    section: 'Close',
    level: 'MUST',
    source: 'original',
    text: 'close sends a close frame with the code and reason and resolves once it is sent and the close handshake has finished.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      await ctx.within(adapter.close(1000, 'done'), 'close');
      const closed = await ctx.within(conn.closed, 'the peer seeing the close');
      equal(closed.code, 1000, 'close code the peer received');
      equal(closed.reason, 'done', 'close reason the peer received');
    },
  },
  {
    id: 'close.timeout',
    section: 'Close',
    level: 'MUST',
    source: 'added',
    text: "close resolves after the adapter's close timeout when the server never answers the close frame, and the connection is dropped.",
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      if (!conn.stopReading)
        fail(
          'this peer cannot stop reading (PeerConnection.stopReading), so the close timeout cannot be checked',
        );
      conn.stopReading();
      await ctx.within(
        adapter.close(1000, 'no answer expected'),
        'close to give up waiting for the close frame',
      );
      await rejectsWith(
        ctx.within(adapter.write(MessageType.Text, 'x'), 'write'),
        ConnectionClosedError,
        'write after close',
        'ERR_CONNECTION_CLOSED',
      );
    },
  },
  {
    id: 'close.pending-reads-reject',
    section: 'Close',
    level: 'MUST',
    source: 'original',
    text: 'close drops pending reads: a read waiting when close is called rejects (WebSocketCloseError or ConnectionClosedError) instead of hanging.',
    async check(ctx) {
      const { adapter } = await ctx.connect();
      const reads = [handled(adapter.read()), handled(adapter.read())];
      await ctx.within(adapter.close(1000, 'bye'), 'close');
      for (const [i, read] of reads.entries()) {
        await rejectsWith(
          ctx.within(read, `pending read #${i + 1} to settle`),
          WscEngineError,
          `pending read #${i + 1}`,
        );
      }
    },
  },
  {
    id: 'close.pending-writes-settle',
    section: 'Close',
    level: 'MUST',
    source: 'original',
    text: 'close drops pending writes: writes in flight when close is called settle (sent, or rejected with a WscEngineError) and later writes reject with ConnectionClosedError.',
    async check(ctx) {
      const { adapter } = await ctx.connect();
      const payload = new Uint8Array(256 * 1024).fill(7);
      const writes = Array.from({ length: 4 }, () => handled(adapter.write(MessageType.Binary, payload)));
      await ctx.within(adapter.close(1000, 'bye'), 'close');
      for (const [i, write] of writes.entries()) {
        try {
          await ctx.within(write, `write #${i + 1} to settle`);
        } catch (error) {
          if (!(error instanceof WscEngineError)) fail(`write #${i + 1} rejected with ${show(error)}`, error);
        }
      }
      await rejectsWith(
        ctx.within(adapter.write(MessageType.Text, 'x'), 'write'),
        ConnectionClosedError,
        'write after close',
      );
    },
  },
  {
    id: 'close.aborted-signal',
    section: 'Close',
    level: 'MUST',
    source: 'original',
    text: 'close closes the connection even if its signal has already aborted: the close frame with the code and reason still goes out.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const signal = AbortSignal.abort(new Error('already aborted'));
      await ctx.within(adapter.close(4100, 'closing anyway', { signal }), 'close').catch((error: unknown) => {
        if (error !== signal.reason) throw error;
      });
      const closed = await ctx.within(conn.closed, 'the peer seeing the close');
      equal(closed.code, 4100, 'close code the peer received');
      equal(closed.reason, 'closing anyway', 'close reason the peer received');
    },
  },
  {
    id: 'close.twice',
    section: 'Close',
    level: 'MUST',
    source: 'original',
    text: 'close rejects with ConnectionClosedError (ERR_CONNECTION_CLOSED) when there is no open connection: never dialled, or closed already.',
    async check(ctx) {
      await rejectsWith(
        ctx.within(ctx.newAdapter().close(1000), 'close'),
        ConnectionClosedError,
        'close before dial',
        'ERR_CONNECTION_CLOSED',
      );
      const { adapter } = await ctx.connect();
      await ctx.within(adapter.close(1000), 'close');
      await rejectsWith(
        ctx.within(adapter.close(1000), 'close'),
        ConnectionClosedError,
        'second close',
        'ERR_CONNECTION_CLOSED',
      );
    },
  },
  {
    id: 'close.invalid-code',
    section: 'Close',
    level: 'MUST',
    source: 'added',
    text: 'close rejects with InvalidArgumentError (ERR_INVALID_CLOSE_CODE) for a code that may not be sent (1004-1006, 1015, outside 1000-1014 and 3000-4999, non-integers) and leaves the connection open.',
    async check(ctx) {
      const connected = await ctx.connect();
      for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5, Number.NaN]) {
        const closing = connected.adapter.close(code, 'invalid');
        await rejectsWith(
          ctx.within(closing, `close(${code})`),
          InvalidArgumentError,
          `close(${code})`,
          'ERR_INVALID_CLOSE_CODE',
        );
      }
      await expectStillOpen(ctx, connected);
    },
  },
  {
    id: 'close.reason-too-long',
    section: 'Close',
    level: 'MUST',
    source: 'added',
    text: 'close rejects with InvalidArgumentError (ERR_INVALID_CLOSE_REASON) for a reason over 123 UTF-8 bytes and leaves the connection open; a reason of exactly 123 bytes goes through intact.',
    async check(ctx) {
      const connected = await ctx.connect();
      const closing = connected.adapter.close(1000, `${LONGEST_REASON}x`);
      await rejectsWith(
        ctx.within(closing, 'close'),
        InvalidArgumentError,
        'close with a 124-byte reason',
        'ERR_INVALID_CLOSE_REASON',
      );
      await expectStillOpen(ctx, connected);
      await ctx.within(connected.adapter.close(4000, LONGEST_REASON), 'close with a 123-byte reason');
      const closed = await ctx.within(connected.conn.closed, 'the peer seeing the close');
      equal(closed.reason, LONGEST_REASON, 'the 123-byte reason the peer received');
    },
  },
  {
    id: 'close.code-passthrough-registered',
    section: 'Close',
    level: 'MUST',
    source: 'added',
    text: `close sends registered codes unchanged, with their reason (${REGISTERED_CODES.join(', ')}).`,
    check: (ctx) => checkSentCodes(ctx, REGISTERED_CODES),
  },
  {
    id: 'close.code-passthrough-application',
    section: 'Close',
    level: 'MUST',
    source: 'added',
    text: `close sends application codes 3000-4999 unchanged, with their reason (${APPLICATION_CODES.join(', ')}).`,
    check: (ctx) => checkSentCodes(ctx, APPLICATION_CODES),
  },
];
