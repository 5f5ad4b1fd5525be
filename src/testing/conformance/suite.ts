import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import { InvalidOptionsError, WscEngineError } from '../../core/errors.js';
import type { ConformancePeer } from '../peer.js';
import { ConformanceAssertionError, show } from './assert.js';
import { EXECUTABLE_CLAUSES } from './clauses.js';
import { bounded, type ContextSetup, createClauseContext } from './context.js';
import type { AdapterHints, ClauseCheck, ExecutableClause } from './types.js';

/** The two functions of a test runner the suite registers tests with (node:test, vitest, jest, mocha...). */
export interface ConformanceTestApi {
  /** Registers a group of tests; `fn` registers them synchronously. */
  describe(name: string, fn: () => void): unknown;
  /** Registers one test; `fn` takes no argument (so no runner takes it for a callback-style test). */
  it(name: string, fn: () => Promise<void>): unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: constructor parameters vary per error class.
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * A clause the adapter knowingly does not meet, and how it fails instead. The clause's
 * test still runs: it checks that the clause really fails (a stale exception fails the
 * test), then that it fails in the declared way:
 * - with `expect`: `expect` must pass (it checks what the adapter does instead);
 * - otherwise the adapter must have refused with an error of class `raises`
 *   (default `WscEngineError`), not by silently misbehaving or hanging.
 */
export interface DeclaredException {
  /** Why; appended to the test name as `[declared exception: reason]`. */
  readonly reason: string;
  /** The error class the adapter refuses with. Default `WscEngineError`. */
  readonly raises?: ErrorClass;
  /** Checks what the adapter does instead, with a fresh peer and context. */
  readonly expect?: ClauseCheck;
}

/** Options of {@link describeAdapterConformance}. */
export interface AdapterConformanceOptions {
  /** Name of the adapter, used as the `describe` title. */
  readonly name: string;
  /** Makes a new adapter for `peer`. Pass on the `hints` your adapter supports. */
  readonly createAdapter: (peer: ConformancePeer, hints: AdapterHints) => WebSocketConnectionAdapter;
  /** Starts a fresh peer; one per clause run, closed afterwards. E.g. `startWsPeer`. */
  readonly createPeer: () => Promise<ConformancePeer>;
  /** Clause id → reason (or a {@link DeclaredException}). Unknown ids throw. */
  readonly exceptions?: Readonly<Record<string, string | DeclaredException>>;
  /** Runs only these clause ids (all by default). Unknown ids throw. */
  readonly clauses?: readonly string[];
  /** Where tests are registered: `{ describe, it }` of your runner. */
  readonly test: ConformanceTestApi;
  /** Bound of one clause run, in ms. Default 30 000. Set your runner's own timeout above twice this. */
  readonly timeoutMs?: number;
  /** Observation window for "this must not happen yet", in ms. Default 250. */
  readonly settleMs?: number;
  /** Overrides of the {@link AdapterHints} handed to `createAdapter`. */
  readonly hints?: Partial<AdapterHints>;
}

/** Hints given to `createAdapter` unless overridden. */
export const DEFAULT_ADAPTER_HINTS: AdapterHints = Object.freeze({
  closeTimeoutMs: 1000,
  inboundQueue: Object.freeze({ maxMessages: 16, maxBytes: 256 * 1024 }),
});

/**
 * Registers one test per adapter-contract clause (see `CONFORMANCE_CLAUSES`) with the
 * given test runner, each against a fresh peer. Works with any runner that has
 * `describe`/`it`; the suite enforces its own timeouts.
 *
 * @example
 * ```ts
 * import { describe, it } from 'node:test';
 * describeAdapterConformance({
 *   name: 'MyAdapter',
 *   createAdapter: (_peer, hints) => new MyAdapter({ closeTimeoutMs: hints.closeTimeoutMs }),
 *   createPeer: () => startWsPeer(),
 *   exceptions: { 'ping.resolves-on-pong': { reason: 'no ping API', raises: UnsupportedOperationError } },
 *   test: { describe, it },
 * });
 * ```
 * @throws InvalidOptionsError for unknown clause ids in `exceptions` or `clauses`
 */
export function describeAdapterConformance(options: AdapterConformanceOptions): void {
  const exceptions = resolveExceptions(options);
  const selected = selectClauses(options.clauses);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const setup: ContextSetup = {
    createAdapter: options.createAdapter,
    createPeer: options.createPeer,
    hints: { ...DEFAULT_ADAPTER_HINTS, ...options.hints },
    stepTimeoutMs: Math.max(1000, Math.floor(timeoutMs / 3)),
    settleMs: options.settleMs ?? 250,
  };
  options.test.describe(`adapter conformance: ${options.name}`, () => {
    for (const clause of selected) {
      const exception = exceptions.get(clause.id);
      const declared = exception ? ` [declared exception: ${exception.reason}]` : '';
      const name = `${clause.id} [${clause.level}]${declared}`;
      options.test.it(name, () =>
        exception
          ? runDeclared(clause, exception, setup, timeoutMs)
          : attempt(clause.check, setup, timeoutMs),
      );
    }
  });
}

function resolveExceptions(options: AdapterConformanceOptions): Map<string, DeclaredException> {
  const known = new Set(EXECUTABLE_CLAUSES.map((c) => c.id));
  const issues: string[] = [];
  const result = new Map<string, DeclaredException>();
  for (const [id, value] of Object.entries(options.exceptions ?? {})) {
    if (!known.has(id)) issues.push(`exceptions: unknown clause id "${id}" (see CONFORMANCE_CLAUSES)`);
    const exception = typeof value === 'string' ? { reason: value } : value;
    if (!exception?.reason) issues.push(`exceptions["${id}"]: a reason is required`);
    result.set(id, exception);
  }
  for (const id of options.clauses ?? []) {
    if (!known.has(id)) issues.push(`clauses: unknown clause id "${id}" (see CONFORMANCE_CLAUSES)`);
  }
  if (issues.length > 0) throw new InvalidOptionsError(issues, 'conformance options');
  return result;
}

function selectClauses(ids: readonly string[] | undefined): readonly ExecutableClause[] {
  if (!ids) return EXECUTABLE_CLAUSES;
  return EXECUTABLE_CLAUSES.filter((c) => ids.includes(c.id));
}

async function attempt(check: ClauseCheck, setup: ContextSetup, timeoutMs: number): Promise<void> {
  const { ctx, dispose } = await createClauseContext(setup);
  try {
    await bounded(check(ctx), `the clause to finish (${timeoutMs} ms)`, timeoutMs);
  } finally {
    await dispose();
  }
}

async function runDeclared(
  clause: ExecutableClause,
  exception: DeclaredException,
  setup: ContextSetup,
  timeoutMs: number,
): Promise<void> {
  const failure = await attempt(clause.check, setup, timeoutMs).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  if (!failure) {
    throw new ConformanceAssertionError(
      `"${clause.id}" is declared as an exception (${exception.reason}) but the adapter passes it: remove the exception`,
    );
  }
  if (exception.expect) {
    await attempt(exception.expect, setup, timeoutMs);
    return;
  }
  const Expected = exception.raises ?? WscEngineError;
  const root = rootError(failure.error);
  if (!(root instanceof Expected)) {
    throw new ConformanceAssertionError(
      `"${clause.id}" is declared as an exception (${exception.reason}), so the adapter must refuse with ${Expected.name}; instead the check failed with ${show(failure.error)}`,
      { actual: root, cause: failure.error },
    );
  }
}

/** What the adapter produced when the check failed: the error it raised, or the failure itself. */
function rootError(error: unknown): unknown {
  if (error instanceof ConformanceAssertionError && error.actual instanceof Error) return error.actual;
  return error;
}
