import { isIP } from 'node:net';
import type { ClusterModel } from '../../envoy/cluster.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

/** Warns about each name a DNS cluster resolves that spec.dns has no entry for. */
export function warnDnsNamesWithoutEntry(
  clusters: readonly ClusterModel[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  for (const c of clusters) {
    for (const t of c.dnsTargets) {
      if (isIP(t.hostname) === 0 && spec.dns[t.hostname] === undefined) {
        at(
          ['dns'],
          'warning',
          `${c.name} resolves ${t.hostname}, which has no entry here: every query fails (NXDOMAIN), so it has no host`,
        );
      }
    }
  }
}

/** Warns about each Scenario endpoint (but "*") that no simulated cluster can ever have. */
export function warnEndpointsNoClusterHas(
  clusters: readonly ClusterModel[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  // A DNS cluster's endpoints are whatever its names resolve to, at the start or after a timeline change.
  const names = new Set(clusters.flatMap((c) => c.dnsTargets.map((t) => t.hostname)));
  const addresses = new Set([
    ...clusters.flatMap((c) => c.endpoints.map((e) => e.address)),
    ...[...names].filter((name) => isIP(name) !== 0),
    ...Object.entries(spec.dns).flatMap(([name, d]) => (names.has(name) ? d.answers : [])),
    ...spec.timeline.flatMap((e) => ('dns' in e && names.has(e.dns) ? (e.set.answers ?? []) : [])),
  ]);
  for (const address of Object.keys(spec.endpoints)) {
    if (address !== '*' && !addresses.has(address)) {
      at(['endpoints', address], 'warning', `no simulated cluster has an endpoint ${address}`);
    }
  }
}
