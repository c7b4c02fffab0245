import { forCluster, type Invariant, type PerCluster, type Violation } from './invariant.js';
import type { Trace } from './trace.js';

const EJECTED = 'noRequestToEjectedHost';

/**
 * No attempt goes to a host between its `eject` and `uneject`, unless the load balancer picked it
 * in panic (the attempt's `panic` flag: the chosen priority's healthy share was under
 * minHealthPercent while the priorities together were under 100 % available; Istio disables panic
 * when outlierDetection is set and minHealthPercent is 0, in its cluster_traffic_policy.go), or an ORIGINAL_DST
 * cluster sent it to the dialed address (`originalDst`: no load balancer filters by health there).
 */
export function noRequestToEjectedHost(): Invariant<Trace> {
  return (trace) => {
    const violations: Violation[] = [];
    const ejected = new Map<string, Set<string>>();
    const hostsOf = (cluster: string) => {
      const set = ejected.get(cluster) ?? new Set<string>();
      ejected.set(cluster, set);
      return set;
    };
    for (const event of trace) {
      if (event.type === 'eject') hostsOf(event.cluster).add(event.host);
      else if (event.type === 'uneject') hostsOf(event.cluster).delete(event.host);
      else if (
        event.type === 'attempt' &&
        event.panic !== true &&
        event.originalDst !== true &&
        ejected.get(event.cluster)?.has(event.host)
      ) {
        violations.push({
          invariant: EJECTED,
          cluster: event.cluster,
          host: event.host,
          request: event.request,
          atMs: event.tMs,
          message: `request ${event.request} sent to ejected ${event.host} at ${event.tMs} ms outside panic`,
        });
      }
    }
    return violations;
  };
}

const BREAKER = 'connectionsWithinBreaker';

/**
 * Connections never exceed the cluster's `maxConnections` (the DestinationRule's
 * `connectionPool.tcp.maxConnections`), except as Envoy allows: a pool (one worker, one host)
 * with no connection at all opens one even over the limit (Envoy's conn_pool_base.cc). So a `cx-open`
 * with the cluster at or over the limit is a violation when its pool already had a connection.
 * A `cx-close` of a connection that is not open is one too.
 */
export function connectionsWithinBreaker(limits: { maxConnections: PerCluster<number> }): Invariant<Trace> {
  return (trace) => {
    const violations: Violation[] = [];
    const active = new Map<string, number>();
    const perPool = new Map<string, number>();
    const poolOf = new Map<string, string>();
    for (const event of trace) {
      if (event.type === 'cx-open') {
        const pool = `${event.cluster}|${event.worker}|${event.host}`;
        const inCluster = active.get(event.cluster) ?? 0;
        const inPool = perPool.get(pool) ?? 0;
        const max = forCluster(limits.maxConnections, event.cluster);
        if (inCluster >= max && inPool > 0) {
          violations.push({
            invariant: BREAKER,
            cluster: event.cluster,
            host: event.host,
            atMs: event.tMs,
            message:
              `connection ${event.connection} opened at ${event.tMs} ms with ${inCluster} active (maxConnections ${max}) ` +
              `while its pool (worker ${event.worker}, ${event.host}) already had ${inPool}`,
          });
        }
        active.set(event.cluster, inCluster + 1);
        perPool.set(pool, inPool + 1);
        poolOf.set(`${event.cluster}|${event.connection}`, pool);
      } else if (event.type === 'cx-close') {
        const key = `${event.cluster}|${event.connection}`;
        const pool = poolOf.get(key);
        if (pool === undefined) {
          violations.push({
            invariant: BREAKER,
            cluster: event.cluster,
            atMs: event.tMs,
            message: `connection ${event.connection} closed at ${event.tMs} ms but was not open`,
          });
          continue;
        }
        poolOf.delete(key);
        active.set(event.cluster, (active.get(event.cluster) ?? 1) - 1);
        perPool.set(pool, (perPool.get(pool) ?? 1) - 1);
      }
    }
    return violations;
  };
}
