import type { DumpCluster } from '../config/envoy-dump/dump-model.js';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { EnvoyConfigDocument } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import { hasListedEndpoints } from '../envoy/cluster.js';
import { maxEjectableHosts } from '../envoy/outlier-detection.js';
import type { ClusterValues, EndpointExplanation } from './cluster.js';
import { DumpValues } from './dump-values.js';
import type { OutlierExplanation } from './outlier-detection.js';
import { byDefault, type Explained, type SourceLocation } from './values.js';

const HTTP_OPTIONS = [
  'typed_extension_protocol_options',
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
];
const COMMON = [...HTTP_OPTIONS, 'common_http_protocol_options'];

/** A cluster of an Envoy config, as its dump has it: every value set at its JSON path, or Envoy's default. */
export interface DumpClusterExplanation extends ClusterValues {
  name: string;
  host: string;
  port: number;
  /** Where the Cluster message is. */
  source: SourceLocation;
  /** Where its endpoints came from (its load_assignment, or the endpoints dump); null: none. */
  endpointsFrom: SourceLocation | null;
  endpoints: EndpointExplanation[];
  notes: string[];
  notModelled: Diagnostic[];
}

const locationOf = (
  s: { file: string; line: number; path: FieldPath },
  text: (p: FieldPath) => string,
): SourceLocation => ({
  file: s.file,
  line: s.line,
  column: 1,
  path: text(s.path),
});

/** How a cluster is reached, from the config's listeners: `HTTP`, `TCP (tcp_proxy)`, or not at all. */
export type ReachedBy = Explained<string>;

function outlierOf(c: DumpCluster, v: DumpValues): OutlierExplanation | null {
  const od = c.outlierDetection;
  if (od === null) return null;
  const f = (field: string, value: number | boolean) => v.at(['outlier_detection', field], value);
  return {
    consecutive5xx: f('consecutive_5xx', od.consecutive5xx) as Explained<number>,
    enforcingConsecutive5xx: f('enforcing_consecutive_5xx', od.enforcingConsecutive5xx) as Explained<number>,
    consecutiveGatewayFailure: f(
      'consecutive_gateway_failure',
      od.consecutiveGatewayFailure,
    ) as Explained<number>,
    enforcingConsecutiveGatewayFailure: f(
      'enforcing_consecutive_gateway_failure',
      od.enforcingConsecutiveGatewayFailure,
    ) as Explained<number>,
    splitExternalLocalOriginErrors: f(
      'split_external_local_origin_errors',
      od.splitExternalLocalOriginErrors,
    ) as Explained<boolean>,
    consecutiveLocalOriginFailure: f(
      'consecutive_local_origin_failure',
      od.consecutiveLocalOriginFailure,
    ) as Explained<number>,
    enforcingConsecutiveLocalOriginFailure: f(
      'enforcing_consecutive_local_origin_failure',
      od.enforcingConsecutiveLocalOriginFailure,
    ) as Explained<number>,
    intervalMs: f('interval', od.intervalMs) as Explained<number>,
    baseEjectionTimeMs: f('base_ejection_time', od.baseEjectionTimeMs) as Explained<number>,
    maxEjectionTimeMs: v.at(
      ['outlier_detection', 'max_ejection_time'],
      od.maxEjectionTimeMs,
      'unset: the larger of 300s and base_ejection_time',
    ),
    maxEjectionPercent: f('max_ejection_percent', od.maxEjectionPercent) as Explained<number>,
    successRateMinimumHosts: f('success_rate_minimum_hosts', od.successRateMinimumHosts) as Explained<number>,
    successRateRequestVolume: f(
      'success_rate_request_volume',
      od.successRateRequestVolume,
    ) as Explained<number>,
    successRateStdevFactor: f('success_rate_stdev_factor', od.successRateStdevFactor) as Explained<number>,
    enforcingSuccessRate: f('enforcing_success_rate', od.enforcingSuccessRate) as Explained<number>,
    enforcingLocalOriginSuccessRate: f(
      'enforcing_local_origin_success_rate',
      od.enforcingLocalOriginSuccessRate,
    ) as Explained<number>,
    failurePercentageThreshold: f(
      'failure_percentage_threshold',
      od.failurePercentageThreshold,
    ) as Explained<number>,
    failurePercentageMinimumHosts: f(
      'failure_percentage_minimum_hosts',
      od.failurePercentageMinimumHosts,
    ) as Explained<number>,
    failurePercentageRequestVolume: f(
      'failure_percentage_request_volume',
      od.failurePercentageRequestVolume,
    ) as Explained<number>,
    enforcingFailurePercentage: f(
      'enforcing_failure_percentage',
      od.enforcingFailurePercentage,
    ) as Explained<number>,
    enforcingFailurePercentageLocalOrigin: f(
      'enforcing_failure_percentage_local_origin',
      od.enforcingFailurePercentageLocalOrigin,
    ) as Explained<number>,
    capRule: byDefault(od.capRule, 'Envoy default', c.envoyVersionNote),
  };
}

/** The index of the DEFAULT priority thresholds in the cluster's circuit_breakers, -1 when none. */
function defaultThresholds(raw: Record<string, unknown>): number {
  const list = (raw.circuit_breakers as { thresholds?: unknown[] } | undefined)?.thresholds ?? [];
  return list.findIndex(
    (t) => String((t as Record<string, unknown>).priority ?? 'DEFAULT').toUpperCase() === 'DEFAULT',
  );
}

function poolOf(
  c: DumpCluster,
  v: DumpValues,
): Pick<
  ClusterValues,
  | 'circuitBreakers'
  | 'connectTimeoutMs'
  | 'idleTimeoutMs'
  | 'maxRequestsPerConnection'
  | 'maxConnectionDuration'
  | 'tcpKeepalive'
  | 'upstreamProtocol'
  | 'maxConcurrentStreams'
  | 'http2KeepAlive'
> {
  const i = defaultThresholds(c.raw);
  const cb = c.circuitBreakers;
  const t = (field: string, value: number) =>
    i < 0 ? byDefault(value, 'Envoy default') : v.at(['circuit_breakers', 'thresholds', i, field], value);
  const p = c.upstreamProtocol;
  const keepalive = c.tcpKeepalive;
  return {
    circuitBreakers: {
      maxConnections: t('max_connections', cb.maxConnections),
      maxPendingRequests: t('max_pending_requests', cb.maxPendingRequests),
      maxRequests: t('max_requests', cb.maxRequests),
      maxRetries: t('max_retries', cb.maxRetries),
      retryBudget:
        cb.retryBudget === undefined
          ? null
          : {
              budgetPercent: t('retry_budget', cb.retryBudget.budgetPercent),
              minRetryConcurrency: t('retry_budget', cb.retryBudget.minRetryConcurrency),
            },
    },
    connectTimeoutMs: v.at(['connect_timeout'], c.connectTimeoutMs),
    idleTimeoutMs: v.at(
      [
        [...COMMON, 'idle_timeout'],
        ['common_http_protocol_options', 'idle_timeout'],
      ],
      c.idleTimeoutMs,
    ),
    maxRequestsPerConnection: v.at(
      [
        [...COMMON, 'max_requests_per_connection'],
        ['common_http_protocol_options', 'max_requests_per_connection'],
        ['max_requests_per_connection'],
      ],
      c.maxRequestsPerConnection,
    ),
    maxConnectionDuration:
      (c.maxConnectionDurationMs ?? 0) === 0
        ? null
        : {
            field: 'common_http_protocol_options.max_connection_duration',
            ms: v.at(
              [
                [...COMMON, 'max_connection_duration'],
                ['common_http_protocol_options', 'max_connection_duration'],
              ],
              c.maxConnectionDurationMs ?? 0,
            ),
          },
    tcpKeepalive:
      keepalive === null || keepalive === undefined
        ? null
        : v.at(
            ['upstream_connection_options', 'tcp_keepalive'],
            `time ${keepalive.timeMs / 1000}s, interval ${keepalive.intervalMs / 1000}s, probes ${keepalive.probes}`,
            "unset parts: the kernel's",
          ),
    upstreamProtocol: v.at(
      [
        [...HTTP_OPTIONS, 'explicit_http_config'],
        [...HTTP_OPTIONS, 'use_downstream_protocol_config'],
        ['http2_protocol_options'],
        ['protocol_selection'],
      ],
      p?.config === 'USE_DOWNSTREAM'
        ? 'use_downstream_protocol (HTTP/1.1 for meshsim clients)'
        : (p?.protocol ?? 'HTTP/1.1'),
    ),
    maxConcurrentStreams:
      p?.protocol === 'HTTP/2'
        ? v.at(
            [
              [...HTTP_OPTIONS, 'explicit_http_config', 'http2_protocol_options', 'max_concurrent_streams'],
              ['http2_protocol_options', 'max_concurrent_streams'],
            ],
            p.maxConcurrentStreams,
          )
        : null,
    ...http2KeepaliveOf(c, v),
  };
}

/** http2_protocol_options.connection_keepalive, where the HTTP/2 codec reads it; absent when unset. */
function http2KeepaliveOf(c: DumpCluster, v: DumpValues): Pick<ClusterValues, 'http2KeepAlive'> {
  const keepalive = c.upstreamProtocol?.connectionKeepalive;
  if (keepalive === undefined) return {};
  const at = (field: string): FieldPath[] => [
    [...HTTP_OPTIONS, 'explicit_http_config', 'http2_protocol_options', 'connection_keepalive', field],
    ['http2_protocol_options', 'connection_keepalive', field],
  ];
  return {
    http2KeepAlive: {
      intervalMs: v.at(
        at('interval'),
        keepalive.intervalMs,
        keepalive.intervalMs === 0 ? 'no periodic PING' : undefined,
      ),
      timeoutMs: v.at(at('timeout'), keepalive.timeoutMs),
      intervalJitterPct: v.at(at('interval_jitter'), keepalive.intervalJitterPct),
    },
  };
}

function tlsOf(c: DumpCluster, v: DumpValues): ClusterValues['tls'] {
  const matches = Array.isArray(c.raw.transport_socket_matches);
  const socket: FieldPath = matches ? ['transport_socket_matches'] : ['transport_socket'];
  const tls = c.tls;
  const ctx: FieldPath = [...socket, 'typed_config'];
  return {
    mode: v.at(socket, c.tlsMode, matches ? 'per endpoint, by transport_socket_matches' : undefined),
    context:
      tls === null || tls === undefined
        ? null
        : {
            sni: v.at([...ctx, 'sni'], tls.sni, tls.autoSni ? "auto_sni: the request's host" : undefined),
            caCertificates: v.at(
              [...ctx, 'common_tls_context'],
              tls.caCertificates,
              tls.caCertificates === '' ? 'none: the server certificate is not verified' : undefined,
            ),
            subjectAltNames: v.at([...ctx, 'common_tls_context'], tls.subjectAltNames),
            clientCertificate: v.at([...ctx, 'common_tls_context'], tls.clientCertificate),
            insecureSkipVerify: byDefault(
              tls.insecureSkipVerify,
              'Envoy default',
              'no CA: nothing is verified',
            ),
            versions: v.at(
              [...ctx, 'common_tls_context', 'tls_params'],
              `TLS ${tls.minVersion}–${tls.maxVersion}`,
              "Envoy's client default is TLS 1.2 at most: two round trips per full handshake",
            ),
          },
  };
}

/** Notes on how the cluster behaves that its values alone do not say. */
function notesOf(c: DumpCluster, endpoints: number): string[] {
  const notes: string[] = [];
  if (c.unsupported !== null) notes.push(`cannot be simulated: ${c.unsupported}`);
  if (c.edsEndpointsMissing)
    notes.push(
      'EDS: the dump has no endpoints for it (take /config_dump?include_eds, or istioctl proxy-config all POD -o json)',
    );
  else if (hasListedEndpoints(c.type) && endpoints === 0)
    notes.push('no endpoint: every request gets 503 UH');
  if (c.type === 'ORIGINAL_DST')
    notes.push('ORIGINAL_DST: each connection goes to the address the application dialled');
  if (c.type === 'LOGICAL_DNS')
    notes.push('one logical host: connections stay on the address they opened to');
  const od = c.outlierDetection;
  const hosts = hasListedEndpoints(c.type) ? endpoints : c.type === 'LOGICAL_DNS' ? 1 : 0;
  if (od !== null && hosts > 0) {
    const k = maxEjectableHosts(od, hosts);
    notes.push(
      k === 0
        ? `with ${hosts} host(s) and max_ejection_percent ${od.maxEjectionPercent}, no host can ever be ejected`
        : `with ${hosts} host(s) and max_ejection_percent ${od.maxEjectionPercent}, at most ${k} can be ejected at once`,
    );
  }
  return notes;
}

/** Explains one cluster read from an Envoy config; `reachedBy` says how its listeners reach it. */
export function explainDumpCluster(
  doc: EnvoyConfigDocument,
  c: DumpCluster,
  reachedBy: ReachedBy,
  pathText: (p: FieldPath) => string,
): DumpClusterExplanation {
  const v = new DumpValues(doc, c.source, c.raw);
  const endpoints: EndpointExplanation[] = (
    hasListedEndpoints(c.type) ? c.endpoints : c.dnsTargets.map((t) => ({ ...t, address: t.hostname }))
  ).map(({ address, port, locality, weight, priority, labels }) => ({
    address,
    port,
    locality,
    weight,
    priority,
    labels,
  }));
  const ring = c.lbPolicy === 'RING_HASH' || c.lbPolicy === 'MAGLEV';
  const slow = c.slowStart;
  const slowBase = c.lbPolicy === 'ROUND_ROBIN' ? 'round_robin_lb_config' : 'least_request_lb_config';
  const dns = c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS';
  return {
    name: c.name,
    host: c.serviceHost,
    port: c.port,
    source: locationOf(c.source, pathText),
    endpointsFrom: c.endpointsSource === null ? null : locationOf(c.endpointsSource, pathText),
    protocol: reachedBy,
    type: v.at(['type'], c.type, c.type === 'STATIC' && !v.written(['type']) ? 'unset: STATIC' : undefined),
    lbPolicy: v.at([['lb_policy'], ['load_balancing_policy']], c.lbPolicy),
    consistentHash: ring
      ? {
          key: byDefault('per route', 'Envoy default', "the routes' hash_policy"),
          tableSize: v.at(
            [
              ['ring_hash_lb_config', 'minimum_ring_size'],
              ['maglev_lb_config', 'table_size'],
            ],
            c.hashTableSize,
          ),
        }
      : null,
    slowStart:
      slow === null
        ? null
        : {
            windowMs: v.at([slowBase, 'slow_start_config', 'slow_start_window'], slow.slowStartWindowMs),
            aggression: v.at([slowBase, 'slow_start_config', 'aggression'], slow.aggression ?? 1),
            minWeightPercent: v.at(
              [slowBase, 'slow_start_config', 'min_weight_percent'],
              slow.minWeightPercent ?? 10,
            ),
          },
    ...poolOf(c, v),
    outlierDetection: outlierOf(c, v),
    healthyPanicThresholdPct: v.at(
      ['common_lb_config', 'healthy_panic_threshold'],
      c.healthyPanicThresholdPct,
    ),
    tls: tlsOf(c, v),
    locality: {
      enabled: v.at(
        ['common_lb_config', 'locality_weighted_lb_config'],
        (c.localityWeights ?? null) !== null,
        'locality-weighted balancing',
      ),
      failover: byDefault(
        c.endpoints.some((e) => e.priority > 0) ? 'applied' : 'not applied',
        'Envoy default',
        'the priorities of the load assignment',
      ),
      weights:
        c.localityWeights === null || c.localityWeights === undefined
          ? null
          : byDefault(
              c.localityWeights.map((w) => `P${w.priority} ${w.locality || '-'}: ${w.weight}`),
              'Envoy default',
              "the load assignment's group weights",
            ),
    },
    dns: dns
      ? {
          refreshRateMs: v.at(['dns_refresh_rate'], c.dnsRefreshRateMs),
          respectDnsTtl: v.at(['respect_dns_ttl'], c.respectDnsTtl !== false),
          jitterMs: v.at(['dns_jitter'], c.dnsJitterMs),
        }
      : null,
    endpoints,
    notes: notesOf(c, endpoints.length),
    notModelled: c.notModelled,
  };
}
