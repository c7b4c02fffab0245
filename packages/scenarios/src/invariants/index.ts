// Invariants any property test can check: functions over a Report, over a run's event trace, or
// over a way to run. Each returns the violations it finds; `assertInvariants` throws on any.
export { sameSeedSameReport } from './determinism.js';
export { type EjectionLimits, ejectionsWithinMaxEjectionPercent, maxEjectedHosts } from './ejections.js';
export { connectionsWithinBreaker, noRequestToEjectedHost } from './hosts.js';
export {
  assertInvariants,
  holds,
  type Invariant,
  InvariantError,
  type PerCluster,
  type Violation,
  violationsOf,
} from './invariant.js';
export { type ConfigLimits, limitsFromConfig } from './limits.js';
export { clientCountsAgree, everyRequestEndsOnce } from './requests.js';
export { attemptsWithinRetries, upstreamRequestsWithinRetries } from './retries.js';
export type { Trace, TraceEvent } from './trace.js';
