import { ConfigError, planSimulation, type SimulationSpec } from '@meshsim/core';

/**
 * The limits the invariants check, per cluster (`outbound|PORT|SUBSET|HOST`), as Envoy got them from
 * Istio: what a DestinationRule leaves out or sets to 0 is the default Istio or Envoy then applies.
 * One object fits every invariant that takes limits.
 */
export interface ConfigLimits {
  /**
   * outlier_detection.max_ejection_percent: Istio passes `maxEjectionPercent` on only when it is above
   * 0 (cluster_traffic_policy.go, applyOutlierDetection), so 0 or unset is Envoy's default, 10.
   */
  maxEjectionPercent: (cluster: string) => number;
  /** The ejection cap's rule by Envoy version: `legacy` before Envoy 1.27 (Istio 1.19). */
  rule: (cluster: string) => 'current' | 'legacy';
  /**
   * Retries a request may make on this cluster: the most `retries.attempts` of the routes that reach it
   * (Istio's default policy, 2, where no VirtualService sets one; 0 on a tcp-proxied port).
   */
  retries: (cluster: string) => number;
  /** circuit_breakers max_connections (`connectionPool.tcp.maxConnections`; Istio's default 2³²−1). */
  maxConnections: (cluster: string) => number;
}

/**
 * Reads the limits from `spec` as meshsim translates it (the Istio version of its Scenario included):
 * `ejectionsWithinMaxEjectionPercent(limits)`, `attemptsWithinRetries(limits)`,
 * `connectionsWithinBreaker(limits)`. Throws `ConfigError` when the spec does not load.
 */
export function limitsFromConfig(spec: SimulationSpec): ConfigLimits {
  const { plan, diagnostics } = planSimulation(spec);
  if (plan === null) throw new ConfigError(diagnostics);
  const { clusters, routes } = plan.model;
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const clusterOf = (name: string) => {
    const found = byName.get(name);
    if (found === undefined)
      throw new Error(`cluster ${name} is not in the config the limits were read from`);
    return found;
  };
  const retries = new Map<string, number>();
  for (const route of routes) {
    for (const { cluster } of route.destinations) {
      const name = clusters[cluster]!.name;
      retries.set(name, Math.max(retries.get(name) ?? 0, route.retry?.numRetries ?? 0));
    }
  }
  return {
    maxEjectionPercent: (name) => clusterOf(name).outlierDetection?.maxEjectionPercent ?? 10,
    rule: (name) => (clusterOf(name).outlierDetection?.capRule === 'pre-1.27' ? 'legacy' : 'current'),
    retries: (name) => {
      clusterOf(name); // an unknown cluster is an error here too
      return retries.get(name) ?? 0;
    },
    maxConnections: (name) => clusterOf(name).circuitBreakers.maxConnections,
  };
}
