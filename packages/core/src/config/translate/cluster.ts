import type { CircuitBreakerThresholds } from '../../envoy/circuit-breakers.js';
import { clusterName, type EndpointModel, type TcpKeepaliveModel } from '../../envoy/cluster.js';
import type { LbPolicy } from '../../envoy/load-balancing.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import type { Located } from '../resources/load.js';
import { type FieldPath, formatPath } from '../resources/positions.js';
import type { DestinationRule, TrafficPolicy } from '../resources/schema/destination-rule.js';
import type { ServiceEntry, ServicePort } from '../resources/schema/service-entry.js';
import { ISTIO_UNLIMITED } from './istio-defaults.js';
import { failoverPriorities, failoverPriorityPriorities, topologyLabels } from './locality-priority.js';
import { applyDistribute, envoyLocalityOrder, localityGroupWeights } from './locality-weights.js';
import { ENVOY_PANIC_THRESHOLD_PCT, translateOutlierDetection } from './outlier-detection.js';
import { applicationSpeaksTls, isTcpProxied } from './port-protocol.js';
import { upstreamTls } from './tls.js';
import type {
  DistributeModel,
  LocalityFailover,
  PolicyPart as ModelPolicyPart,
  Provenance,
  TranslatedCluster,
} from './translated-cluster.js';
import { upstreamProtocolFor } from './upstream-protocol.js';

/** meshConfig.dnsRefreshRate's default, and PILOT_DNS_JITTER_DURATION (D.1). */
export const DNS_REFRESH_RATE_MS = 60_000;
export const DNS_JITTER_MS = 100;

/** Envoy's common_http_protocol_options.idle_timeout default, which Istio leaves in place (B.1). */
export const ENVOY_IDLE_TIMEOUT_MS = 3_600_000;

/** meshConfig.connectTimeout's default (B.1). */
export const ISTIO_CONNECT_TIMEOUT_MS = 10_000;

type PolicyPart = Exclude<ModelPolicyPart, 'retryBudget'>;

/** Where each part of the effective policy came from, so diagnostics can point at the right lines. */
interface EffectivePolicy {
  policy: Pick<TrafficPolicy, PolicyPart>;
  pathOf: Record<PolicyPart, FieldPath>;
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
function effectivePolicy(
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

/** A DR value replaces Istio's default only when it is > 0 (applyConnectionPool). */
function threshold(value: number | undefined): [number, Provenance] {
  return value !== undefined && value > 0 ? [value, 'set'] : [ISTIO_UNLIMITED, 'default'];
}

function lbPolicyOf(simple: string | undefined): LbPolicy | null {
  switch (simple) {
    case undefined:
    case 'UNSPECIFIED':
    case 'LEAST_REQUEST':
    case 'LEAST_CONN':
      return 'LEAST_REQUEST';
    case 'ROUND_ROBIN':
      return 'ROUND_ROBIN';
    case 'RANDOM':
      return 'RANDOM';
    default:
      return null;
  }
}

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
}

/**
 * The default-subset cluster Istio builds for one ServiceEntry host and port (STATIC resolution),
 * with every circuit-breaker threshold, the connect timeout and the lb policy filled as Istio fills them.
 * Fields the engine does not model yet come back as warnings naming the field; never silently dropped.
 */
export function translateCluster(inputs: ClusterInputs, diagnostics: Diagnostic[]): TranslatedCluster | null {
  const { serviceEntry, host, port, destinationRule } = inputs;
  const se = serviceEntry.resource;
  const seAt = (path: FieldPath, severity: Diagnostic['severity'], message: string): void => {
    const { line, column } = serviceEntry.positionOf(path);
    diagnostics.push({ severity, file: serviceEntry.file, line, column, path: formatPath(path), message });
  };
  const resolution = se.spec.resolution;
  if (resolution === 'DYNAMIC_DNS') {
    seAt(['spec', 'resolution'], 'error', `resolution ${resolution} is not modelled yet`);
    return null;
  }
  // convertResolution: NONE → ORIGINAL_DST (no endpoints: the app's own destination address),
  // STATIC → EDS, DNS → STRICT_DNS, DNS_ROUND_ROBIN → LOGICAL_DNS.
  const type =
    resolution === 'NONE'
      ? 'ORIGINAL_DST'
      : resolution === 'STATIC'
        ? 'EDS'
        : resolution === 'DNS'
          ? 'STRICT_DNS'
          : 'LOGICAL_DNS';
  const declared: EndpointModel[] = (type === 'ORIGINAL_DST' ? [] : (se.spec.endpoints ?? [])).flatMap((e) =>
    e.address === undefined
      ? []
      : [
          {
            address: e.address,
            port: e.ports?.[port.name] ?? port.targetPort ?? port.number,
            labels: e.labels ?? {},
            locality: e.locality ?? '',
            weight: e.weight ?? 1,
            network: e.network ?? '',
            priority: 0,
          },
        ],
  );
  // A DNS cluster resolves each endpoint's address, or the service host itself when there is none.
  const endpoints: EndpointModel[] =
    (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') && declared.length === 0
      ? [
          {
            address: host,
            port: port.targetPort ?? port.number,
            labels: {},
            locality: '',
            weight: 1,
            network: '',
            priority: 0,
          },
        ]
      : type === 'LOGICAL_DNS'
        ? declared.slice(0, 1)
        : declared;
  const dr = destinationRule?.resource;
  const drAt = (path: FieldPath, severity: Diagnostic['severity'], message: string): void => {
    if (destinationRule === null) return;
    const { line, column } = destinationRule.positionOf(path);
    diagnostics.push({ severity, file: destinationRule.file, line, column, path: formatPath(path), message });
  };
  const subsetName = inputs.subset ?? '';
  const subsetIndex =
    subsetName === '' ? -1 : (dr?.spec.subsets?.findIndex((x) => x.name === subsetName) ?? -1);
  const { policy, pathOf } = effectivePolicy(dr, subsetIndex, port.number);
  const subsetLabels = subsetIndex >= 0 ? (dr?.spec.subsets?.[subsetIndex]?.labels ?? {}) : {};
  const inSubset = (labels: Readonly<Record<string, string>>) =>
    Object.entries(subsetLabels).every(([k, v]) => labels[k] === v);
  // An ORIGINAL_DST cluster always balances CLUSTER_PROVIDED: Istio ignores the loadBalancer part.
  const lb = type === 'ORIGINAL_DST' ? undefined : policy.loadBalancer;
  if (type === 'ORIGINAL_DST' && policy.loadBalancer !== undefined) {
    drAt(
      pathOf.loadBalancer,
      'warning',
      'ignored: a resolution NONE (ORIGINAL_DST) cluster balances CLUSTER_PROVIDED',
    );
  }
  let lbPolicy: LbPolicy | null = type === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : lbPolicyOf(lb?.simple);
  if (lbPolicy === null) {
    drAt([...pathOf.loadBalancer, 'simple'], 'error', `loadBalancer ${lb?.simple} is not modelled yet`);
    return null;
  }
  // ApplyRingHashLoadBalancer: maglev → MAGLEV; otherwise RING_HASH with ringHash.minimumRingSize, the
  // deprecated minimumRingSize, or Envoy's 1024.
  const ch = lb?.consistentHash;
  let hashTableSize = 0;
  if (ch !== undefined) {
    lbPolicy = ch.maglev !== undefined ? 'MAGLEV' : 'RING_HASH';
    hashTableSize =
      ch.maglev !== undefined
        ? ch.maglev.tableSize || 65_537
        : ch.ringHash?.minimumRingSize || ch.minimumRingSize || 1024;
  }
  const hashKey =
    ch === undefined || ch.useSourceIp === false
      ? null
      : {
          ...(ch.httpHeaderName !== undefined ? { httpHeaderName: ch.httpHeaderName } : {}),
          ...(ch.httpCookie !== undefined ? { httpCookie: ch.httpCookie } : {}),
          ...(ch.useSourceIp === true ? { useSourceIp: true } : {}),
          ...(ch.httpQueryParameterName !== undefined
            ? { httpQueryParameterName: ch.httpQueryParameterName }
            : {}),
        };
  // warmup (aggression and minimumPercent default 1 and 10) or the older warmupDurationSecs (window only).
  const warmupWindowMs = lb?.warmup?.duration?.ms ?? lb?.warmupDurationSecs?.ms;
  const slowStart =
    warmupWindowMs === undefined || (lbPolicy !== 'ROUND_ROBIN' && lbPolicy !== 'LEAST_REQUEST')
      ? null
      : {
          slowStartWindowMs: warmupWindowMs,
          aggression: lb?.warmup?.aggression ?? 1,
          minWeightPercent: lb?.warmup?.minimumPercent ?? 10,
        };
  // The mesh default is localityLbSetting { enabled: true }; failover exists only with outlierDetection
  // (Istio: without it Envoy never learns a host is down). `distribute` replaces failover and needs no
  // outlierDetection (ApplyLocalityLoadBalancer).
  const locality = lb?.localityLbSetting;
  const localityOn = locality?.enabled !== false;
  const distribute = localityOn ? (locality?.distribute ?? []) : [];
  if (lb?.zoneAwareLbSetting !== undefined) {
    drAt([...pathOf.loadBalancer, 'zoneAwareLbSetting'], 'warning', 'parsed but not modelled yet');
  }
  // failoverPriority ranks endpoints by the caller's labels (proxy.labels, and the topology labels of its
  // locality), so it applies without a proxy locality; plain locality failover needs one.
  const failoverPriority = locality?.failoverPriority ?? [];
  const failoverRules = locality?.failover ?? [];
  if (failoverPriority.length > 0 && failoverRules.length > 0 && distribute.length === 0) {
    drAt(
      [...pathOf.loadBalancer, 'localityLbSetting', 'failover'],
      'warning',
      'not modelled yet together with failoverPriority: Istio applies these rules on top of the label priorities, meshsim only the labels',
    );
  }
  const proxyLabels = { ...topologyLabels(inputs.proxyLocality ?? '', ''), ...(inputs.proxyLabels ?? {}) };
  const localityFailover: LocalityFailover = !localityOn
    ? 'disabled'
    : distribute.length > 0
      ? 'distribute'
      : policy.outlierDetection === undefined
        ? 'no outlierDetection'
        : failoverPriority.length > 0 || (inputs.proxyLocality ?? '') !== ''
          ? 'applied'
          : 'no proxy locality';
  const priorities =
    localityFailover !== 'applied'
      ? null
      : failoverPriority.length > 0
        ? failoverPriorityPriorities(
            proxyLabels,
            endpoints.map((e) => ({ ...topologyLabels(e.locality, e.network), ...e.labels })),
            failoverPriority,
          )
        : failoverPriorities(
            inputs.proxyLocality ?? '',
            endpoints.map((e) => e.locality),
            locality?.failover,
          );
  priorities?.forEach((p, i) => {
    endpoints[i]!.priority = p;
  });
  // LocalityLBSettings.ApplyToCluster: locality-weighted balancing with distribute, or with failover
  // rules once outlierDetection enables failover (whether or not meshsim knows the caller's locality).
  const localityWeighted =
    localityOn &&
    (distribute.length > 0 ||
      (policy.outlierDetection !== undefined && (failoverRules.length > 0 || failoverPriority.length > 0)));
  const kept = subsetIndex >= 0 ? endpoints.filter((e) => inSubset(e.labels)) : endpoints;
  let groups = localityWeighted ? localityGroupWeights(kept) : null;
  let distributeModel: DistributeModel | null = null;
  const distributePath = [...pathOf.loadBalancer, 'localityLbSetting', 'distribute'];
  const applied =
    distribute.length === 0
      ? null
      : applyDistribute(
          inputs.proxyLocality ?? '',
          new Map((groups ?? []).map((g) => [g.locality, g.weight])),
          distribute,
        );
  if (applied !== null) {
    for (const { locality: where, keys } of applied.ambiguous) {
      drAt(
        [...distributePath, applied.entry, 'to'],
        'error',
        `locality ${where || '(none)'} matches more than one key (${keys.join(', ')}): istiod gives it to whichever a Go map iteration reaches first, which changes from push to push`,
      );
    }
    if (applied.ambiguous.length > 0) return null;
    groups = (groups ?? [])
      .filter((g) => applied.weights.has(g.locality))
      .map((g) => ({ ...g, weight: applied.weights.get(g.locality)! }));
    distributeModel = {
      entry: applied.entry,
      from: distribute[applied.entry]!.from ?? '',
      dropped: applied.dropped,
    };
  }
  const order = envoyLocalityOrder(
    inputs.proxyLocality ?? '',
    (groups ?? []).map((g) => g.locality),
  );
  const localityWeights =
    groups === null
      ? null
      : groups.sort(
          (a, b) => a.priority - b.priority || order.indexOf(a.locality) - order.indexOf(b.locality),
        );
  const dropped = new Set(distributeModel?.dropped ?? []);
  const clusterEndpoints = kept.filter((e) => !dropped.has(e.locality));
  // TLS origination: the handshake's round trips come on top of TCP's (E.3); certificates and SNI are
  // not checked, so a `connect: tlsError` endpoint is how a scenario breaks the handshake. The context is
  // istiod's (buildUpstreamClusterTLSContext): where it builds none, the cluster is plaintext.
  const tls = upstreamTls(policy.tls, se.spec.subjectAltNames ?? [], port.number, subsetName, host);
  const tlsMode = tls?.mode ?? 'DISABLE';
  if (policy.tls !== undefined && tls === null && (policy.tls.mode ?? 'DISABLE') !== 'DISABLE') {
    drAt(
      [...pathOf.tls, 'credentialName'],
      'warning',
      `istiod builds no TLS context for credentialName in a sidecar's DestinationRule without a workloadSelector: ${policy.tls.mode} is not originated, traffic leaves in plaintext`,
    );
  }
  for (const field of [
    'caCertificates',
    'clientCertificate',
    'privateKey',
    'credentialName',
    'subjectAltNames',
    'sni',
    'insecureSkipVerify',
    'caCrl',
  ] as const) {
    if (tls !== null && policy.tls?.[field] !== undefined)
      drAt([...pathOf.tls, field], 'warning', 'recorded; not checked by the simulation');
  }
  const subsetPolicy = subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex]?.trafficPolicy : undefined;
  for (const field of ['tunnel', 'proxyProtocol'] as const) {
    if (subsetPolicy?.[field] !== undefined) {
      drAt(
        ['spec', 'subsets', subsetIndex, 'trafficPolicy', field],
        'warning',
        'parsed but not modelled yet',
      );
    } else if (dr?.spec.trafficPolicy?.[field] !== undefined) {
      drAt(['spec', 'trafficPolicy', field], 'warning', 'parsed but not modelled yet');
    }
  }
  if ((se.spec.addresses ?? []).length > 0) {
    seAt(
      ['spec', 'addresses'],
      'warning',
      'not modelled: meshsim addresses traffic by host name (Istio matches TCP listeners on these)',
    );
  }
  if (se.spec.workloadSelector !== undefined) {
    seAt(['spec', 'workloadSelector'], 'warning', 'not modelled yet: selected workloads give no endpoints');
  }
  if (se.spec.location === 'MESH_INTERNAL') {
    seAt(
      ['spec', 'location'],
      'warning',
      'MESH_INTERNAL is not modelled: no automatic mTLS to the endpoints',
    );
  }
  const od = policy.outlierDetection;
  if (od?.consecutiveErrors !== undefined) {
    drAt(
      [...pathOf.outlierDetection, 'consecutiveErrors'],
      'warning',
      'deprecated; current Istio ignores it',
    );
  }
  if (od?.outlierDetectionHttpErrorCodes !== undefined) {
    drAt(
      [...pathOf.outlierDetection, 'outlierDetectionHttpErrorCodes'],
      'warning',
      'parsed but not modelled yet',
    );
  }
  const tcp = policy.connectionPool?.tcp;
  const http = policy.connectionPool?.http;
  const pool = pathOf.connectionPool;
  if (http?.http2KeepAlive !== undefined)
    drAt([...pool, 'http', 'http2KeepAlive'], 'warning', 'parsed but not modelled yet');

  const [maxConnections, maxConnectionsFrom] = threshold(tcp?.maxConnections);
  const [maxPendingRequests, maxPendingFrom] = threshold(http?.http1MaxPendingRequests);
  const [maxRequests, maxRequestsFrom] = threshold(http?.http2MaxRequests);
  const [maxRetries, maxRetriesFrom] = threshold(http?.maxRetries);
  const circuitBreakers: CircuitBreakerThresholds = {
    maxConnections,
    maxPendingRequests,
    maxRequests,
    maxRetries,
  };
  // applyRetryBudget: a subset's budget replaces the DestinationRule's; Istio fills 20 % and 3.
  const subsetBudget =
    subsetIndex >= 0 ? dr?.spec.subsets?.[subsetIndex]?.trafficPolicy?.retryBudget : undefined;
  const budget = subsetBudget ?? dr?.spec.trafficPolicy?.retryBudget;
  const budgetPath: FieldPath | null =
    subsetBudget !== undefined
      ? ['spec', 'subsets', subsetIndex, 'trafficPolicy', 'retryBudget']
      : budget !== undefined
        ? ['spec', 'trafficPolicy', 'retryBudget']
        : null;
  if (budget !== undefined) {
    circuitBreakers.retryBudget = {
      budgetPercent: budget.percent ?? 20,
      minRetryConcurrency: budget.minRetryConcurrency ?? 3,
    };
  }
  return {
    name: clusterName(port.number, subsetName, host),
    serviceHost: host,
    port: port.number,
    portName: port.name,
    protocol: port.protocol ?? 'HTTP',
    type,
    lbPolicy,
    hashTableSize,
    hashKey,
    slowStart,
    lbPolicyFrom: lb?.simple !== undefined && lb.simple !== 'UNSPECIFIED' ? 'set' : 'default',
    circuitBreakers,
    circuitBreakersFrom: {
      maxConnections: maxConnectionsFrom,
      maxPendingRequests: maxPendingFrom,
      maxRequests: maxRequestsFrom,
      maxRetries: maxRetriesFrom,
    },
    connectTimeoutMs: tcp?.connectTimeout?.ms ?? ISTIO_CONNECT_TIMEOUT_MS,
    // Istio: http.idleTimeout, else tcp.idleTimeout, else Envoy's 1 h; 0 s disables it.
    idleTimeoutMs: http?.idleTimeout?.ms ?? tcp?.idleTimeout?.ms ?? ENVOY_IDLE_TIMEOUT_MS,
    maxRequestsPerConnection: http?.maxRequestsPerConnection ?? 0,
    // Istio sets it on the HTTP options; on a tcp-proxied port it bounds the session instead (tcpProxy).
    maxConnectionDurationMs: tcp?.maxConnectionDuration?.ms ?? 0,
    tcpKeepalive: tcpKeepaliveOf(tcp?.tcpKeepalive),
    upstreamProtocol: upstreamProtocolFor(port.protocol, http),
    tcpProxy: isTcpProxied(port.protocol ?? 'HTTP')
      ? {
          appTls: applicationSpeaksTls(port.protocol ?? 'HTTP'),
          // Istio: tcp.idleTimeout, else the proxy's metadata (unset), so Envoy's 1 h; 0 s disables it.
          idleTimeoutMs: tcp?.idleTimeout?.ms ?? ENVOY_IDLE_TIMEOUT_MS,
          maxConnectAttempts: 1,
          // Istio: tcp.maxConnectionDuration becomes max_downstream_connection_duration; unset: none.
          maxConnectionDurationMs: tcp?.maxConnectionDuration?.ms ?? 0,
        }
      : null,
    tlsMode,
    outlierDetection: od === undefined ? null : translateOutlierDetection(od, inputs.istioVersion),
    // With outlierDetection Istio sets the panic threshold to minHealthPercent, whose default 0 disables panic.
    healthyPanicThresholdPct: od === undefined ? ENVOY_PANIC_THRESHOLD_PCT : (od.minHealthPercent ?? 0),
    endpoints: type !== 'EDS' ? [] : clusterEndpoints,
    dnsTargets:
      type === 'EDS'
        ? []
        : clusterEndpoints.map((e) => ({
            hostname: e.address,
            port: e.port,
            locality: e.locality,
            priority: e.priority,
            weight: e.weight,
            labels: e.labels,
          })),
    dnsRefreshRateMs: DNS_REFRESH_RATE_MS,
    dnsJitterMs: DNS_JITTER_MS,
    serviceEntry: `${se.metadata.namespace}/${se.metadata.name}`,
    destinationRule: dr === undefined ? null : `${dr.metadata.namespace}/${dr.metadata.name}`,
    tls,
    policyPaths: {
      loadBalancer: policy.loadBalancer === undefined ? null : pathOf.loadBalancer,
      connectionPool: policy.connectionPool === undefined ? null : pathOf.connectionPool,
      outlierDetection: policy.outlierDetection === undefined ? null : pathOf.outlierDetection,
      tls: policy.tls === undefined ? null : pathOf.tls,
      retryBudget: budgetPath,
    },
    localityFailover,
    localityWeights,
    distribute: distributeModel,
  };
}

/** Linux's defaults for what Istio leaves unset: net.ipv4.tcp_keepalive_time, _intvl, _probes. */
const LINUX_KEEPALIVE = { timeMs: 7_200_000, intervalMs: 75_000, probes: 9 };

/** Istio's setKeepAliveSettings: whole seconds, probes only when above 0, the rest the kernel's. */
function tcpKeepaliveOf(
  k: { probes?: number; time?: { ms: number }; interval?: { ms: number } } | undefined,
): TcpKeepaliveModel | null {
  if (k === undefined) return null;
  const seconds = (d: { ms: number } | undefined, otherwise: number) =>
    d === undefined || d.ms < 1000 ? otherwise : Math.floor(d.ms / 1000) * 1000;
  return {
    timeMs: seconds(k.time, LINUX_KEEPALIVE.timeMs),
    intervalMs: seconds(k.interval, LINUX_KEEPALIVE.intervalMs),
    probes: (k.probes ?? 0) > 0 ? k.probes! : LINUX_KEEPALIVE.probes,
  };
}
