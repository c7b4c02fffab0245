import type { LocalityLoadBalancerSetting } from '../resources/schema/load-balancer.js';

/** `region/zone/subzone` split; missing parts are empty, as Istio's Locality proto leaves them. */
export function splitLocality(locality: string): [string, string, string] {
  const [region = '', zone = '', subzone = ''] = locality.split('/');
  return [region, zone, subzone];
}

/** Istio's LbPriority: 0 same subzone, 1 same zone, 2 same region, 3 elsewhere. */
export function lbPriority(proxy: string, endpoint: string): number {
  const [pr, pz, ps] = splitLocality(proxy);
  const [er, ez, es] = splitLocality(endpoint);
  if (pr !== er) return 3;
  if (pz !== ez) return 2;
  return ps === es ? 0 : 1;
}

/**
 * applyLocalityFailover: each endpoint's priority from its locality against the caller's; with a
 * `failover` entry for the caller's region, other regions than its `to` drop to 4. On top of
 * failoverPriority's (`base`, Istio 1.20+) an endpoint gets base × 5 + that, so the labels rank first
 * and locality orders each label level. The priorities used are then renumbered 0..k−1 in order,
 * since Envoy wants them without gaps.
 */
export function failoverPriorities(
  proxyLocality: string,
  endpointLocalities: readonly string[],
  failover: LocalityLoadBalancerSetting['failover'],
  base?: readonly number[],
): number[] {
  const [proxyRegion] = splitLocality(proxyLocality);
  const raw = endpointLocalities.map((locality, i) => {
    let p = lbPriority(proxyLocality, locality);
    if (p === 3) {
      const rule = (failover ?? []).find((f) => f.from === proxyRegion);
      if (rule !== undefined && splitLocality(locality)[0] !== rule.to) p = 4;
    }
    return (base?.[i] ?? 0) * 5 + p;
  });
  const used = [...new Set(raw)].sort((a, b) => a - b);
  return raw.map((p) => used.indexOf(p));
}

/** The topology labels Istio gives an endpoint (and the proxy) from its locality and network. */
export function topologyLabels(locality: string, network: string): Record<string, string> {
  const [region, zone, subzone] = splitLocality(locality);
  const out: Record<string, string> = {};
  if (region !== '') out['topology.kubernetes.io/region'] = region;
  if (zone !== '') out['topology.kubernetes.io/zone'] = zone;
  if (subzone !== '') out['topology.istio.io/subzone'] = subzone;
  if (network !== '') out['topology.istio.io/network'] = network;
  return out;
}

/**
 * failoverPriority (applyPriorityFailoverPerLocality): an endpoint's priority is 0 when it matches the
 * proxy on every listed label, else len − j for the first label j it misses, so missing an earlier label
 * costs more. A `label=value` entry compares against that value instead of the proxy's. Renumbered
 * without gaps, as for locality failover.
 */
export function failoverPriorityPriorities(
  proxyLabels: Readonly<Record<string, string>>,
  endpointLabels: ReadonlyArray<Readonly<Record<string, string>>>,
  failoverPriority: readonly string[],
): number[] {
  const lowest = failoverPriority.length;
  const raw = endpointLabels.map((labels) => {
    for (let j = 0; j < failoverPriority.length; j++) {
      const entry = failoverPriority[j]!;
      const eq = entry.indexOf('=');
      const key = eq < 0 ? entry : entry.slice(0, eq);
      const want = eq < 0 ? proxyLabels[key] : entry.slice(eq + 1);
      if (want !== labels[key]) return lowest - j;
    }
    return 0;
  });
  const used = [...new Set(raw)].sort((a, b) => a - b);
  return raw.map((p) => used.indexOf(p));
}
