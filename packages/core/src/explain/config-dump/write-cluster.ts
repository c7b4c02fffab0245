import type { ClusterModel, EndpointModel, LocalityWeightModel } from '../../envoy/cluster.js';
import type { OutlierDetectionConfig } from '../../envoy/outlier-detection.js';
import type { UpstreamTlsModel } from '../../envoy/tls.js';
import { present, seconds, typed } from './proto-out.js';

const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const TLS_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

/** A locality string as Envoy's Locality message. */
function locality(text: string): Record<string, string> {
  const [region = '', zone = '', sub = ''] = text.split('/');
  return present({
    region: region || undefined,
    zone: zone || undefined,
    sub_zone: sub || undefined,
  }) as Record<string, string>;
}

function lbEndpoint(e: EndpointModel): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (Object.keys(e.labels).length > 0) meta['envoy.lb'] = e.labels;
  if (e.network !== '') meta.istio = { network: e.network };
  return present({
    endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
    health_status: 'HEALTHY',
    metadata: Object.keys(meta).length > 0 ? { filter_metadata: meta } : undefined,
    load_balancing_weight: e.weight,
  });
}

/**
 * The endpoints as LocalityLbEndpoints groups. With locality-weighted balancing, one group per locality
 * and priority in the weights' order (the order Envoy's locality scheduler starts from); otherwise one
 * group per run of endpoints sharing a locality and priority, so the hosts keep their order.
 */
function groups(
  endpoints: readonly EndpointModel[],
  weights: readonly LocalityWeightModel[] | null,
): unknown[] {
  const key = (e: { locality: string; priority: number }) => `${e.priority}|${e.locality}`;
  const out: Array<{
    key: string;
    members: EndpointModel[];
    weight?: number;
    locality: string;
    priority: number;
  }> = [];
  if (weights !== null) {
    for (const w of weights)
      out.push({
        key: key(w),
        members: endpoints.filter((e) => key(e) === key(w)),
        weight: w.weight,
        locality: w.locality,
        priority: w.priority,
      });
  } else {
    for (const e of endpoints) {
      const last = out[out.length - 1];
      if (last !== undefined && last.key === key(e)) last.members.push(e);
      else out.push({ key: key(e), members: [e], locality: e.locality, priority: e.priority });
    }
  }
  return out.map((g) =>
    present({
      locality: g.locality === '' ? undefined : locality(g.locality),
      lb_endpoints: g.members.map(lbEndpoint),
      load_balancing_weight: g.weight,
      priority: g.priority === 0 ? undefined : g.priority,
    }),
  );
}

/** The cluster's endpoints as a ClusterLoadAssignment (EDS's, or a DNS cluster's names to resolve). */
export function loadAssignment(c: ClusterModel): Record<string, unknown> {
  const endpoints: EndpointModel[] =
    c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS'
      ? c.dnsTargets.map((t) => ({
          address: t.hostname,
          port: t.port,
          labels: t.labels,
          locality: t.locality,
          weight: t.weight,
          network: '',
          priority: t.priority,
        }))
      : c.endpoints;
  return { cluster_name: c.name, endpoints: groups(endpoints, c.localityWeights ?? null) };
}

function outlier(od: OutlierDetectionConfig): Record<string, unknown> {
  return {
    consecutive_5xx: od.consecutive5xx,
    interval: seconds(od.intervalMs),
    base_ejection_time: seconds(od.baseEjectionTimeMs),
    max_ejection_percent: od.maxEjectionPercent,
    enforcing_consecutive_5xx: od.enforcingConsecutive5xx,
    enforcing_success_rate: od.enforcingSuccessRate,
    success_rate_minimum_hosts: od.successRateMinimumHosts,
    success_rate_request_volume: od.successRateRequestVolume,
    success_rate_stdev_factor: od.successRateStdevFactor,
    consecutive_gateway_failure: od.consecutiveGatewayFailure,
    enforcing_consecutive_gateway_failure: od.enforcingConsecutiveGatewayFailure,
    split_external_local_origin_errors: od.splitExternalLocalOriginErrors,
    consecutive_local_origin_failure: od.consecutiveLocalOriginFailure,
    enforcing_consecutive_local_origin_failure: od.enforcingConsecutiveLocalOriginFailure,
    enforcing_local_origin_success_rate: od.enforcingLocalOriginSuccessRate,
    failure_percentage_threshold: od.failurePercentageThreshold,
    enforcing_failure_percentage: od.enforcingFailurePercentage,
    enforcing_failure_percentage_local_origin: od.enforcingFailurePercentageLocalOrigin,
    failure_percentage_minimum_hosts: od.failurePercentageMinimumHosts,
    failure_percentage_request_volume: od.failurePercentageRequestVolume,
    max_ejection_time: seconds(od.maxEjectionTimeMs),
  };
}

const sds = (name: string) => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });

/** The UpstreamTlsContext as Istio writes it: the workload certificate (ISTIO_MUTUAL) or file-based SDS secrets. */
function tlsSocket(tls: UpstreamTlsModel): Record<string, unknown> {
  const sans = tls.subjectAltNames.map((exact) => ({ exact }));
  const validation =
    tls.mode === 'ISTIO_MUTUAL'
      ? {
          combined_validation_context: {
            default_validation_context: { match_subject_alt_names: sans },
            validation_context_sds_secret_config: sds('ROOTCA'),
          },
        }
      : tls.insecureSkipVerify || tls.caCertificates === ''
        ? { validation_context: {} }
        : {
            combined_validation_context: {
              default_validation_context: { match_subject_alt_names: sans },
              validation_context_sds_secret_config: sds(`file-root:${tls.caCertificates}`),
            },
          };
  const cert =
    tls.mode === 'ISTIO_MUTUAL'
      ? [sds('default')]
      : tls.mode === 'MUTUAL'
        ? [sds(`file-cert:${tls.clientCertificate}~`)]
        : undefined;
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: typed(
      TLS_CONTEXT,
      present({
        common_tls_context: present({
          tls_params: {
            tls_minimum_protocol_version: 'TLSv1_2',
            tls_maximum_protocol_version: tls.maxVersion === '1.3' ? 'TLSv1_3' : 'TLSv1_2',
          },
          tls_certificate_sds_secret_configs: cert,
          ...validation,
        }),
        sni: tls.sni === '' ? undefined : tls.sni,
      }),
    ),
  };
}

/** The HTTP protocol options: the codec, and the per-connection limits of common_http_protocol_options. */
function httpOptions(c: ClusterModel): Record<string, unknown> {
  const p = c.upstreamProtocol;
  const codec =
    p?.config === 'HTTP/2'
      ? {
          explicit_http_config: {
            http2_protocol_options: present({
              max_concurrent_streams: p.maxConcurrentStreams,
              connection_keepalive:
                p.connectionKeepalive === undefined
                  ? undefined
                  : {
                      interval: seconds(p.connectionKeepalive.intervalMs),
                      timeout: seconds(p.connectionKeepalive.timeoutMs),
                    },
            }),
          },
        }
      : p?.config === 'USE_DOWNSTREAM'
        ? { use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } }
        : { explicit_http_config: { http_protocol_options: {} } };
  return typed(
    HTTP_OPTIONS,
    present({
      common_http_protocol_options: present({
        idle_timeout: seconds(c.idleTimeoutMs),
        max_requests_per_connection: c.maxRequestsPerConnection > 0 ? c.maxRequestsPerConnection : undefined,
        max_connection_duration:
          (c.maxConnectionDurationMs ?? 0) > 0 ? seconds(c.maxConnectionDurationMs!) : undefined,
      }),
      upstream_http_protocol_options:
        c.tls !== null && c.tls !== undefined
          ? { auto_sni: c.tls.autoSni, auto_san_validation: c.tls.autoSanValidation }
          : undefined,
      ...codec,
    }),
  );
}

const SLOW_START_CONFIG = {
  LEAST_REQUEST: 'least_request_lb_config',
  ROUND_ROBIN: 'round_robin_lb_config',
} as const;

/** The balancing part: policy, hash table size, slow start, least request's choice count. */
function balancing(c: ClusterModel): Record<string, unknown> {
  const out: Record<string, unknown> = { lb_policy: c.lbPolicy };
  if (c.lbPolicy === 'RING_HASH') out.ring_hash_lb_config = { minimum_ring_size: String(c.hashTableSize) };
  if (c.lbPolicy === 'MAGLEV') out.maglev_lb_config = { table_size: String(c.hashTableSize) };
  const key =
    c.lbPolicy === 'LEAST_REQUEST' || c.lbPolicy === 'ROUND_ROBIN' ? SLOW_START_CONFIG[c.lbPolicy] : null;
  const lr =
    c.lbPolicy === 'LEAST_REQUEST' && c.leastRequest != null
      ? { choice_count: c.leastRequest.choiceCount }
      : {};
  const slow =
    c.slowStart === null
      ? {}
      : {
          slow_start_config: {
            slow_start_window: seconds(c.slowStart.slowStartWindowMs),
            aggression: {
              default_value: c.slowStart.aggression ?? 1,
              runtime_key: 'meshsim.slow_start.aggression',
            },
            min_weight_percent: { value: c.slowStart.minWeightPercent ?? 10 },
          },
        };
  if (key !== null && (Object.keys(slow).length > 0 || Object.keys(lr).length > 0))
    out[key] = { ...lr, ...slow };
  return out;
}

/** A cluster of the model as the Envoy v3 Cluster message istiod would send; `metadata` names its sources. */
export function writeCluster(
  c: ClusterModel,
  metadata: Record<string, unknown> | null,
): Record<string, unknown> {
  const dns = c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS';
  const cb = c.circuitBreakers;
  return present({
    ...typed('envoy.config.cluster.v3.Cluster'),
    name: c.name,
    type: c.type,
    eds_cluster_config:
      c.type === 'EDS'
        ? { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: c.name }
        : undefined,
    connect_timeout: seconds(c.connectTimeoutMs),
    ...balancing(c),
    circuit_breakers: {
      thresholds: [
        present({
          max_connections: cb.maxConnections,
          max_pending_requests: cb.maxPendingRequests,
          max_requests: cb.maxRequests,
          max_retries: cb.maxRetries,
          retry_budget:
            cb.retryBudget === undefined
              ? undefined
              : {
                  budget_percent: { value: cb.retryBudget.budgetPercent },
                  min_retry_concurrency: cb.retryBudget.minRetryConcurrency,
                },
          track_remaining: true,
        }),
      ],
    },
    outlier_detection: c.outlierDetection === null ? undefined : outlier(c.outlierDetection),
    common_lb_config: present({
      healthy_panic_threshold: { value: c.healthyPanicThresholdPct },
      locality_weighted_lb_config: (c.localityWeights ?? null) === null ? undefined : {},
    }),
    load_assignment: dns || c.type === 'STATIC' ? loadAssignment(c) : undefined,
    dns_refresh_rate: dns ? seconds(c.dnsRefreshRateMs) : undefined,
    dns_jitter: dns && c.dnsJitterMs > 0 ? seconds(c.dnsJitterMs) : undefined,
    respect_dns_ttl: dns ? c.respectDnsTtl !== false : undefined,
    dns_lookup_family: dns ? 'V4_ONLY' : undefined,
    typed_extension_protocol_options: { [HTTP_OPTIONS]: httpOptions(c) },
    transport_socket: c.tls === null || c.tls === undefined ? undefined : tlsSocket(c.tls),
    upstream_connection_options:
      c.tcpKeepalive === null || c.tcpKeepalive === undefined
        ? undefined
        : {
            tcp_keepalive: {
              keepalive_probes: c.tcpKeepalive.probes,
              keepalive_time: c.tcpKeepalive.timeMs / 1000,
              keepalive_interval: c.tcpKeepalive.intervalMs / 1000,
            },
          },
    metadata: metadata === null ? undefined : { filter_metadata: { istio: metadata } },
  });
}
