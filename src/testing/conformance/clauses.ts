import { BACKPRESSURE_CLAUSES } from './checks-backpressure.js';
import { CLOSE_CLAUSES } from './checks-close.js';
import { DIAL_CLAUSES } from './checks-dial.js';
import { FAST_PATH_CLAUSES } from './checks-fast-path.js';
import { PING_CLAUSES } from './checks-ping.js';
import { READ_CLAUSES } from './checks-read.js';
import { WRITE_CLAUSES } from './checks-write.js';
import type { ConformanceClause, ExecutableClause } from './types.js';

/** Every clause with its check, in report order. */
export const EXECUTABLE_CLAUSES: readonly ExecutableClause[] = [
  ...DIAL_CLAUSES,
  ...CLOSE_CLAUSES,
  ...PING_CLAUSES,
  ...READ_CLAUSES,
  ...BACKPRESSURE_CLAUSES,
  ...FAST_PATH_CLAUSES,
  ...WRITE_CLAUSES,
];

/**
 * The adapter contract as data: one entry per rule the conformance suite checks, each with
 * a stable `id` (use it to declare an exception), its section, `MUST`/`SHOULD`, its source
 * (the seed document's "Expected behaviour" sections, or API.md) and its text. Clauses about
 * an optional method (`readQueued`, `watchReads`) name it in `requires`: they apply only to
 * adapters that have it.
 *
 * @example
 * ```ts
 * for (const c of CONFORMANCE_CLAUSES) console.log(`${c.id}: ${c.text}`);
 * ```
 */
export const CONFORMANCE_CLAUSES: readonly ConformanceClause[] = Object.freeze(
  EXECUTABLE_CLAUSES.map(({ id, section, level, source, text, requires }) =>
    Object.freeze(
      requires
        ? { id, section, level, source, text, requires: Object.freeze([...requires]) }
        : { id, section, level, source, text },
    ),
  ),
);
