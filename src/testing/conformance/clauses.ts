import { BACKPRESSURE_CLAUSES } from './checks-backpressure.js';
import { CLOSE_CLAUSES } from './checks-close.js';
import { DIAL_CLAUSES } from './checks-dial.js';
import { PING_CLAUSES } from './checks-ping.js';
import { READ_CLAUSES } from './checks-read.js';
import { WRITE_CLAUSES } from './checks-write.js';
import type { ClauseSource, ConformanceClause, ExecutableClause } from './types.js';

/** Every clause with its check, in report order. */
export const EXECUTABLE_CLAUSES: readonly ExecutableClause[] = [
  ...DIAL_CLAUSES,
  ...CLOSE_CLAUSES,
  ...PING_CLAUSES,
  ...READ_CLAUSES,
  ...BACKPRESSURE_CLAUSES,
  ...WRITE_CLAUSES,
];

/**
 * The adapter contract as data: one entry per rule the conformance suite checks, each with
 * a stable `id` (use it to declare an exception), its section, `MUST`/`SHOULD`, its source
 * (see {@link ClauseSource}) and its text. Every clause applies to every adapter: the
 * contract is the six methods of `WebSocketConnectionAdapter`, none of them optional.
 *
 * @example
 * ```ts
 * for (const c of CONFORMANCE_CLAUSES) console.log(`${c.id}: ${c.text}`);
 * ```
 */
export const CONFORMANCE_CLAUSES: readonly ConformanceClause[] = Object.freeze(
  EXECUTABLE_CLAUSES.map(({ id, section, level, source, text }) =>
    Object.freeze({ id, section, level, source, text }),
  ),
);
