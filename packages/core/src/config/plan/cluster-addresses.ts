import { isIP } from 'node:net';
import type { ClusterModel } from '../../envoy/cluster.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';

/** The addresses a name resolves to in the Scenario: itself when it is one, else its `dns` answers, first and later. */
function resolved(name: string, spec: ScenarioSpec): string[] {
  if (isIP(name) !== 0) return [name];
  const later = spec.timeline.flatMap((e) => ('dns' in e && e.dns === name ? (e.set.answers ?? []) : []));
  return [...(spec.dns[name]?.answers ?? []), ...later];
}

/**
 * The addresses a cluster's hosts can have in a run: its endpoints, what its DNS names resolve to, and for
 * ORIGINAL_DST the addresses the application dials (the traffic's hosts, resolved).
 */
export function clusterAddresses(c: ClusterModel, spec: ScenarioSpec): Set<string> {
  const out = new Set(c.endpoints.map((e) => e.address));
  for (const t of c.dnsTargets) for (const a of resolved(t.hostname, spec)) out.add(a);
  if (c.type === 'ORIGINAL_DST') {
    for (const t of spec.traffic)
      if (t.host === c.serviceHost) for (const a of resolved(t.host, spec)) out.add(a);
  }
  return out;
}

/** Whether a cluster can reach `address` of `spec.endpoints`; `*` stands for every address no entry names. */
export function reachesEndpoint(
  addresses: ReadonlySet<string>,
  address: string,
  spec: ScenarioSpec,
): boolean {
  if (address !== '*') return addresses.has(address);
  for (const a of addresses) if (spec.endpoints[a] === undefined) return true;
  return false;
}
