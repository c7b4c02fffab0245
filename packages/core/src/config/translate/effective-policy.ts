import type { FieldPath } from '../resources/positions.js';
import type { DestinationRule, TrafficPolicy } from '../resources/schema/destination-rule.js';
import type { PolicyPart as ModelPolicyPart } from './translated-cluster.js';

type PolicyPart = Exclude<ModelPolicyPart, 'retryBudget'>;

/** Where each part of the effective policy came from, so diagnostics can point at the right lines. */
export interface EffectivePolicy {
  policy: Pick<TrafficPolicy, PolicyPart>;
  pathOf: Record<PolicyPart, FieldPath>;
}

/** The index of the DestinationRule subset a cluster is for; -1 for the default cluster or an unknown name. */
export function subsetIndexOf(dr: DestinationRule | undefined, subsetName: string): number {
  return subsetName === '' ? -1 : (dr?.spec.subsets?.findIndex((x) => x.name === subsetName) ?? -1);
}

/**
 * Istio's port-level rule (GetPortLevelTrafficPolicy): a portLevelSettings entry for this port replaces
 * loadBalancer, connectionPool, outlierDetection and tls together; the parts it omits fall back to
 * Istio's defaults, not to the top level. `top` is where `policy` sits in the document.
 */
function portLevelPolicy(
  policy: TrafficPolicy | undefined,
  port: number,
  top: FieldPath,
): EffectivePolicy & { portLevel: boolean } {
  const parts: PolicyPart[] = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'];
  const levelIndex = policy?.portLevelSettings?.findIndex((p) => p.port?.number === port) ?? -1;
  const source = levelIndex >= 0 ? policy?.portLevelSettings?.[levelIndex] : policy;
  const base: FieldPath = levelIndex >= 0 ? [...top, 'portLevelSettings', levelIndex] : top;
  const result = {
    policy: {} as EffectivePolicy['policy'],
    pathOf: {
      loadBalancer: [],
      connectionPool: [],
      outlierDetection: [],
      tls: [],
    } as EffectivePolicy['pathOf'],
    portLevel: levelIndex >= 0,
  };
  for (const part of parts) {
    if (source?.[part] === undefined) continue;
    result.policy[part] = source[part] as never;
    result.pathOf[part] = [...base, part];
  }
  return result;
}

/**
 * The policy a cluster gets (MergeSubsetTrafficPolicy): the DR's, port level applied; for a subset,
 * each part the subset's own policy sets replaces the DR's — all four when the subset has port-level
 * settings for this port.
 */
export function effectivePolicy(
  dr: DestinationRule | undefined,
  subsetIndex: number,
  port: number,
): EffectivePolicy {
  const top = portLevelPolicy(dr?.spec.trafficPolicy, port, ['spec', 'trafficPolicy']);
  const subset = subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex] : undefined;
  if (subset?.trafficPolicy === undefined) return top;
  const own = portLevelPolicy(subset.trafficPolicy, port, ['spec', 'subsets', subsetIndex, 'trafficPolicy']);
  for (const part of ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const) {
    if (own.policy[part] === undefined && !own.portLevel) continue;
    top.policy[part] = own.policy[part] as never;
    top.pathOf[part] = own.pathOf[part];
  }
  return top;
}

/** Where each part of the policy was written, null for the parts left to Istio's defaults (for explain). */
export function policyPaths(
  { policy, pathOf }: EffectivePolicy,
  retryBudget: FieldPath | null,
): Record<ModelPolicyPart, FieldPath | null> {
  return {
    loadBalancer: policy.loadBalancer === undefined ? null : pathOf.loadBalancer,
    connectionPool: policy.connectionPool === undefined ? null : pathOf.connectionPool,
    outlierDetection: policy.outlierDetection === undefined ? null : pathOf.outlierDetection,
    tls: policy.tls === undefined ? null : pathOf.tls,
    retryBudget,
  };
}
