import type { Report } from '@meshsim/core';
import { forCluster, type Invariant, type PerCluster, type Violation } from './invariant.js';

const NAME = 'ejectionsWithinMaxEjectionPercent';

export interface EjectionLimits {
  /** The DestinationRule's `outlierDetection.maxEjectionPercent` (default 10, Istio's); over 100 counts as 100. */
  maxEjectionPercent?: PerCluster<number>;
  /**
   * `current` (Envoy ≥ 1.27, Istio ≥ 1.19, the default): an ejection may not take the ejected
   * share over the limit, 100 × (ejected + 1) / hosts ≤ max. `legacy`: the share before it had to
   * be under the limit, 100 × ejected / hosts < max, so the first ejection was always allowed.
   */
  rule?: PerCluster<'current' | 'legacy'>;
}

/** Whether one more host may be ejected when `active` of `hosts` already are. */
function mayEject(active: number, hosts: number, maxPercent: number, rule: 'current' | 'legacy'): boolean {
  return rule === 'current' ? 100 * (active + 1) <= maxPercent * hosts : 100 * active < maxPercent * hosts;
}

/** The most hosts that can be ejected at once: ejections stop at the first one not allowed. */
export function maxEjectedHosts(
  hosts: number,
  maxEjectionPercent: number,
  rule: 'current' | 'legacy' = 'current',
) {
  const max = Math.min(100, maxEjectionPercent);
  let ejected = 0;
  while (ejected < hosts && mayEject(ejected, hosts, max, rule)) ejected++;
  return ejected;
}

/**
 * Ejections never exceed what maxEjectionPercent allows (Envoy's outlier_detection_impl.cc). Reads, per cluster
 * of the report, `ejections` (intervals [atMs, untilMs), untilMs null while still ejected; an
 * uneject at the very time of an ejection counts as before it), the number of `hosts`, and, when
 * present, the gauge `stats['outlier_detection.ejections_active']` at the end. Also flags a host
 * ejected while already ejected, which Envoy ignores. With DNS clusters whose hosts change, the
 * report's host list (every host seen) makes the bound looser, never stricter. `limitsFromConfig(spec)`
 * gives the limits as the config sets them.
 */
export function ejectionsWithinMaxEjectionPercent(limits: EjectionLimits = {}): Invariant<Report> {
  return (report) => {
    const violations: Violation[] = [];
    for (const [cluster, c] of Object.entries(report.clusters)) {
      const rule = forCluster(limits.rule ?? 'current', cluster);
      const hosts = c.hosts.length;
      const max = Math.min(100, forCluster(limits.maxEjectionPercent ?? 10, cluster));
      const sorted = [...(c.ejections ?? [])].sort((a, b) => a.atMs - b.atMs);
      sorted.forEach((ejection, i) => {
        const active = sorted
          .slice(0, i)
          .filter((earlier) => earlier.untilMs === null || earlier.untilMs > ejection.atMs);
        const where = { invariant: NAME, cluster, host: ejection.host, atMs: ejection.atMs };
        if (active.some((earlier) => earlier.host === ejection.host)) {
          violations.push({
            ...where,
            message: `${ejection.host} ejected at ${ejection.atMs} ms while already ejected`,
          });
        }
        if (!mayEject(active.length, hosts, max, rule)) {
          const share = hosts === 0 ? 100 : (100 * (active.length + 1)) / hosts;
          violations.push({
            ...where,
            message:
              `${ejection.host} ejected at ${ejection.atMs} ms with ${active.length} of ${hosts} hosts already ejected ` +
              `(${share.toFixed(1)} % ejected) beyond maxEjectionPercent ${max} (${rule} rule)`,
          });
        }
      });
      const gauge = c.stats['outlier_detection.ejections_active'];
      const allowed = maxEjectedHosts(hosts, max, rule);
      if (gauge !== undefined && gauge > allowed) {
        violations.push({
          invariant: NAME,
          cluster,
          message: `ejections_active is ${gauge} at the end, over the ${allowed} of ${hosts} hosts maxEjectionPercent ${max} allows`,
        });
      }
    }
    return violations;
  };
}
