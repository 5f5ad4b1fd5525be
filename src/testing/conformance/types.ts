import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import type { HandshakeResponse } from '../../core/message.js';
import type { ConformancePeer, PeerConnection } from '../peer.js';

/**
 * Where a clause comes from: `'original'`, a rule of the adapter contract as first written
 * for the Go library this one re-creates (its "expected behaviour" of each method, with
 * "context" read as `AbortSignal`); `'added'`, a rule this library adds to it (typed errors,
 * close codes passed through, ordered concurrent reads, a bounded queue, aborts that lose
 * nothing, ...).
 */
export type ClauseSource = 'original' | 'added';

/** Part of the contract a clause belongs to. */
export type ClauseSection = 'Dial' | 'Close' | 'Ping' | 'Read' | 'Write' | 'Concurrency' | 'Lifecycle';

/** One rule of the adapter contract, checked by one test. */
export interface ConformanceClause {
  /** Stable identifier, e.g. `read.close-frame-code`; use it to declare an exception. */
  readonly id: string;
  readonly section: ClauseSection;
  /** `MUST` or `SHOULD`, as the source words it. */
  readonly level: 'MUST' | 'SHOULD';
  readonly source: ClauseSource;
  /** The rule in one sentence. */
  readonly text: string;
}

/**
 * Settings the suite would like the adapter under test to use, so that bounds and timeouts
 * are reached quickly. Pass on those your adapter supports; the checks still hold (only
 * slower) with your defaults.
 */
export interface AdapterHints {
  /** How long `close` waits for the server's close frame before dropping the connection. */
  readonly closeTimeoutMs: number;
  /** Bounds of the inbound queue. */
  readonly inboundQueue: { readonly maxMessages: number; readonly maxBytes: number };
}

/** What a check gets: a fresh peer, a way to make adapters, bounded waits, cleanup. */
export interface ClauseContext {
  /** A peer created for this clause alone; closed afterwards. */
  readonly peer: ConformancePeer;
  readonly hints: AdapterHints;
  /** How long a check watches for something that must *not* happen (e.g. a dial settling while the server stalls). */
  readonly settleMs: number;
  /** A new adapter from the factory under test; closed afterwards. */
  newAdapter(): WebSocketConnectionAdapter;
  /** A new adapter dialled to `peer`, with the peer's side of the connection. */
  connect(): Promise<Connected>;
  /** Waits for `promise`, failing with a message naming `what` if it takes longer than a step may. */
  within<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Whether `promise` is still pending after `settleMs` (it is marked handled either way). */
  staysPending(promise: Promise<unknown>): Promise<boolean>;
  /** Runs `cleanup` after the check, in reverse order of registration. */
  defer(cleanup: () => unknown): void;
}

/** An adapter connected to the clause's peer. */
export interface Connected {
  readonly adapter: WebSocketConnectionAdapter;
  readonly conn: PeerConnection;
  readonly response: HandshakeResponse;
}

/** The executable part of a clause. */
export type ClauseCheck = (ctx: ClauseContext) => Promise<void>;

/** A clause with its check (internal). */
export interface ExecutableClause extends ConformanceClause {
  readonly check: ClauseCheck;
}
