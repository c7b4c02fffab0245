import { clusterName } from '../../envoy/cluster.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import type { Located } from '../resources/load.js';
import type { DestinationRule } from '../resources/schema/destination-rule.js';
import type { LoadBalancerSettings } from '../resources/schema/load-balancer.js';
import type { ServiceEntry, ServicePort } from '../resources/schema/service-entry.js';
import { clusterHosts, discoveryType, serviceEntryEndpoints, subsetEndpoints } from './cluster-endpoints.js';
import { applyConnectionPool } from './connection-pool.js';
import { effectivePolicy, policyPaths, subsetIndexOf } from './effective-policy.js';
import { http2KeepaliveFor } from './http2-keepalive.js';
import { applyLoadBalancer, honouredLoadBalancer } from './load-balancer.js';
import { applyLocalityLoadBalancer } from './locality-load-balancer.js';
import { DEFAULT_MESH, type MeshSettings } from './mesh-settings.js';
import { clusterOutlierDetection } from './outlier-detection.js';
import { reportAt } from './report-at.js';
import { applyRetryBudget } from './retry-budget.js';
import { tcpProxyFor } from './tcp-proxy-filter.js';
import { clusterTls } from './tls.js';
import type { TranslatedCluster } from './translated-cluster.js';
import { warnUnmodelledServiceEntry, warnUnmodelledTrafficPolicy } from './unmodelled-fields.js';
import { upstreamProtocolFor } from './upstream-protocol.js';

export interface ClusterInputs {
  serviceEntry: Located<ServiceEntry>;
  host: string;
  port: ServicePort;
  destinationRule: Located<DestinationRule> | null;
  /** The caller's Istio version: some translations changed across releases. */
  istioVersion: string;
  /** A DestinationRule subset by name, or '' for the default cluster. */
  subset?: string;
  /** The caller's `region/zone/subzone` (Scenario proxy.locality), '' when unknown. */
  proxyLocality?: string;
  /** The caller's pod labels (Scenario proxy.labels), for failoverPriority. */
  proxyLabels?: Readonly<Record<string, string>>;
  /** The mesh config's settings (Istio's defaults when absent). */
  mesh?: MeshSettings;
}

/** The DestinationRule's loadBalancer, with the mesh's localityLbSetting where it sets none. */
function withMeshLocality(
  lb: LoadBalancerSettings | undefined,
  mesh: MeshSettings,
): LoadBalancerSettings | undefined {
  if (mesh.localityLbSetting === null || lb?.localityLbSetting !== undefined) return lb;
  return { ...lb, localityLbSetting: mesh.localityLbSetting } as LoadBalancerSettings;
}

/**
 * The cluster Istio builds for one ServiceEntry host and port (buildCluster), default or for a subset,
 * with every circuit-breaker threshold, the connect timeout and the lb policy filled as Istio fills them.
 * Fields the engine does not model yet come back as warnings naming the field; never silently dropped.
 */
export function translateCluster(inputs: ClusterInputs, diagnostics: Diagnostic[]): TranslatedCluster | null {
  const { serviceEntry, host, port, destinationRule } = inputs;
  const se = serviceEntry.resource;
  const seAt = reportAt(serviceEntry, diagnostics);
  const drAt = reportAt(destinationRule, diagnostics);
  const type = discoveryType(se, seAt);
  if (type === null) return null;
  const dr = destinationRule?.resource;
  const subsetName = inputs.subset ?? '';
  const subsetIndex = subsetIndexOf(dr, subsetName);
  const effective = effectivePolicy(dr, subsetIndex, port.number);
  const { policy, pathOf } = effective;
  const mesh = inputs.mesh ?? DEFAULT_MESH;
  const lb = withMeshLocality(
    honouredLoadBalancer(type, policy.loadBalancer, pathOf.loadBalancer, drAt),
    mesh,
  );
  const balancing = applyLoadBalancer(type, lb, pathOf.loadBalancer, drAt);
  if (balancing === null) return null;
  const all = serviceEntryEndpoints(se, host, port, type);
  const kept = subsetEndpoints(all, subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex] : undefined);
  const caller = {
    proxyLocality: inputs.proxyLocality ?? '',
    proxyLabels: inputs.proxyLabels ?? {},
    istioVersion: inputs.istioVersion,
  };
  const locality = applyLocalityLoadBalancer(
    lb,
    policy.outlierDetection !== undefined,
    caller,
    { all, kept },
    pathOf.loadBalancer,
    drAt,
  );
  if (locality === null) return null;
  const sans = se.spec.subjectAltNames ?? [];
  const tls = clusterTls(
    policy.tls,
    sans,
    port.number,
    subsetName,
    host,
    pathOf.tls,
    drAt,
    inputs.istioVersion,
  );
  warnUnmodelledTrafficPolicy(dr, subsetIndex, drAt);
  warnUnmodelledServiceEntry(se, seAt);
  const od = clusterOutlierDetection(
    policy.outlierDetection,
    inputs.istioVersion,
    pathOf.outlierDetection,
    drAt,
  );
  const retryBudget = applyRetryBudget(dr, subsetIndex);
  const pool = applyConnectionPool(policy.connectionPool, retryBudget.budget, mesh);
  const upstreamProtocol = upstreamProtocolFor(
    port.protocol,
    policy.connectionPool?.http,
    mesh.h2UpgradePolicy,
  );
  const keepalive = http2KeepaliveFor(
    policy.connectionPool?.http,
    upstreamProtocol,
    inputs.istioVersion,
    pathOf.connectionPool,
    drAt,
  );
  if (keepalive !== undefined) upstreamProtocol.connectionKeepalive = keepalive;
  return {
    name: clusterName(port.number, subsetName, host),
    serviceHost: host,
    port: port.number,
    portName: port.name,
    protocol: port.protocol ?? 'HTTP',
    type,
    ...balancing,
    ...pool,
    upstreamProtocol,
    tcpProxy: tcpProxyFor(port.protocol ?? 'HTTP', policy.connectionPool?.tcp),
    tlsMode: tls?.mode ?? 'DISABLE',
    ...(port.protocol?.toUpperCase() === 'GRPC' ? { grpc: true } : {}),
    ...od,
    ...clusterHosts(type, locality.endpoints, mesh.dnsRefreshRateMs),
    serviceEntry: `${se.metadata.namespace}/${se.metadata.name}`,
    destinationRule: dr === undefined ? null : `${dr.metadata.namespace}/${dr.metadata.name}`,
    tls,
    policyPaths: policyPaths(effective, retryBudget.path),
    localityFailover: locality.failover,
    localityWeights: locality.weights,
    distribute: locality.distribute,
  };
}
