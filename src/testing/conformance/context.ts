import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import type { ConformancePeer } from '../peer.js';
import { ConformanceAssertionError } from './assert.js';
import type { AdapterHints, ClauseContext, Connected } from './types.js';

/** What {@link createClauseContext} needs from the suite's options. */
export interface ContextSetup {
  readonly createAdapter: (peer: ConformancePeer, hints: AdapterHints) => WebSocketConnectionAdapter;
  readonly createPeer: () => Promise<ConformancePeer>;
  readonly hints: AdapterHints;
  readonly stepTimeoutMs: number;
  readonly settleMs: number;
}

/** A clause context plus the function that releases everything it created. */
export interface OwnedContext {
  readonly ctx: ClauseContext;
  dispose(): Promise<void>;
}

/** Builds the context of one clause run: its own peer, adapters and cleanups. */
export async function createClauseContext(setup: ContextSetup): Promise<OwnedContext> {
  const peer = await setup.createPeer();
  const cleanups: (() => unknown)[] = [() => peer.close()];
  const within = <T>(promise: Promise<T>, what: string) => bounded(promise, what, setup.stepTimeoutMs);
  const newAdapter = () => {
    const adapter = setup.createAdapter(peer, setup.hints);
    // Closing an adapter that is already closed rejects by contract; that is fine here.
    cleanups.push(() => adapter.close(1000, 'conformance cleanup').catch(() => undefined));
    return adapter;
  };
  const ctx: ClauseContext = {
    peer,
    hints: setup.hints,
    settleMs: setup.settleMs,
    newAdapter,
    within,
    defer: (cleanup) => cleanups.push(cleanup),
    staysPending: (promise) => staysPending(promise, setup.settleMs),
    connect: async (): Promise<Connected> => {
      const adapter = newAdapter();
      const accepted = peer.accept();
      const response = await within(adapter.dial(peer.url), 'dial');
      const conn = await within(accepted, 'the peer accepting the connection');
      return { adapter, conn, response };
    },
  };
  const dispose = async () => {
    for (const cleanup of cleanups.reverse()) {
      await bounded(Promise.resolve().then(cleanup), 'cleanup', setup.stepTimeoutMs).catch(() => undefined);
    }
  };
  return { ctx, dispose };
}

/** Rejects with a {@link ConformanceAssertionError} if `promise` does not settle within `ms`. */
export function bounded<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new ConformanceAssertionError(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const PENDING = Symbol('pending');

function staysPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  promise.catch(() => undefined);
  // Proving that something does not happen needs an observation window; nothing else can end it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const window = new Promise<typeof PENDING>((resolve) => {
    timer = setTimeout(() => resolve(PENDING), ms);
  });
  return Promise.race([
    promise.then(
      () => false,
      () => false,
    ),
    window.then(() => true),
  ]).finally(() => clearTimeout(timer));
}
