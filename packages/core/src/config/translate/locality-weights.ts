import type { LocalityWeightModel } from '../../envoy/cluster.js';
import type { LocalityLoadBalancerSetting } from '../resources/schema/load-balancer.js';
import { splitLocality } from './locality-priority.js';

type Distribute = NonNullable<LocalityLoadBalancerSetting['distribute']>;

/** What a locality group needs here: its locality and an endpoint's weight and priority. */
interface Weighted {
  locality: string;
  weight: number;
  priority: number;
}

const UINT32 = 2 ** 32;

/**
 * Istio's util.LocalityMatch: the rule's region must equal the locality's or be `*`; a zone or subzone
 * that is `*` or missing matches anything.
 */
export function localityMatches(locality: string, rule: string): boolean {
  const [region, zone, subzone] = splitLocality(locality);
  const [ruleRegion, ruleZone, ruleSubzone] = splitLocality(rule);
  return (
    (ruleRegion === '*' || ruleRegion === region) &&
    (ruleZone === '*' || ruleZone === '' || ruleZone === zone) &&
    (ruleSubzone === '*' || ruleSubzone === '' || ruleSubzone === subzone)
  );
}

/**
 * The LocalityLbEndpoints groups istiod sends, one per priority and locality, each with
 * load_balancing_weight = the sum of its endpoints' weights (EndpointBuilder.generate, and
 * applyFailoverPriorityPerLocality when failoverPriority splits a locality across priorities).
 */
export function localityGroupWeights(endpoints: readonly Weighted[]): LocalityWeightModel[] {
  const groups = new Map<string, LocalityWeightModel>();
  for (const e of endpoints) {
    const key = `${e.priority}|${e.locality}`;
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { priority: e.priority, locality: e.locality, weight: e.weight });
    else group.weight += e.weight;
  }
  return [...groups.values()];
}

/** The outcome of `distribute` for one caller (applyLocalityWeights). */
export interface DistributeOutcome {
  /** Index of the first `distribute` entry whose `from` matches the caller's locality. */
  entry: number;
  /** load_balancing_weight per kept locality (all in priority 0: distribute applies no failover). */
  weights: Map<string, number>;
  /** Localities no `to` key matches: istiod empties their groups, so their endpoints are gone. */
  dropped: string[];
  /**
   * Localities more than one `to` key matches. istiod gives such a group to whichever key a Go map
   * iteration reaches first, which is random per push, so the outcome cannot be predicted.
   */
  ambiguous: Array<{ locality: string; keys: string[] }>;
}

/**
 * Istio's applyLocalityWeights for a caller at `proxyLocality`, over the locality groups' weights.
 * For the first entry whose `from` matches: each `to` key's percentage is split across the groups it
 * matches in proportion to their weights, ceil(groupWeight · percent / Σ groupWeights) in istiod's
 * uint32 arithmetic; groups no key matches are dropped. Null when no `from` matches: nothing changes.
 */
export function applyDistribute(
  proxyLocality: string,
  groupWeights: ReadonlyMap<string, number>,
  distribute: Distribute,
): DistributeOutcome | null {
  const entry = distribute.findIndex((d) => localityMatches(proxyLocality, d.from ?? ''));
  if (entry < 0) return null;
  const to = Object.entries(distribute[entry]!.to ?? {});
  const weights = new Map<string, number>();
  const dropped: string[] = [];
  const ambiguous: DistributeOutcome['ambiguous'] = [];
  const claimedBy = new Map<string, string>();
  for (const locality of groupWeights.keys()) {
    const keys = to.filter(([rule]) => localityMatches(locality, rule)).map(([rule]) => rule);
    if (keys.length === 0) dropped.push(locality);
    else claimedBy.set(locality, keys[0]!);
    if (keys.length > 1) ambiguous.push({ locality, keys });
  }
  for (const [rule, percent] of to) {
    const matched = [...claimedBy].filter(([, key]) => key === rule).map(([locality]) => locality);
    let total = 0;
    for (const locality of matched) total = (total + groupWeights.get(locality)!) % UINT32;
    for (const locality of matched) {
      const share = ((groupWeights.get(locality)! * percent) % UINT32) / total;
      // istiod only overwrites a positive share; otherwise the group keeps its own weight.
      weights.set(locality, share > 0 ? Math.ceil(share) : groupWeights.get(locality)!);
    }
  }
  return { entry, weights, dropped, ambiguous };
}

/**
 * Envoy's locality order within a priority (PriorityStateManager::updateClusterPrioritySet): the
 * caller's own locality first when it has hosts, then the rest by (region, zone, subzone). The EDF
 * over localities breaks ties in this order.
 */
export function envoyLocalityOrder(proxyLocality: string, localities: Iterable<string>): string[] {
  const key = (l: string) => splitLocality(l);
  const sorted = [...new Set(localities)].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const own = sorted.indexOf(proxyLocality);
  if (proxyLocality !== '' && own > 0) sorted.unshift(...sorted.splice(own, 1));
  return sorted;
}
