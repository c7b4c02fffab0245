import type { RetryPolicyModel } from '../router/retry-policy.js';
import type { CircuitBreakerThresholds } from '../upstream/circuit-breakers.js';
import type { ConsistentHashKey } from '../upstream/lb/request-hash.js';
import type { SlowStartConfig } from '../upstream/lb/slow-start.js';
import type { OutlierDetectionConfig } from '../upstream/outlier-config.js';
import type { FieldPath } from './positions.js';
import type { UpstreamProtocolModel } from './upstream-protocol.js';

/** Envoy cluster discovery type, from the ServiceEntry's resolution (ENVOY-SEMANTICS D.1). */
export type ClusterDiscoveryType = 'ORIGINAL_DST' | 'EDS' | 'STRICT_DNS' | 'LOGICAL_DNS';

/** Envoy lb_policy as Istio sets it (C.1). */
export type LbPolicy =
  | 'LEAST_REQUEST'
  | 'ROUND_ROBIN'
  | 'RANDOM'
  | 'RING_HASH'
  | 'MAGLEV'
  | 'CLUSTER_PROVIDED';

/** Where a value of the effective model came from: the user's YAML or a default. */
export type Provenance = 'set' | 'default';

/** One resolve target of a DNS cluster: every address it resolves to becomes a host with these traits. */
export interface DnsTargetModel {
  hostname: string;
  port: number;
  locality: string;
  priority: number;
  weight: number;
  labels: Readonly<Record<string, string>>;
}

export interface EndpointModel {
  address: string;
  port: number;
  labels: Readonly<Record<string, string>>;
  /** region/zone/subzone, '' when unset */
  locality: string;
  weight: number;
  network: string;
  /** Envoy priority from Istio's locality failover (0 without it). */
  priority: number;
}

/**
 * The cluster's upstream TLS context as istiod builds it from DestinationRule `tls` (ENVOY-SEMANTICS E.1).
 * The simulation uses its mode (ClusterModel.tlsMode: the handshake's round trip); certificates, SNI and
 * names are not checked, and are here for `explain`.
 */
export interface UpstreamTlsModel {
  mode: 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  /** '' when unset: auto_sni then takes the SNI from the request's Host/:authority. */
  sni: string;
  autoSni: boolean;
  /** Verify the certificate against the SNI host (set when neither sni nor subjectAltNames is). */
  autoSanValidation: boolean;
  /** `system` (the proxy's trust store) when caCertificates is unset; '' for ISTIO_MUTUAL (mesh roots). */
  caCertificates: string;
  /** The DestinationRule's, else the ServiceEntry's subjectAltNames. */
  subjectAltNames: readonly string[];
  clientCertificate: string;
  insecureSkipVerify: boolean;
  /** Istio's upstream contexts: TLS 1.2 minimum, 1.3 maximum. */
  minVersion: '1.2';
  maxVersion: '1.3';
}

/** The DestinationRule parts that can shape a cluster (GetPortLevelTrafficPolicy, MergeSubsetTrafficPolicy). */
export type PolicyPart = 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls' | 'retryBudget';

/**
 * Why a cluster's endpoints do or do not get Istio's locality failover priorities (C.4); `distribute`:
 * a `distribute` rule is set, and Istio then applies weights instead of failover.
 */
export type LocalityFailover =
  | 'applied'
  | 'disabled'
  | 'no outlierDetection'
  | 'no proxy locality'
  | 'distribute';

/** A LocalityLbEndpoints group's load_balancing_weight: the weight Envoy's locality EDF starts from. */
export interface LocalityWeightModel {
  priority: number;
  /** region/zone/subzone, '' when unset */
  locality: string;
  weight: number;
}

/** Which `distribute` rule applied to the caller, and what it did (Istio applyLocalityWeights). */
export interface DistributeModel {
  /** Index into localityLbSetting.distribute of the first entry whose `from` matched. */
  entry: number;
  from: string;
  /** Localities no `to` key matched: their endpoints were dropped from the cluster. */
  dropped: string[];
}

/** One outbound cluster the sidecar would get from istiod: `outbound|PORT|SUBSET|HOST`. */
export interface ClusterModel {
  name: string;
  serviceHost: string;
  port: number;
  portName: string;
  /** The ServiceEntry port's protocol, upper-cased (HTTP, HTTPS, TCP, …). */
  protocol: string;
  type: ClusterDiscoveryType;
  lbPolicy: LbPolicy;
  lbPolicyFrom: Provenance;
  /** RING_HASH minimum_ring_size (Envoy 1024) or MAGLEV table_size (65537). */
  hashTableSize: number;
  /** DestinationRule consistentHash key, for RING_HASH and MAGLEV. */
  hashKey: ConsistentHashKey | null;
  /** slow_start_config from Istio's warmup; null without warmup. */
  slowStart: SlowStartConfig | null;
  circuitBreakers: CircuitBreakerThresholds;
  circuitBreakersFrom: Record<
    'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries',
    Provenance
  >;
  connectTimeoutMs: number;
  /** Closes a connection idle this long (common_http_protocol_options.idle_timeout); 0 = never. */
  idleTimeoutMs: number;
  /** A connection drains after this many requests; 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** common_http_protocol_options.max_connection_duration (tcp.maxConnectionDuration): drains then; 0 = never. */
  maxConnectionDurationMs?: number;
  /** upstream_connection_options.tcp_keepalive from tcp.tcpKeepalive; null: none (Linux sends no probes). */
  tcpKeepalive?: TcpKeepaliveModel | null;
  /** The upstream HTTP codec (HTTP/1.1 or HTTP/2) and max_concurrent_streams; absent: HTTP/1.1. */
  upstreamProtocol?: UpstreamProtocolModel;
  /** null: an HTTP port (the router). Otherwise the port is tcp-proxied, with these settings. */
  tcpProxy: TcpProxyModel | null;
  /**
   * The mode of the TLS context istiod builds (`tls.mode`; DISABLE when it builds none): anything but
   * DISABLE originates TLS, adding the handshake to every connect.
   */
  tlsMode: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  /** cluster.outlier_detection, null when the DestinationRule sets none. */
  outlierDetection: OutlierDetectionConfig | null;
  /** common_lb_config.healthy_panic_threshold: Envoy's 50, or Istio's minHealthPercent with outlierDetection. */
  healthyPanicThresholdPct: number;
  endpoints: EndpointModel[];
  /** STRICT_DNS / LOGICAL_DNS: the names to resolve (an endpoint's address, or the service host). */
  dnsTargets: DnsTargetModel[];
  /** dns_refresh_rate (meshConfig.dnsRefreshRate, 60 s): the refresh without a TTL and after a failure. */
  dnsRefreshRateMs: number;
  /** dns_jitter (PILOT_DNS_JITTER_DURATION, 100 ms): a uniform delay added to every refresh. */
  dnsJitterMs: number;
  /** Where the ServiceEntry and the DestinationRule that shaped this cluster live (namespace/name). */
  serviceEntry: string;
  destinationRule: string | null;
  /** The upstream TLS context istiod builds; null = plaintext (no `tls`, DISABLE, or a context istiod declines to build). */
  tls?: UpstreamTlsModel | null;
  /**
   * Where in the DestinationRule each part of the effective policy was written (top level, port level or
   * subset), for explain and for reports that point at the lines; null = unset, Istio's defaults apply.
   */
  policyPaths?: Record<PolicyPart, FieldPath | null>;
  /** Whether the endpoints got failover priorities (locality or failoverPriority), or why not. */
  localityFailover?: LocalityFailover;
  /**
   * common_lb_config.locality_weighted_lb_config: set (with the groups' weights, in Envoy's locality
   * order) when Istio enables it — `distribute`, or failover with `failover`/`failoverPriority` rules;
   * null or absent otherwise, and hosts are balanced across the whole priority.
   */
  localityWeights?: LocalityWeightModel[] | null;
  /** The `distribute` entry that matched the caller; null when none did or none is set. */
  distribute?: DistributeModel | null;
}

/**
 * TCP keepalive on upstream connections: after `timeMs` without traffic a probe, then one every
 * `intervalMs`; `probes` unanswered and the kernel drops the connection. Istio writes whole seconds;
 * what it leaves unset is the kernel's (Linux: 7200 s, 75 s, 9).
 */
export interface TcpKeepaliveModel {
  timeMs: number;
  intervalMs: number;
  probes: number;
}

/** The tcp_proxy filter istiod builds for a non-HTTP port (buildOutboundNetworkFiltersWithSingleDestination). */
export interface TcpProxyModel {
  /** HTTPS or TLS: the application runs TLS end to end through the proxy, which never decrypts it. */
  appTls: boolean;
  /** idle_timeout: DR tcp.idleTimeout, else Envoy's 1 h; a session with no bytes that long is closed. 0 = never. */
  idleTimeoutMs: number;
  /** max_connect_attempts: Istio leaves Envoy's default, 1 (a failed connect is never retried). */
  maxConnectAttempts: number;
  /** max_downstream_connection_duration: a session is closed this long after it began. 0 = never. */
  maxConnectionDurationMs: number;
}

/** A route's fault injection (VirtualService http.fault): percentages 0..100, applied once per request. */
export interface FaultModel {
  delayPct: number;
  delayMs: number;
  abortPct: number;
  abortStatus: number;
}

/** One route of the sidecar's route table, as the router runs it. */
export interface RouteModel {
  /** The VirtualService route's name, or `default` for Istio's default route. */
  name: string;
  /** Weighted clusters (indexes into `EnvoyModel.clusters`); empty for a locally answered route. */
  destinations: Array<{ cluster: number; weight: number }>;
  totalWeight: number;
  /** For a local answer (no route 404 NR, unknown cluster 503 NC, directResponse, redirect): its status and flags. */
  localStatus: number;
  localFlags: number;
  /** The route timeout in ms; 0 = none (Istio's default). */
  timeoutMs: number;
  /** null = no retry policy (VirtualService retries.attempts: 0). */
  retry: RetryPolicyModel | null;
  fault: FaultModel | null;
  /** A tcp-proxied port's route: connections, not requests, are routed (no timeout, retry or fault). */
  tcp?: true;
}

/** The part of the sidecar's config the simulator runs. */
export interface EnvoyModel {
  clusters: ClusterModel[];
  routes: RouteModel[];
}

export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}
