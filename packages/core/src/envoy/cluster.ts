import type { CircuitBreakerThresholds } from './circuit-breakers.js';
import type { UpstreamProtocolModel } from './http-protocol.js';
import type { LbPolicy, LeastRequestSettings, SlowStartConfig } from './load-balancing.js';
import type { OutlierDetectionConfig } from './outlier-detection.js';
import type { TcpProxyModel } from './tcp-proxy.js';
import type { UpstreamTlsModel } from './tls.js';

/** Envoy's cluster discovery type. */
export type ClusterDiscoveryType = 'ORIGINAL_DST' | 'EDS' | 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS';

/** EDS and STATIC clusters list their endpoints; the DNS types resolve names; ORIGINAL_DST has none. */
export const hasListedEndpoints = (type: ClusterDiscoveryType): boolean =>
  type === 'EDS' || type === 'STATIC';

/** One resolve target of a DNS cluster: every address it resolves to becomes a host with these traits. */
export interface DnsTargetModel {
  hostname: string;
  port: number;
  locality: string;
  priority: number;
  weight: number;
  labels: Readonly<Record<string, string>>;
}

/** One endpoint of an EDS or STATIC cluster's load assignment. */
export interface EndpointModel {
  address: string;
  port: number;
  labels: Readonly<Record<string, string>>;
  /** region/zone/subzone, '' when unset */
  locality: string;
  weight: number;
  network: string;
  /** The endpoint's priority (0 unless locality failover assigns another). */
  priority: number;
}

/** A LocalityLbEndpoints group's load_balancing_weight: the weight Envoy's locality EDF starts from. */
export interface LocalityWeightModel {
  priority: number;
  /** region/zone/subzone, '' when unset */
  locality: string;
  weight: number;
}

/**
 * TCP keepalive on upstream connections: after `timeMs` without traffic a probe, then one every
 * `intervalMs`; `probes` unanswered and the kernel drops the connection.
 */
export interface TcpKeepaliveModel {
  timeMs: number;
  intervalMs: number;
  probes: number;
}

/** One outbound cluster of the sidecar, named `outbound|PORT|SUBSET|HOST`. */
export interface ClusterModel {
  name: string;
  /** The service host the cluster serves (what an ORIGINAL_DST application resolves; auto SNI). */
  serviceHost: string;
  port: number;
  type: ClusterDiscoveryType;
  lbPolicy: LbPolicy;
  /** RING_HASH minimum_ring_size (Envoy 1024) or MAGLEV table_size (65537). */
  hashTableSize: number;
  /** slow_start_config; null without one. */
  slowStart: SlowStartConfig | null;
  /** least_request_lb_config (choice_count, active_request_bias); absent: Envoy's 2 and 1.0. */
  leastRequest?: LeastRequestSettings | null;
  circuitBreakers: CircuitBreakerThresholds;
  connectTimeoutMs: number;
  /** Closes a connection idle this long (common_http_protocol_options.idle_timeout); 0 = never. */
  idleTimeoutMs: number;
  /** A connection drains after this many requests; 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** common_http_protocol_options.max_connection_duration: a connection drains then; 0 = never. */
  maxConnectionDurationMs?: number;
  /** upstream_connection_options.tcp_keepalive; null: none (Linux sends no probes). */
  tcpKeepalive?: TcpKeepaliveModel | null;
  /** The upstream HTTP codec (HTTP/1.1 or HTTP/2) and max_concurrent_streams; absent: HTTP/1.1. */
  upstreamProtocol?: UpstreamProtocolModel;
  /** A GRPC port: the application's requests are gRPC (content-type application/grpc). Absent: false. */
  grpc?: boolean;
  /** null: an HTTP port (the router). Otherwise the port is tcp-proxied, with these settings. */
  tcpProxy: TcpProxyModel | null;
  /**
   * The mode of the cluster's TLS context (DISABLE when it has none): anything but DISABLE originates
   * TLS, adding the handshake to every connect.
   */
  tlsMode: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  /** The transport socket's UpstreamTlsContext; null or absent = plaintext. */
  tls?: UpstreamTlsModel | null;
  /** cluster.outlier_detection; null: none. */
  outlierDetection: OutlierDetectionConfig | null;
  /**
   * http_protocol_options.outlier_detection.error_matcher as the `:status` codes it matches (Istio's
   * outlierDetectionHttpErrorCodes); null or absent: none, so 5xx are the errors.
   */
  outlierErrorCodes?: readonly number[] | null;
  /** common_lb_config.healthy_panic_threshold, in percent (Envoy's default 50). */
  healthyPanicThresholdPct: number;
  endpoints: EndpointModel[];
  /** STRICT_DNS / LOGICAL_DNS: the names to resolve. */
  dnsTargets: DnsTargetModel[];
  /** dns_refresh_rate: the refresh without a TTL and after a failure. */
  dnsRefreshRateMs: number;
  /** dns_jitter: a uniform delay added to every refresh. */
  dnsJitterMs: number;
  /** respect_dns_ttl: the next refresh follows the answer's TTL (Istio sets it); absent = true. */
  respectDnsTtl?: boolean;
  /**
   * common_lb_config.locality_weighted_lb_config: set (with the groups' weights, in Envoy's locality
   * order) when locality-weighted balancing is on; null or absent otherwise, and hosts are balanced
   * across the whole priority.
   */
  localityWeights?: LocalityWeightModel[] | null;
}

export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}
