import { InvalidArgumentError } from '../../core/errors.js';
import { type Message, MessageType } from '../../core/message.js';
import { binary, handled, ok, rejectsWith, rejectsWithReason, sameMessage, text } from './assert.js';
import { checkNoConnection } from './no-connection.js';
import type { ClauseContext, Connected, ExecutableClause } from './types.js';

async function writeAll(
  ctx: ClauseContext,
  { adapter }: Pick<Connected, 'adapter'>,
  messages: readonly Message[],
): Promise<void> {
  const writes = messages.map((m) => adapter.write(m.type, m.data));
  await ctx.within(Promise.all(writes), 'the writes');
}

async function expectReceived(
  ctx: ClauseContext,
  { conn }: Pick<Connected, 'conn'>,
  messages: readonly Message[],
): Promise<void> {
  for (const [i, message] of messages.entries()) {
    sameMessage(
      await ctx.within(conn.nextMessage(), `the peer receiving #${i + 1}`),
      message,
      `message #${i + 1}`,
    );
  }
}

function patterned(size: number, seed: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i + seed) & 0xff;
  return data;
}

/** Clauses of `write`, of concurrent use, and of reusing an adapter. */
export const WRITE_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'write.text-and-binary',
    section: 'Write',
    level: 'MUST',
    source: 'original',
    text: 'write sends a string as one text message and a Uint8Array as one binary message, content unchanged (empty messages included), and resolves once it is sent.',
    async check(ctx) {
      const connected = await ctx.connect();
      const messages = [text('héllo ✓ 😀'), binary([0, 1, 2, 127, 128, 255]), text(''), binary([])];
      for (const m of messages) await ctx.within(connected.adapter.write(m.type, m.data), 'write');
      await expectReceived(ctx, connected, messages);
    },
  },
  {
    id: 'write.large-message',
    section: 'Write',
    level: 'MUST',
    source: 'original',
    text: 'write handles fragmentation: a 1 MiB message arrives whole, binary and text alike.',
    async check(ctx) {
      const connected = await ctx.connect();
      const messages = [binary(patterned(1024 * 1024, 3)), text('0123456789abcdef✓'.repeat(64 * 1024))];
      await writeAll(ctx, connected, messages);
      await expectReceived(ctx, connected, messages);
    },
  },
  {
    id: 'write.concurrent-order',
    section: 'Write',
    level: 'MUST',
    source: 'added',
    text: 'concurrent writes go out in call order, whatever their type and size.',
    async check(ctx) {
      const connected = await ctx.connect();
      const messages = Array.from({ length: 64 }, (_, i) =>
        i % 3 === 0
          ? text(`#${i} ${'x'.repeat((i * 977) % 20000)}`)
          : binary(patterned((i * 1531) % 70000, i)),
      );
      await writeAll(ctx, connected, messages);
      await expectReceived(ctx, connected, messages);
    },
  },
  {
    id: 'write.invalid-data',
    section: 'Write',
    level: 'MUST',
    source: 'added',
    text: 'write rejects with InvalidArgumentError (ERR_INVALID_MESSAGE) when the data does not match the type (Text takes a string, Binary a Uint8Array) and sends nothing.',
    async check(ctx) {
      const connected = await ctx.connect();
      const bad: [MessageType, unknown][] = [
        [MessageType.Text, new Uint8Array([1])],
        [MessageType.Binary, 'not bytes'],
        [MessageType.Binary, new ArrayBuffer(4)],
        [MessageType.Text, 42],
        [MessageType.Binary, null],
      ];
      for (const [type, data] of bad) {
        const write = connected.adapter.write(type, data as string);
        await rejectsWith(
          ctx.within(write, 'write'),
          InvalidArgumentError,
          `write(${type}, ${String(data)})`,
          'ERR_INVALID_MESSAGE',
        );
      }
      await writeAll(ctx, connected, [text('valid')]);
      await expectReceived(ctx, connected, [text('valid')]);
    },
  },
  {
    id: 'write.data-frames-only',
    section: 'Write',
    level: 'MUST',
    source: 'original',
    text: 'write never sends control frames: a type other than Text (1) or Binary (2), such as the close (8), ping (9) or pong (10) opcodes, rejects with InvalidArgumentError (ERR_INVALID_MESSAGE) and the connection stays open.',
    async check(ctx) {
      const connected = await ctx.connect();
      for (const type of [0, 3, 8, 9, 10]) {
        const write = connected.adapter.write(type as MessageType, new Uint8Array([3, 232]));
        await rejectsWith(
          ctx.within(write, 'write'),
          InvalidArgumentError,
          `write(${type})`,
          'ERR_INVALID_MESSAGE',
        );
      }
      await writeAll(ctx, connected, [text('still open')]);
      await expectReceived(ctx, connected, [text('still open')]);
      ok(await ctx.staysPending(connected.conn.closed), 'the connection closed after invalid writes');
    },
  },
  {
    id: 'write.abort',
    section: 'Write',
    level: 'MUST',
    source: 'added',
    text: 'write whose signal has aborted rejects with signal.reason and sends nothing.',
    async check(ctx) {
      const connected = await ctx.connect();
      const signal = AbortSignal.abort(new Error('aborted before write'));
      const write = connected.adapter.write(MessageType.Text, 'never sent', { signal });
      await rejectsWithReason(ctx.within(write, 'write'), signal, 'write with an aborted signal');
      await writeAll(ctx, connected, [text('sent')]);
      await expectReceived(ctx, connected, [text('sent')]);
    },
  },
  {
    id: 'write.no-connection',
    section: 'Write',
    level: 'MUST',
    source: 'original',
    text: 'write rejects with ConnectionClosedError when there is no connection: never dialled, or closed.',
    check: (ctx) => checkNoConnection(ctx, 'write', (adapter) => adapter.write(MessageType.Text, 'x')),
  },
  {
    id: 'concurrency.mixed-operations',
    section: 'Concurrency',
    level: 'MUST',
    source: 'original',
    text: 'the adapter is safe to use concurrently: many reads and writes in flight at once each complete exactly once, reads in arrival order, writes in call order.',
    async check(ctx) {
      const connected = await ctx.connect();
      const { adapter, conn } = connected;
      const count = 48;
      const echo = handled(
        (async () => {
          for (let i = 0; i < count; i++) await conn.send(await conn.nextMessage());
        })(),
      );
      const reads = Array.from({ length: count }, () => handled(adapter.read()));
      const messages = Array.from({ length: count }, (_, i) =>
        i % 2 ? binary(patterned(i * 100, i)) : text(`m${i}`),
      );
      await writeAll(ctx, connected, messages);
      await ctx.within(echo, 'the peer echoing');
      const got = await ctx.within(Promise.all(reads), 'the reads');
      for (const [i, message] of messages.entries()) sameMessage(got[i], message, `echo #${i + 1}`);
    },
  },
  {
    id: 'lifecycle.redial',
    section: 'Lifecycle',
    level: 'MUST',
    source: 'added',
    text: 'an adapter can dial again after it closed, and after the server closed: the engine reconnects with the same adapter.',
    async check(ctx) {
      const { adapter } = await ctx.connect();
      await ctx.within(adapter.close(1000), 'close');
      for (const closer of ['adapter', 'peer'] as const) {
        const accepted = ctx.peer.accept();
        await ctx.within(adapter.dial(ctx.peer.url), `dial after the ${closer} closed`);
        const next = await ctx.within(accepted, 'the peer accepting');
        const connected = { adapter, conn: next };
        await writeAll(ctx, connected, [text(`after ${closer} close`)]);
        await expectReceived(ctx, connected, [text(`after ${closer} close`)]);
        await ctx.within(next.send(text('reply')), 'the peer sending');
        sameMessage(await ctx.within(adapter.read(), 'read'), text('reply'), 'read on the new connection');
        if (closer === 'adapter') {
          next.close(4000, 'server closes');
          await rejectsWith(ctx.within(adapter.read(), 'read'), Error, 'read after the server closed');
        }
      }
    },
  },
];
