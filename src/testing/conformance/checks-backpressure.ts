import { type Message, MessageType } from '../../core/message.js';
import type { PeerConnection } from '../peer.js';
import { equal, fail, ok } from './assert.js';
import type { ClauseContext, ExecutableClause } from './types.js';

/** Size of each message the peer floods with. */
export const FLOOD_MESSAGE_BYTES = 64 * 1024;
/** The peer holding this much unsent data shows that the adapter stopped reading the socket. */
const BACKLOG_BYTES = 1024 * 1024;
/**
 * An adapter that has taken this much while nobody read is buffering without bound.
 * Kernel socket buffers on loopback hold a few MiB, far below this.
 */
export const FLOOD_LIMIT_BYTES = 64 * 1024 * 1024;
/** How long one send may take before the flood loop looks at the peer's backlog. */
const SEND_GRACE_MS = 20;

/** Message `index` of a flood: its first four bytes hold the index. */
export function floodMessage(index: number): Message {
  const data = new Uint8Array(FLOOD_MESSAGE_BYTES).fill(index & 0xff);
  new DataView(data.buffer).setUint32(0, index);
  return { type: MessageType.Binary, data };
}

/** The index a flood message carries, checked against its length. */
export function floodIndex(message: Message): number {
  ok(message.type === MessageType.Binary, 'a flood message came back as text');
  const data = message.data as Uint8Array;
  equal(data.byteLength, FLOOD_MESSAGE_BYTES, 'flood message length');
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
}

/** Outcome of {@link flood}: how many messages went out and why the flood stopped. */
export interface FloodResult {
  readonly sent: number;
  readonly stoppedBy: 'backlog' | 'closed' | 'limit';
}

/**
 * Sends flood messages while nobody reads, until the peer's own backlog grows (the adapter
 * paused the socket; ignored with `untilClosed`), the connection closes, or
 * 64 MiB (`FLOOD_LIMIT_BYTES`) went out. Exported for declared exceptions of `read.backpressure`
 * (an adapter that cannot pause and fails the connection instead).
 */
export async function flood(
  conn: PeerConnection,
  options: { untilClosed?: boolean } = {},
): Promise<FloodResult> {
  let closed = false;
  void conn.closed.then(() => {
    closed = true;
  });
  let sent = 0;
  // Counts messages handed to the peer, failed sends included: the adapter may have taken any of them.
  while (sent * FLOOD_MESSAGE_BYTES < FLOOD_LIMIT_BYTES) {
    if (closed) return { sent, stoppedBy: 'closed' };
    if (!options.untilClosed && conn.bufferedAmount() >= BACKLOG_BYTES) return { sent, stoppedBy: 'backlog' };
    // A send that fails means the connection is closing (e.g. the adapter sent a close frame).
    const sending = conn.send(floodMessage(sent)).catch(() => {
      closed = true;
    });
    sent++;
    // No event says "the transport is full": a send that does not finish within a short
    // grace period is the sign, after which the backlog is checked again.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise((resolve) => {
      timer = setTimeout(resolve, SEND_GRACE_MS);
    });
    await Promise.race([sending, grace]).finally(() => clearTimeout(timer));
  }
  return { sent, stoppedBy: 'limit' };
}

async function checkBackpressure(ctx: ClauseContext): Promise<void> {
  const { adapter, conn } = await ctx.connect();
  const result = await flood(conn);
  if (result.stoppedBy === 'limit') {
    fail(
      `the adapter took ${FLOOD_LIMIT_BYTES / 1024 / 1024} MiB while nobody read and never paused the socket: its inbound queue is unbounded`,
    );
  }
  if (result.stoppedBy === 'closed') fail('the connection closed while the peer was sending and nobody read');
  for (let i = 0; i < result.sent; i++) {
    const message = await ctx.within(adapter.read(), `read #${i + 1} of ${result.sent} after the pause`);
    equal(floodIndex(message), i, `message #${i + 1} after the pause`);
  }
}

/** The bounded-queue clause. */
export const BACKPRESSURE_CLAUSES: readonly ExecutableClause[] = [
  {
    id: 'read.backpressure',
    section: 'Read',
    level: 'MUST',
    source: 'added',
    text: 'the inbound queue is bounded: while nobody reads, the adapter pauses the socket (the server sees its data back up) instead of buffering without limit; once reading resumes every message arrives, in order.',
    check: checkBackpressure,
  },
];
