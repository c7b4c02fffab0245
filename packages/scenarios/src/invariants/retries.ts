import type { Report } from '@meshsim/core';
import { forCluster, type Invariant, type PerCluster, type Violation } from './invariant.js';
import type { Trace } from './trace.js';

const PER_REQUEST = 'attemptsWithinRetries';

/**
 * Attempts per request ≤ 1 + retries, where `retries` is the route's `retries.attempts` (Istio's
 * default is 2) for the attempt's cluster. Reads a trace's `attempt` events; memory is per request
 * in flight.
 */
export function attemptsWithinRetries(policy: { retries: PerCluster<number> }): Invariant<Trace> {
  return (trace) => {
    const violations: Violation[] = [];
    const attempts = new Map<number, number>();
    for (const event of trace) {
      if (event.type === 'response') attempts.delete(event.request);
      if (event.type !== 'attempt') continue;
      const n = (attempts.get(event.request) ?? 0) + 1;
      attempts.set(event.request, n);
      const allowed = 1 + forCluster(policy.retries, event.cluster);
      if (n === allowed + 1) {
        violations.push({
          invariant: PER_REQUEST,
          cluster: event.cluster,
          host: event.host,
          request: event.request,
          atMs: event.tMs,
          message: `request ${event.request} made attempt ${n} at ${event.tMs} ms; 1 + retries allows ${allowed}`,
        });
      }
    }
    return violations;
  };
}

const AGGREGATE = 'upstreamRequestsWithinRetries';

/**
 * The report-level bound of the same rule, for runs without a trace: over all clusters,
 * `upstream_rq_total` ≤ (1 + retries) × client requests and `upstream_rq_retry` ≤ retries × client
 * requests, client requests being `client.total + unfinished`. A necessary condition only.
 */
export function upstreamRequestsWithinRetries(policy: { retries: number }): Invariant<Report> {
  return (report) => {
    const requests = report.client.total + report.unfinished;
    const clusters = Object.values(report.clusters);
    const upstream = clusters.reduce((s, c) => s + (c.stats.upstream_rq_total ?? 0), 0);
    const retried = clusters.reduce((s, c) => s + (c.stats.upstream_rq_retry ?? 0), 0);
    const violations: Violation[] = [];
    if (upstream > (1 + policy.retries) * requests) {
      violations.push({
        invariant: AGGREGATE,
        message: `${upstream} upstream requests for ${requests} client requests: over 1 + ${policy.retries} each`,
      });
    }
    if (retried > policy.retries * requests) {
      violations.push({
        invariant: AGGREGATE,
        message: `${retried} retries for ${requests} client requests: over ${policy.retries} each`,
      });
    }
    return violations;
  };
}
