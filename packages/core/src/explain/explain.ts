import { argumentError, checkOptions, isPlainObject } from '../config/resources/argument-checks.js';
import { type Diagnostic, strictly } from '../config/resources/diagnostics.js';
import type { LoadedConfig } from '../config/resources/load.js';

import { callerOf, type ExplainOptions, explainProxy, type ProxyExplanation } from './caller.js';
import { explainScope } from './caller-scope-explained.js';
import type { ClusterExplanation } from './cluster.js';
import { explainOutboundClusters } from './outbound-clusters.js';
import { explainScenarioEndpoints, type ScenarioEndpointExplanation } from './scenario-endpoints.js';
import { explainTrafficSources, type TrafficSourceExplanation } from './traffic-sources.js';
import { type NotExplained, unusedResources } from './unused.js';
import { explainVirtualHosts, type VirtualHostExplanation } from './virtual-hosts.js';

export type { ExplainOptions } from './caller.js';
export type { ScenarioEndpointExplanation, ScenarioValue } from './scenario-endpoints.js';
export type { TrafficSourceExplanation } from './traffic-sources.js';
export type { NotExplained } from './unused.js';
export type { VirtualHostExplanation } from './virtual-hosts.js';

/** The effective Envoy config a sidecar in `proxy.namespace` gets from these resources, every value explained. */
export interface Explanation {
  proxy: ProxyExplanation;
  clusters: ClusterExplanation[];
  virtualHosts: VirtualHostExplanation[];
  notExplained: NotExplained[];
  /** With a Scenario: how each of its endpoints behaves, in which clusters, and what its certificate meets. */
  scenarioEndpoints?: ScenarioEndpointExplanation[];
  /** With a Scenario: each traffic source's target, load, request, connections and headers. */
  traffic?: TrafficSourceExplanation[];
  /** Problems with the input itself, as `meshsim validate` reports them (and bad options). */
  diagnostics: Diagnostic[];
}

/**
 * The effective clusters and routes for a caller, built with the same translation `meshsim run` uses:
 * for every visible ServiceEntry host and port, the default cluster and one per DestinationRule subset;
 * for each, the http routes of its VirtualServices, or Istio's default route. `loaded` is what
 * loadConfig returns; anything else throws an ArgumentError.
 */
export function explainConfig(loaded: LoadedConfig, options: ExplainOptions = {}): Explanation {
  checkLoadedConfig('explainConfig(loaded)', loaded);
  checkOptions('explainConfig(loaded, options)', options);
  for (const key of ['namespace', 'istioVersion', 'locality', 'origin'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string')
      argumentError(`explainConfig(loaded, options).${key}`, 'a string', value);
  }
  if (options.strict !== undefined && typeof options.strict !== 'boolean')
    argumentError('explainConfig(loaded, options).strict', 'true or false', options.strict);
  const diagnostics = [...loaded.diagnostics];
  // What the caller's sidecar sees: the mesh config's defaults and its Sidecar applied.
  const asked = explainProxy(loaded, options, diagnostics);
  const { scope, caller, proxy, hidden } = explainScope(loaded, callerOf(asked), asked);
  const view = scope.loaded;
  const notExplained: NotExplained[] = [...hidden];
  const reached = explainOutboundClusters(view, caller, notExplained);
  const { virtualHosts, seen } = explainVirtualHosts(view, caller, reached, notExplained);
  const hosts = reached.listeners.map(({ se, host }) => ({
    host,
    namespace: se.resource.metadata.namespace,
  }));
  notExplained.push(...unusedResources(view, caller.namespace, reached.usedRules, hosts, seen));
  const problems = options.strict === true ? strictly(diagnostics) : diagnostics;
  const scenario = loaded.scenario;
  // The Scenario's own sections, placed before the diagnostics so existing keys keep their order.
  const world =
    scenario === undefined
      ? {}
      : {
          scenarioEndpoints: explainScenarioEndpoints(scenario, reached.models, reached.clusters),
          traffic: explainTrafficSources(
            scenario,
            reached.listeners,
            reached.models.map((m) => m.name),
          ),
        };
  return { proxy, clusters: reached.clusters, virtualHosts, notExplained, ...world, diagnostics: problems };
}

/** What loadConfig returns, or a copy of it: its lists of resources and diagnostics. */
function checkLoadedConfig(where: string, loaded: unknown): asserts loaded is LoadedConfig {
  const lists = ['serviceEntries', 'destinationRules', 'virtualServices', 'diagnostics'];
  if (!isPlainObject(loaded) || lists.some((k) => !Array.isArray(loaded[k])))
    argumentError(where, 'what loadConfig(yaml) returns (e.g. explainConfig(loadConfig(text)))', loaded);
}
