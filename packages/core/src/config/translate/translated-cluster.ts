import type { ClusterModel } from '../../envoy/cluster.js';
import type { UpstreamProtocolModel } from '../../envoy/http-protocol.js';
import type { ConsistentHashKey } from '../../envoy/load-balancing.js';
import type { RouteModel } from '../../envoy/route.js';
import type { FieldPath } from '../resources/positions.js';

/** Where a value of the effective model came from: the user's YAML or a default. */
export type Provenance = 'set' | 'default';

/** The DestinationRule parts that can shape a cluster (GetPortLevelTrafficPolicy, MergeSubsetTrafficPolicy). */
export type PolicyPart = 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls' | 'retryBudget';

/**
 * Why a cluster's endpoints do or do not get Istio's locality failover priorities; `distribute`: a
 * `distribute` rule is set, and Istio then applies weights instead of failover.
 */
export type LocalityFailover =
  | 'applied'
  | 'disabled'
  | 'no outlierDetection'
  | 'no proxy locality'
  | 'distribute';

/** Which `distribute` rule applied to the caller, and what it did (Istio applyLocalityWeights). */
export interface DistributeModel {
  /** Index into localityLbSetting.distribute of the first entry whose `from` matched. */
  entry: number;
  from: string;
  /** Localities no `to` key matched: their endpoints were dropped from the cluster. */
  dropped: string[];
}

/** The upstream protocol istiod chose, with the reason in one line (for explain). */
export interface IstioUpstreamProtocol extends UpstreamProtocolModel {
  reason: string;
}

/**
 * What istiod built a cluster from: the resources, where each part of the policy was written and which
 * values are Istio's defaults. explain and the report's why notes read it; the simulation never does.
 */
export interface ClusterSources {
  portName: string;
  /** The ServiceEntry port's protocol, upper-cased (HTTP, HTTPS, TCP, …). */
  protocol: string;
  lbPolicyFrom: Provenance;
  /** The DestinationRule's consistentHash key (RING_HASH, MAGLEV): Istio makes it the routes' hash_policy. */
  hashKey: ConsistentHashKey | null;
  circuitBreakersFrom: Record<
    'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries',
    Provenance
  >;
  /** Where the ServiceEntry and the DestinationRule that shaped this cluster live (namespace/name). */
  serviceEntry: string;
  destinationRule: string | null;
  /**
   * Where in the DestinationRule each part of the effective policy was written (top level, port level or
   * subset); null = unset, Istio's defaults apply.
   */
  policyPaths?: Record<PolicyPart, FieldPath | null>;
  /** Whether the endpoints got failover priorities (locality or failoverPriority), or why not. */
  localityFailover?: LocalityFailover;
  /** The `distribute` entry that matched the caller; null when none did or none is set. */
  distribute?: DistributeModel | null;
  upstreamProtocol?: IstioUpstreamProtocol;
}

/** A cluster as istiod would send it to the sidecar, with what it was made from. */
export type TranslatedCluster = ClusterModel & ClusterSources;

/** The sidecar's clusters and routes translated from Istio resources. */
export interface TranslatedModel {
  clusters: TranslatedCluster[];
  routes: RouteModel[];
}
