import { WebSocketCloseError, WscEngineError } from '../../core/errors.js';
import { type Message, MessageType } from '../../core/message.js';
import { binary, equal, handled, ok, rejectsWith, rejectsWithReason, sameMessage, text } from './assert.js';
import { APPLICATION_CODES } from './checks-close.js';
import { checkNoConnection } from './no-connection.js';
import type { ClauseContext, ExecutableClause } from './types.js';

/** Codes a server may send that the suite expects back unchanged from `read`. */
const SERVER_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014];

async function expectCloseError(
  ctx: ClauseContext,
  read: Promise<Message>,
  code: number,
  reason: string,
  what: string,
) {
  const error = await rejectsWith(ctx.within(read, what), WebSocketCloseError, what);
  equal(error.code, code, `${what}: WebSocketCloseError.code`);
  equal(error.reason, reason, `${what}: WebSocketCloseError.reason`);
  equal(
    error.message,
    `connection has been closed: ${code} - ${reason}`,
    `${what}: WebSocketCloseError.message`,
  );
}

async function checkReceivedCodes(ctx: ClauseContext, codes: readonly number[]): Promise<void> {
  for (const code of codes) {
    const { adapter, conn } = await ctx.connect();
    const reason = `server says ${code} ✓`;
    conn.close(code, reason);
    await expectCloseError(ctx, adapter.read(), code, reason, `read after the peer closed with ${code}`);
  }
}

/** A megabyte-sized message whose every byte depends on its position. */
function bigBinary(size: number): Message {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return binary(data);
}

function bigText(size: number): Message {
  const unit = 'wscengine ✓ éà 😀 ';
  // Repeating whole units never splits a surrogate pair.
  return text(unit.repeat(Math.ceil(size / unit.length)));
}

/** Clauses of `read` (the backpressure clause lives in checks-backpressure.ts). */
export const READ_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'read.text-and-binary',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'read returns text messages as Text with a string and binary messages as Binary with a Uint8Array, content unchanged (empty messages included).',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const messages = [
        text('héllo ✓ 😀'),
        binary([0, 1, 2, 127, 128, 255]),
        text(''),
        binary([]),
        text('{"json":true}'),
      ];
      for (const message of messages) await ctx.within(conn.send(message), 'the peer sending');
      for (const [i, message] of messages.entries()) {
        sameMessage(await ctx.within(adapter.read(), `read #${i + 1}`), message, `message #${i + 1}`);
      }
    },
  },
  {
    id: 'read.large-message',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'read defragments: a 1 MiB message sent in many frames comes back whole, binary and text alike.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const messages = [bigBinary(1024 * 1024), bigText(1024 * 1024)];
      for (const message of messages) {
        await ctx.within(conn.send(message, { fragments: 17 }), 'the peer sending');
        sameMessage(await ctx.within(adapter.read(), 'read'), message, '1 MiB message');
      }
    },
  },
  {
    id: 'read.control-frames-hidden',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'read never returns close, ping, pong or continuation frames: the peer pinging between messages changes nothing and a close frame ends reading with WebSocketCloseError.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const first = handled(adapter.read());
      if (conn.ping) await ctx.within(conn.ping(), 'the pong to a ping from the peer');
      await ctx.within(conn.send(text('one'), { fragments: 3 }), 'the peer sending');
      sameMessage(await ctx.within(first, 'read'), text('one'), 'first message');
      const pings = conn.ping ? [handled(conn.ping()), handled(conn.ping())] : [];
      await ctx.within(conn.send(text('two')), 'the peer sending');
      await ctx.within(Promise.all(pings), 'the pongs');
      sameMessage(await ctx.within(adapter.read(), 'read'), text('two'), 'second message');
      conn.close(1000, 'end');
      await expectCloseError(ctx, adapter.read(), 1000, 'end', 'read after the close frame');
    },
  },
  {
    id: 'read.close-frame-code',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: `read rejects with WebSocketCloseError carrying the server's registered close code and reason unchanged (${SERVER_CODES.join(', ')}).`,
    check: (ctx) => checkReceivedCodes(ctx, SERVER_CODES),
  },
  {
    id: 'read.close-frame-application-code',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: `read rejects with WebSocketCloseError carrying application codes 3000-4999 unchanged (${APPLICATION_CODES.join(', ')}).`,
    check: (ctx) => checkReceivedCodes(ctx, APPLICATION_CODES),
  },
  {
    id: 'read.close-frame-no-code',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'read rejects with WebSocketCloseError 1005 and an empty reason when the close frame carries no code.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      conn.close();
      await expectCloseError(ctx, adapter.read(), 1005, '', 'read after an empty close frame');
    },
  },
  {
    id: 'read.abnormal-closure',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'read rejects with WebSocketCloseError 1006 when the connection is lost without a close frame, pending reads included.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const pending = handled(adapter.read());
      conn.drop();
      const error = await rejectsWith(
        ctx.within(pending, 'pending read'),
        WebSocketCloseError,
        'read during a drop',
      );
      equal(error.code, 1006, 'WebSocketCloseError.code after a drop');
      await rejectsWith(ctx.within(adapter.read(), 'read'), WscEngineError, 'read after the drop');
    },
  },
  {
    id: 'read.messages-before-close',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'messages that arrived before the close frame are read first, in order; then read rejects with the WebSocketCloseError.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      await ctx.within(conn.send(text('m1')), 'the peer sending');
      await ctx.within(conn.send(binary([2])), 'the peer sending');
      conn.close(4002, 'done');
      await ctx.within(conn.closed, 'the close handshake');
      sameMessage(await ctx.within(adapter.read(), 'read'), text('m1'), 'first message');
      sameMessage(await ctx.within(adapter.read(), 'read'), binary([2]), 'second message');
      await expectCloseError(ctx, adapter.read(), 4002, 'done', 'read after the queued messages');
    },
  },
  {
    id: 'read.queues-early-messages',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'messages that arrive before read is called are queued and read in arrival order.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      // Fewer than the hinted queue bound: this clause is about order, not overflow.
      const messages = Array.from({ length: 10 }, (_, i) => (i % 2 ? binary([i]) : text(`m${i}`)));
      for (const message of messages) await ctx.within(conn.send(message), 'the peer sending');
      // A round trip makes sure everything sent has reached the adapter before the first read.
      await ctx.within(adapter.write(MessageType.Text, 'sync'), 'write');
      await ctx.within(conn.nextMessage(), 'the peer receiving');
      for (const [i, message] of messages.entries()) {
        sameMessage(await ctx.within(adapter.read(), `read #${i + 1}`), message, `message #${i + 1}`);
      }
    },
  },
  {
    id: 'read.concurrent-reads',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'several pending reads each get a different message, in arrival order (read #n gets message #n), whether messages were queued or arrive later.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const messages = Array.from({ length: 12 }, (_, i) => text(`m${i}`));
      for (const message of messages.slice(0, 4)) await ctx.within(conn.send(message), 'the peer sending');
      const reads = messages.map(() => handled(adapter.read()));
      for (const message of messages.slice(4)) await ctx.within(conn.send(message), 'the peer sending');
      const got = await ctx.within(Promise.all(reads), 'the pending reads');
      for (const [i, message] of messages.entries()) sameMessage(got[i], message, `read #${i + 1}`);
    },
  },
  {
    id: 'read.blocks-until-message',
    section: 'Read',
    level: 'MUST',
    source: 'original',
    text: 'read blocks until a message arrives: with nothing sent it stays pending, and it resolves when a message comes.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const read = adapter.read();
      ok(await ctx.staysPending(read), 'read settled although nothing was sent');
      await ctx.within(conn.send(text('late')), 'the peer sending');
      sameMessage(await ctx.within(read, 'read'), text('late'), 'late message');
    },
  },
  {
    id: 'read.abort-loses-nothing',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'read whose signal aborts rejects with signal.reason and takes no message: the next read gets it.',
    async check(ctx) {
      const { adapter, conn } = await ctx.connect();
      const controller = new AbortController();
      const pending = adapter.read({ signal: controller.signal });
      controller.abort(new Error('reader gave up'));
      await rejectsWithReason(ctx.within(pending, 'aborted read'), controller.signal, 'aborted pending read');
      await ctx.within(conn.send(text('a')), 'the peer sending');
      await ctx.within(conn.send(text('b')), 'the peer sending');
      const aborted = AbortSignal.abort(new Error('aborted before read'));
      await rejectsWithReason(
        ctx.within(adapter.read({ signal: aborted }), 'read'),
        aborted,
        'read with an aborted signal',
      );
      sameMessage(await ctx.within(adapter.read(), 'read'), text('a'), 'message after the aborted reads');
      sameMessage(await ctx.within(adapter.read(), 'read'), text('b'), 'next message');
      const timeout = AbortSignal.timeout(ctx.settleMs);
      await rejectsWithReason(
        ctx.within(adapter.read({ signal: timeout }), 'read'),
        timeout,
        'read timing out',
      );
      await ctx.within(conn.send(text('c')), 'the peer sending');
      sameMessage(await ctx.within(adapter.read(), 'read'), text('c'), 'message after the timed-out read');
    },
  },
  {
    id: 'read.no-connection',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'read rejects with ConnectionClosedError before any dial, and with a WscEngineError after close.',
    check: (ctx) => checkNoConnection(ctx, 'read', (adapter) => adapter.read(), WscEngineError),
  },
];
