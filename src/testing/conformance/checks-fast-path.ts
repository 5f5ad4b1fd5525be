import type { ReadWatcher, WebSocketConnectionAdapter } from '../../core/adapter.js';
import { WebSocketCloseError, WscEngineError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import {
  binary,
  ConformanceAssertionError,
  equal,
  fail,
  handled,
  ok,
  rejectsWith,
  sameMessage,
  show,
  text,
} from './assert.js';
import type { ClauseContext, ExecutableClause } from './types.js';

/** How often `nextQueued` looks for a queued message. */
const POLL_MS = 2;

const READ_QUEUED = 'readQueued (optional: checked only when the adapter has it, not applicable otherwise)';
const WATCH_READS =
  'watchReads (optional, with readQueued: checked only when the adapter has it, not applicable otherwise)';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `readQueued`, failing if it throws or returns a promise instead of a message or `undefined`. */
function readQueued(adapter: WebSocketConnectionAdapter, what: string): Message | undefined {
  ok(typeof adapter.readQueued === 'function', `${what}: the adapter has no readQueued`);
  let result: unknown;
  try {
    result = adapter.readQueued();
  } catch (error) {
    fail(`${what}: readQueued threw ${show(error)} (it must return undefined instead)`, error);
  }
  ok(
    typeof (result as { then?: unknown } | undefined)?.then !== 'function',
    `${what}: readQueued returned a promise; it must return a message or undefined without waiting`,
    result,
  );
  return result as Message | undefined;
}

/** Polls `readQueued` until it returns a message (the suite cannot otherwise tell that one arrived). */
async function nextQueued(ctx: ClauseContext, adapter: WebSocketConnectionAdapter, what: string) {
  let stopped = false;
  const poll = handled(
    (async () => {
      for (;;) {
        const message = readQueued(adapter, what);
        if (message !== undefined) return message;
        if (stopped) throw new ConformanceAssertionError(`${what}: stopped polling`);
        await delay(POLL_MS);
      }
    })(),
  );
  try {
    return await ctx.within(poll, `${what} (readQueued returning a message)`);
  } finally {
    stopped = true;
  }
}

/** A watcher that records its calls, optionally taking the message from inside `queued()`. */
interface Recorder extends ReadWatcher {
  readonly events: string[];
  /** Messages `readQueued()` returned from inside `queued()` (with `take`). */
  readonly taken: (Message | undefined)[];
  count(event: 'queued' | 'ended'): number;
  /** Resolves once `event` was recorded `times` times. */
  reached(event: 'queued' | 'ended', times: number): Promise<void>;
}

function recorder(take?: () => Message | undefined): Recorder {
  const events: string[] = [];
  const taken: (Message | undefined)[] = [];
  const waiting: { event: string; times: number; resolve(): void }[] = [];
  const count = (event: string) => events.filter((e) => e === event).length;
  const record = (event: string) => {
    events.push(event);
    for (const w of waiting.filter((w) => w.event === event && count(event) >= w.times)) w.resolve();
  };
  return {
    events,
    taken,
    count,
    // Watchers must not throw: a failure inside is recorded, and the check reports it.
    queued: () => {
      record('queued');
      if (!take) return;
      try {
        taken.push(take());
      } catch (error) {
        taken.push(undefined);
        events.push(`readQueued threw ${show(error)}`);
      }
    },
    ended: () => record('ended'),
    reached: (event, times) =>
      count(event) >= times
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ event, times, resolve })),
  };
}

/** The adapter's `watchReads`, which comes with `readQueued`. */
function watchReads(adapter: WebSocketConnectionAdapter): (watcher: ReadWatcher | undefined) => void {
  ok(typeof adapter.watchReads === 'function', 'the adapter has no watchReads');
  ok(
    typeof adapter.readQueued === 'function',
    'the adapter has watchReads but no readQueued: watchReads comes with readQueued (the watcher takes messages with it)',
  );
  return (watcher) => adapter.watchReads?.(watcher);
}

async function expectCloseError(
  ctx: ClauseContext,
  read: Promise<Message>,
  code: number,
  reason: string,
  what: string,
): Promise<void> {
  const error = await rejectsWith(ctx.within(read, what), WebSocketCloseError, what);
  equal(error.code, code, `${what}: WebSocketCloseError.code`);
  equal(error.reason, reason, `${what}: WebSocketCloseError.reason`);
}

async function checkQueuedOrder(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  equal(readQueued(adapter, 'readQueued with nothing sent'), undefined, 'readQueued with nothing sent');
  const messages = Array.from({ length: 8 }, (_, i) => (i % 3 === 1 ? binary([i, 255 - i]) : text(`m${i}`)));
  for (const message of messages) await ctx.within(conn.send(message), 'the peer sending');
  // readQueued and read take turns: each must get the next message, none twice.
  for (const [i, message] of messages.entries()) {
    const got =
      i % 2 === 0
        ? await nextQueued(ctx, adapter, `message #${i + 1} by readQueued`)
        : await ctx.within(adapter.read(), `message #${i + 1} by read`);
    sameMessage(got, message, `message #${i + 1} (${i % 2 === 0 ? 'readQueued' : 'read'})`);
  }
  equal(readQueued(adapter, 'readQueued once all was read'), undefined, 'readQueued once all was read');
  // A pending read takes the next message; readQueued must not return it again.
  const pending = handled(adapter.read());
  await ctx.within(conn.send(text('to the pending read')), 'the peer sending');
  await ctx.within(conn.send(text('queued after it')), 'the peer sending');
  sameMessage(await ctx.within(pending, 'the pending read'), text('to the pending read'), 'pending read');
  sameMessage(
    await nextQueued(ctx, adapter, 'the message after the pending read'),
    text('queued after it'),
    'readQueued after a pending read',
  );
  equal(readQueued(adapter, 'readQueued at the end'), undefined, 'readQueued at the end');
}

async function checkQueuedEmpty(ctx: ClauseContext): Promise<void> {
  const fresh = ctx.newAdapter();
  equal(readQueued(fresh, 'before any dial'), undefined, 'readQueued before any dial');

  const peerClosed = await ctx.connect();
  equal(readQueued(peerClosed.adapter, 'idle connection'), undefined, 'readQueued on an idle connection');
  peerClosed.conn.close(4003, 'gone');
  await expectCloseError(ctx, peerClosed.adapter.read(), 4003, 'gone', 'read after the peer closed');
  equal(
    readQueued(peerClosed.adapter, 'after the peer closed'),
    undefined,
    'readQueued after the peer closed',
  );

  const dropped = await ctx.connect();
  dropped.conn.drop();
  await expectCloseError(ctx, dropped.adapter.read(), 1006, '', 'read after a drop');
  equal(readQueued(dropped.adapter, 'after a drop'), undefined, 'readQueued after a drop');

  const closed = await ctx.connect();
  await ctx.within(closed.adapter.close(1000), 'close');
  equal(readQueued(closed.adapter, 'after close'), undefined, 'readQueued after close');
  await rejectsWith(ctx.within(closed.adapter.read(), 'read'), WscEngineError, 'read after close');
  equal(readQueued(closed.adapter, 'after close and read'), undefined, 'readQueued after close and read');
}

async function checkQueuedPerMessage(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  const watch = watchReads(adapter);
  const first = recorder(() => adapter.readQueued?.());
  watch(first);
  const messages = [text('a'), binary([1, 2]), text('c')];
  for (const message of messages) await ctx.within(conn.send(message), 'the peer sending');
  await ctx.within(first.reached('queued', 3), 'watcher.queued() for 3 queued messages');
  for (const [i, message] of messages.entries()) {
    const got = first.taken[i];
    ok(got !== undefined, `readQueued() inside queued() #${i + 1} returned nothing (${first.events})`);
    sameMessage(got, message, `readQueued() inside queued() #${i + 1}`);
  }

  // A message handed to a pending read is not "queued": the next queued() is for the next message.
  const pending = handled(adapter.read());
  await ctx.within(conn.send(text('direct')), 'the peer sending');
  sameMessage(await ctx.within(pending, 'the pending read'), text('direct'), 'pending read');
  await ctx.within(conn.send(text('after')), 'the peer sending');
  await ctx.within(first.reached('queued', 4), 'watcher.queued() for the message after the pending read');
  ok(
    first.taken[3] !== undefined,
    'watcher.queued() was called for a message a pending read took (readQueued() inside it returned nothing)',
  );
  sameMessage(first.taken[3], text('after'), 'readQueued() inside queued() after the pending read');

  // A new watcher replaces the old one.
  const second = recorder();
  watch(second);
  await ctx.within(conn.send(text('d')), 'the peer sending');
  await ctx.within(second.reached('queued', 1), 'watcher.queued() of the replacing watcher');
  sameMessage(readQueued(adapter, 'after queued()') as Message, text('d'), 'readQueued() after queued()');

  // watchReads(undefined) removes it: messages stay queued, nobody is told.
  watch(undefined);
  await ctx.within(conn.send(text('e')), 'the peer sending');
  sameMessage(await nextQueued(ctx, adapter, 'a message while unwatched'), text('e'), 'unwatched message');
  await delay(ctx.settleMs);
  equal(first.events.join(), 'queued,queued,queued,queued', 'calls to the replaced watcher');
  equal(second.events.join(), 'queued', 'calls to the removed watcher');
}

async function checkEndedOnce(ctx: ClauseContext): Promise<void> {
  const watchers: [string, Recorder][] = [];

  const peerClose = await ctx.connect();
  const onPeerClose = recorder();
  watchers.push(['the peer closing', onPeerClose]);
  watchReads(peerClose.adapter)(onPeerClose);
  peerClose.conn.close(4004, 'bye');
  await ctx.within(onPeerClose.reached('ended', 1), "watcher.ended() on the peer's close");
  await expectCloseError(ctx, peerClose.adapter.read(), 4004, 'bye', 'read after ended()');

  const drop = await ctx.connect();
  const onDrop = recorder();
  watchers.push(['a lost connection', onDrop]);
  watchReads(drop.adapter)(onDrop);
  drop.conn.drop();
  await ctx.within(onDrop.reached('ended', 1), 'watcher.ended() on a lost connection');
  await expectCloseError(ctx, drop.adapter.read(), 1006, '', 'read after ended() on a drop');

  const local = await ctx.connect();
  const onClose = recorder();
  watchers.push(['a local close', onClose]);
  watchReads(local.adapter)(onClose);
  await ctx.within(local.adapter.close(1000, 'local'), 'close');
  await ctx.within(onClose.reached('ended', 1), 'watcher.ended() on a local close');
  readQueued(local.adapter, 'after a local close');
  await rejectsWith(ctx.within(local.adapter.read(), 'read'), WscEngineError, 'read after a local close');

  // The peer keeps sending what it can after the end: nothing may reach the watchers.
  await Promise.all([local.conn.send(text('late')).catch(() => undefined), delay(ctx.settleMs)]);
  for (const [what, watcher] of watchers) {
    equal(watcher.events.join(), 'ended', `watcher calls on ${what} (exactly one ended(), nothing else)`);
  }
}

async function checkEndedAtOnce(ctx: ClauseContext): Promise<void> {
  const fresh = ctx.newAdapter();
  const watchFresh = watchReads(fresh);
  const beforeDial = recorder();
  watchFresh(beforeDial);
  equal(beforeDial.events.join(), 'ended', 'watcher calls during watchReads() before any dial');
  watchFresh(undefined);

  const peerClosed = await ctx.connect();
  peerClosed.conn.close(4005, 'over');
  await expectCloseError(ctx, peerClosed.adapter.read(), 4005, 'over', 'read after the peer closed');
  const afterPeerClose = recorder();
  watchReads(peerClosed.adapter)(afterPeerClose);
  equal(afterPeerClose.events.join(), 'ended', "watcher calls during watchReads() after the peer's close");

  const closed = await ctx.connect();
  await ctx.within(closed.adapter.close(1000), 'close');
  const afterClose = recorder();
  watchReads(closed.adapter)(afterClose);
  equal(afterClose.events.join(), 'ended', 'watcher calls during watchReads() after close');
  await delay(ctx.settleMs);
  for (const [what, watcher] of [
    ['before any dial', beforeDial],
    ["after the peer's close", afterPeerClose],
    ['after close', afterClose],
  ] as const) {
    equal(watcher.events.join(), 'ended', `watcher calls ${what} (ended() once, nothing later)`);
  }
}

async function checkDrainAfterEnd(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  const watcher = recorder();
  watchReads(adapter)(watcher);
  const messages = [text('m1'), binary([2]), text('m3')];
  for (const message of messages) await ctx.within(conn.send(message), 'the peer sending');
  conn.close(4006, 'drained');
  await ctx.within(watcher.reached('ended', 1), "watcher.ended() on the peer's close");
  equal(
    watcher.events.join(),
    'queued,queued,queued,ended',
    'watcher calls: queued() per message, then ended()',
  );
  for (const [i, message] of messages.entries()) {
    const got = readQueued(adapter, `readQueued #${i + 1} after ended()`);
    ok(got !== undefined, `readQueued #${i + 1} after ended() returned undefined: a queued message was lost`);
    sameMessage(got, message, `readQueued #${i + 1} after ended()`);
  }
  equal(readQueued(adapter, 'readQueued once drained'), undefined, 'readQueued once drained');
  await expectCloseError(ctx, adapter.read(), 4006, 'drained', 'read once drained');
  equal(
    readQueued(adapter, 'readQueued after the close error'),
    undefined,
    'readQueued after the close error',
  );

  // The same after a lost connection: what arrived stays readable, then 1006.
  const lost = await ctx.connect();
  const onLost = recorder();
  watchReads(lost.adapter)(onLost);
  await ctx.within(lost.conn.send(text('kept')), 'the peer sending');
  await ctx.within(onLost.reached('queued', 1), 'watcher.queued()');
  lost.conn.drop();
  await ctx.within(onLost.reached('ended', 1), 'watcher.ended() on a lost connection');
  sameMessage(
    readQueued(lost.adapter, 'readQueued after a drop') ?? fail('readQueued after a drop lost the message'),
    text('kept'),
    'readQueued after a drop',
  );
  equal(
    readQueued(lost.adapter, 'readQueued once drained'),
    undefined,
    'readQueued once drained after a drop',
  );
  await expectCloseError(ctx, lost.adapter.read(), 1006, '', 'read once drained after a drop');
}

async function checkDialResets(ctx: ClauseContext): Promise<void> {
  const adapter = ctx.newAdapter();
  const watch = watchReads(adapter);
  const firstAccepted = ctx.peer.accept();
  await ctx.within(adapter.dial(ctx.peer.url), 'dial');
  await ctx.within(firstAccepted, 'the peer accepting the connection');
  const old = recorder();
  watch(old);
  const secondAccepted = ctx.peer.accept();
  await ctx.within(adapter.dial(ctx.peer.url), 'the second dial');
  const second = await ctx.within(secondAccepted, 'the peer accepting the second connection');
  await ctx.within(second.send(text('n1')), 'the peer sending');
  sameMessage(
    await nextQueued(ctx, adapter, 'a message on the new connection'),
    text('n1'),
    'new connection',
  );
  equal(old.count('queued'), 0, 'queued() calls the new connection made to the watcher of the old one');

  const current = recorder();
  watch(current);
  await ctx.within(second.send(text('n2')), 'the peer sending');
  await ctx.within(current.reached('queued', 1), 'watcher.queued() on the new connection');
  sameMessage(
    readQueued(adapter, 'after queued()') ?? fail('readQueued after queued() returned nothing'),
    text('n2'),
    'n2',
  );
  second.close(4007, 'end');
  await ctx.within(current.reached('ended', 1), 'watcher.ended() on the new connection');
  await delay(ctx.settleMs);
  equal(current.events.join(), 'queued,ended', 'calls to the watcher of the new connection');
  ok(
    old.count('queued') === 0 && old.count('ended') <= 1,
    `the watcher of the old connection heard the new one: ${old.events.join() || 'nothing'} (at most the old connection's ended())`,
  );
}

/**
 * A watcher with `offer`, recording every call; `accept` says what `offer` returns.
 * `arrived(n)` resolves once `offer` and `queued` together were called `n` times.
 */
function offerRecorder() {
  const events: string[] = [];
  const offered: Message[] = [];
  const waiting: { times: number; resolve(): void }[] = [];
  const record = (event: string) => {
    events.push(event);
    for (const w of waiting.filter((w) => events.length >= w.times)) w.resolve();
  };
  const watcher = {
    events,
    offered,
    accept: true,
    offer(message: Message): boolean {
      offered.push(message);
      record(watcher.accept ? 'offer:taken' : 'offer:declined');
      return watcher.accept;
    },
    queued: () => record('queued'),
    ended: () => record('ended'),
    arrived: (times: number): Promise<void> =>
      events.length >= times ? Promise.resolve() : new Promise((resolve) => waiting.push({ times, resolve })),
  };
  return watcher;
}

async function checkOffer(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  const watch = watchReads(adapter);
  const w = offerRecorder();
  watch(w);
  // Taken: nothing is queued, nothing else is called.
  const sent = [text('a'), binary([1, 2, 3])];
  for (const message of sent) await ctx.within(conn.send(message), 'the peer sending');
  await ctx.within(w.arrived(2), 'watcher.offer() for 2 messages');
  equal(w.events.join(), 'offer:taken,offer:taken', 'calls for 2 messages offered and taken');
  for (const [i, message] of sent.entries()) {
    sameMessage(w.offered[i] as Message, message, `offered message #${i + 1}`);
  }
  equal(readQueued(adapter, 'after the offers were taken'), undefined, 'readQueued after taken offers');

  // Declined: the message is queued and queued() follows; while it waits, later messages
  // are queued without an offer, even one the watcher would take (order first).
  w.accept = false;
  await ctx.within(conn.send(text('declined')), 'the peer sending');
  await ctx.within(w.arrived(4), 'offer() then queued() for a declined message');
  equal(w.events.slice(2).join(), 'offer:declined,queued', 'calls for a declined offer');
  w.accept = true;
  await ctx.within(conn.send(text('behind it')), 'the peer sending');
  await ctx.within(w.arrived(5), 'queued() for a message behind a queued one');
  equal(w.events[4], 'queued', 'a message arriving behind a queued one is queued, not offered');
  sameMessage(readQueued(adapter, 'the declined message') as Message, text('declined'), 'readQueued #1');
  sameMessage(readQueued(adapter, 'the message behind it') as Message, text('behind it'), 'readQueued #2');

  // A pending read goes first: no offer for the message it takes.
  const pending = handled(adapter.read());
  await ctx.within(conn.send(text('to the read')), 'the peer sending');
  sameMessage(await ctx.within(pending, 'the pending read'), text('to the read'), 'pending read');
  await ctx.within(conn.send(text('offered again')), 'the peer sending');
  await ctx.within(w.arrived(6), 'offer() once the queue is empty again');
  equal(w.events[5], 'offer:taken', 'the call after the pending read took its message');
  sameMessage(
    w.offered.at(-1) as Message,
    text('offered again'),
    'the message offered after the pending read',
  );
}

/** Clauses of the optional fast paths, `readQueued` and `watchReads`. */
export const FAST_PATH_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'read.queued-order',
    section: 'Read',
    level: 'MUST',
    source: 'API.md',
    requires: ['readQueued'],
    text: `${READ_QUEUED} returns messages already queued in arrival order, each exactly once, interleaved correctly with read: readQueued and read taking turns get every message once, in order, and a message a pending read took is never returned again.`,
    check: checkQueuedOrder,
  },
  {
    id: 'read.queued-empty',
    section: 'Read',
    level: 'MUST',
    source: 'API.md',
    requires: ['readQueued'],
    text: `${READ_QUEUED} returns undefined without waiting and never throws when nothing is queued: before any dial, on an idle connection, after the peer closed, after a drop and after close (read then reports the end).`,
    check: checkQueuedEmpty,
  },
  {
    id: 'watch.queued-per-message',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: watcher.queued() is called once per message queued, and readQueued() returns that message from inside the call; not for a message handed straight to a pending read; a new watcher replaces the old one and watchReads(undefined) stops the calls.`,
    check: checkQueuedPerMessage,
  },
  {
    id: 'watch.ended-once',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: watcher.ended() is called exactly once when the connection ends (the peer closes it, the transport is lost, or close() is called), with no call after it; read then rejects (WebSocketCloseError with the peer's code, 1006 for a drop).`,
    check: checkEndedOnce,
  },
  {
    id: 'watch.ended-at-once',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: registered when there is nothing to watch (before any dial, after the peer closed, after close), the watcher gets ended() at once, inside the watchReads call, and nothing more.`,
    check: checkEndedAtOnce,
  },
  {
    id: 'watch.drain-after-end',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: after watcher.ended(), readQueued() still returns every message that arrived before the end, in order, then undefined, and read() then rejects with WebSocketCloseError (the peer's code and reason; 1006 after a drop).`,
    check: checkDrainAfterEnd,
  },
  {
    id: 'watch.dial-resets',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: a new dial replaces the watch along with the connection: the watcher of the old connection hears nothing from the new one (at most the old one's ended()), a watcher registered after the dial hears the new one.`,
    check: checkDialResets,
  },
  {
    id: 'watch.offer',
    section: 'Watch',
    level: 'MUST',
    source: 'API.md',
    requires: ['watchReads'],
    text: `${WATCH_READS}: a watcher with offer(message) is offered each message that arrives while nothing is queued and no read waits; true takes it (not queued, no queued() call), false has it queued and queued() called; a message arriving behind a queued one is queued without an offer, and one a pending read takes is not offered.`,
    check: checkOffer,
  },
];
