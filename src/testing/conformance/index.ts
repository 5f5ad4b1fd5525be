export { ConformanceAssertionError } from './assert.js';
export { type FloodResult, flood, floodIndex } from './checks-backpressure.js';
export { CONFORMANCE_CLAUSES } from './clauses.js';
export {
  type AdapterConformanceOptions,
  type ConformanceTestApi,
  DEFAULT_ADAPTER_HINTS,
  type DeclaredException,
  describeAdapterConformance,
} from './suite.js';
export type {
  AdapterHints,
  ClauseCheck,
  ClauseContext,
  ClauseSection,
  ClauseSource,
  ConformanceClause,
  Connected,
} from './types.js';
