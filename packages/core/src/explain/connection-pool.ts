import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

import { ENVOY_MAX_CONCURRENT_STREAMS } from '../envoy/http-protocol.js';
import { byDefault, type Explained, fromField, setAt, setOr, valueAt } from './values.js';

/** circuit_breakers, connect_timeout and the HTTP connection options, as Istio's applyConnectionPool sets them. */
export interface ConnectionPoolExplanation {
  circuitBreakers: {
    maxConnections: Explained<number>;
    maxPendingRequests: Explained<number>;
    maxRequests: Explained<number>;
    maxRetries: Explained<number>;
    retryBudget: { budgetPercent: Explained<number>; minRetryConcurrency: Explained<number> } | null;
  };
  connectTimeoutMs: Explained<number>;
  /** common_http_protocol_options.idle_timeout; 0 = never closed for idleness. */
  idleTimeoutMs: Explained<number>;
  /** common_http_protocol_options.max_requests_per_connection; 0 = unlimited. */
  maxRequestsPerConnection: Explained<number>;
  /**
   * tcp.maxConnectionDuration, as the Envoy field it sets (the HTTP pools' max_connection_duration, or a
   * tcp_proxy's max_downstream_connection_duration); null when unset (no limit).
   */
  maxConnectionDuration: { field: string; ms: Explained<number> } | null;
  /** upstream_connection_options.tcp_keepalive as Envoy gets it (whole seconds, the kernel's for the rest); null: none. */
  tcpKeepalive: Explained<string> | null;
  /** The upstream HTTP codec: HTTP/1.1, HTTP/2, or use_downstream_protocol (HTTP/1.1 for meshsim's clients). */
  upstreamProtocol: Explained<string>;
  /** http2_protocol_options.max_concurrent_streams; null when the pools speak HTTP/1.1 (one stream each). */
  maxConcurrentStreams: Explained<number> | null;
  /** http2_protocol_options.connection_keepalive; absent: the cluster sends no HTTP/2 PING. */
  http2KeepAlive?: Http2KeepaliveExplanation;
}

/** The HTTP/2 PING keepalive: how often a PING goes, how long its ACK may take, and the interval's jitter. */
export interface Http2KeepaliveExplanation {
  intervalMs: Explained<number>;
  timeoutMs: Explained<number>;
  intervalJitterPct: Explained<number>;
}

/** Where a connection-pool field sits, and the Envoy threshold it sets. */
const THRESHOLD_FIELDS = {
  maxConnections: ['tcp', 'maxConnections'],
  maxPendingRequests: ['http', 'http1MaxPendingRequests'],
  maxRequests: ['http', 'http2MaxRequests'],
  maxRetries: ['http', 'maxRetries'],
} as const;

type Rule = Located<DestinationRule> | null;

/** Whether the DestinationRule writes `path` under its connectionPool block (`pool`). */
const written = (dr: Rule, pool: FieldPath | null, path: readonly string[]): boolean =>
  dr !== null && pool !== null && valueAt(dr.resource, [...pool, ...path]) !== undefined;

/** Explains the connection-pool part of a cluster built by translateCluster. */
export function explainConnectionPool(model: TranslatedCluster, dr: Rule): ConnectionPoolExplanation {
  const pool = model.policyPaths?.connectionPool ?? null;
  const circuitBreakers = explainCircuitBreakers(model, dr, pool);
  const { upstreamProtocol, maxConcurrentStreams } = explainUpstreamProtocol(model, dr, pool);
  const http2KeepAlive = explainHttp2Keepalive(model, dr, pool);
  return {
    upstreamProtocol,
    maxConcurrentStreams,
    ...(http2KeepAlive === null ? {} : { http2KeepAlive }),
    circuitBreakers,
    ...explainConnectionLife(model, dr, pool),
  };
}

/** circuit_breakers: the thresholds Istio sets from the connectionPool, and the retry budget when there is one. */
function explainCircuitBreakers(
  model: TranslatedCluster,
  dr: Rule,
  pool: FieldPath | null,
): ConnectionPoolExplanation['circuitBreakers'] {
  const threshold = (key: keyof typeof THRESHOLD_FIELDS): Explained<number> => {
    const path = THRESHOLD_FIELDS[key];
    const value = model.circuitBreakers[key];
    if (model.circuitBreakersFrom[key] === 'set') {
      const note = key === 'maxRequests' ? 'http2MaxRequests limits HTTP/1.1 requests too' : undefined;
      return fromField(dr, pool, path, value, 'Istio default', note);
    }
    return byDefault(value, 'Istio default', written(dr, pool, path) ? '0 counts as unset' : undefined);
  };
  const budget = model.circuitBreakers.retryBudget;
  const budgetPath = model.policyPaths?.retryBudget ?? null;
  const maxRetries = threshold('maxRetries');
  if (budget !== undefined) maxRetries.note = 'ignored: the retry budget replaces it';
  return {
    maxConnections: threshold('maxConnections'),
    maxPendingRequests: threshold('maxPendingRequests'),
    maxRequests: threshold('maxRequests'),
    maxRetries,
    retryBudget:
      budget === undefined
        ? null
        : {
            budgetPercent: fromField(dr, budgetPath, ['percent'], budget.budgetPercent, 'Istio default'),
            minRetryConcurrency: fromField(
              dr,
              budgetPath,
              ['minRetryConcurrency'],
              budget.minRetryConcurrency,
              'Istio default',
            ),
          },
  };
}

/** How connections open, idle, serve and close: connect and idle timeouts, per-connection limits, keepalive. */
function explainConnectionLife(
  model: TranslatedCluster,
  dr: Rule,
  pool: FieldPath | null,
): Pick<
  ConnectionPoolExplanation,
  'connectTimeoutMs' | 'idleTimeoutMs' | 'maxRequestsPerConnection' | 'maxConnectionDuration' | 'tcpKeepalive'
> {
  return {
    connectTimeoutMs: setOr(
      dr,
      pool,
      ['tcp', 'connectTimeout'],
      model.connectTimeoutMs,
      byDefault(model.connectTimeoutMs, 'mesh default', "meshConfig.connectTimeout; Envoy's own is 5s"),
    ),
    idleTimeoutMs: explainIdleTimeout(model, dr, pool),
    maxRequestsPerConnection: explainMaxRequestsPerConnection(model, dr, pool),
    maxConnectionDuration:
      dr !== null && pool !== null && written(dr, pool, ['tcp', 'maxConnectionDuration'])
        ? {
            field:
              model.tcpProxy === null
                ? 'common_http_protocol_options.max_connection_duration'
                : 'tcp_proxy.max_downstream_connection_duration',
            ms: setAt(dr, [...pool, 'tcp', 'maxConnectionDuration'], model.maxConnectionDurationMs ?? 0),
          }
        : null,
    tcpKeepalive:
      dr !== null && pool !== null && model.tcpKeepalive != null
        ? setAt(
            dr,
            [...pool, 'tcp', 'tcpKeepalive'],
            `time ${model.tcpKeepalive.timeMs / 1000}s, interval ${model.tcpKeepalive.intervalMs / 1000}s, probes ${model.tcpKeepalive.probes}`,
            'unset parts are the kernel’s (Linux: 7200s, 75s, 9); Istio writes whole seconds',
          )
        : null,
  };
}

/** Istio: http.idleTimeout, else tcp.idleTimeout, else Envoy's 1 h. */
function explainIdleTimeout(model: TranslatedCluster, dr: Rule, pool: FieldPath | null): Explained<number> {
  const idle = model.idleTimeoutMs;
  if (dr !== null && pool !== null && written(dr, pool, ['http', 'idleTimeout'])) {
    return setAt(dr, [...pool, 'http', 'idleTimeout'], idle);
  }
  if (dr !== null && pool !== null && written(dr, pool, ['tcp', 'idleTimeout'])) {
    const note = 'tcp.idleTimeout stands in for an unset http.idleTimeout';
    return setAt(dr, [...pool, 'tcp', 'idleTimeout'], idle, note);
  }
  return byDefault(idle, 'Envoy default', 'Istio leaves it unset');
}

/** applyConnectionPool sets max_requests_per_connection only when the DestinationRule's is > 0. */
function explainMaxRequestsPerConnection(
  model: TranslatedCluster,
  dr: Rule,
  pool: FieldPath | null,
): Explained<number> {
  const perConnection = model.maxRequestsPerConnection;
  const field = ['http', 'maxRequestsPerConnection'];
  if (dr !== null && pool !== null && perConnection > 0 && written(dr, pool, field)) {
    return setAt(
      dr,
      [...pool, ...field],
      perConnection,
      perConnection === 1
        ? 'no keep-alive: every request opens a connection (TCP, and TLS when originated)'
        : 'then the connection drains and closes (upstream_cx_max_requests)',
    );
  }
  return byDefault(
    perConnection,
    'Envoy default',
    written(dr, pool, field)
      ? '0 counts as unset'
      : 'Istio leaves it unset: a connection serves requests until it closes',
  );
}

/** The upstream codec, what decided it, and (HTTP/2) how many requests a connection carries at once. */
function explainUpstreamProtocol(
  model: TranslatedCluster,
  dr: Rule,
  pool: FieldPath | null,
): Pick<ConnectionPoolExplanation, 'upstreamProtocol' | 'maxConcurrentStreams'> {
  const upstream = model.upstreamProtocol;
  const http = (field: string) =>
    pool !== null && written(dr, pool, ['http', field]) ? [...pool, 'http', field] : null;
  const protocolValue =
    upstream === undefined
      ? 'HTTP/1.1'
      : upstream.config === 'USE_DOWNSTREAM'
        ? `use_downstream_protocol: ${upstream.protocol}`
        : upstream.protocol;
  // The field that decided it, when the DestinationRule did; else the port's protocol or the mesh default.
  const decidedBy = upstream?.reason.startsWith('useClientProtocol')
    ? http('useClientProtocol')
    : upstream?.reason.startsWith('HTTP/2: h2UpgradePolicy')
      ? http('h2UpgradePolicy')
      : null;
  const upstreamProtocol: Explained<string> =
    dr !== null && decidedBy !== null
      ? setAt(dr, decidedBy, protocolValue, upstream?.reason)
      : byDefault(protocolValue, 'Istio default', upstream?.reason);
  const streams = upstream?.protocol === 'HTTP/2' ? upstream.maxConcurrentStreams : null;
  const streamsPath = http('maxConcurrentStreams');
  const maxConcurrentStreams: Explained<number> | null =
    streams === null
      ? null
      : dr !== null && streamsPath !== null && streams !== ENVOY_MAX_CONCURRENT_STREAMS
        ? setAt(dr, streamsPath, streams, 'a connection carries this many requests at once')
        : byDefault(streams, 'Envoy default', 'one connection per worker and host carries every request');
  return { upstreamProtocol, maxConcurrentStreams };
}

/** Istio's applyConnectionPool copies http2KeepAlive's interval and timeout; the jitter is Envoy's default. */
function explainHttp2Keepalive(
  model: TranslatedCluster,
  dr: Rule,
  pool: FieldPath | null,
): Http2KeepaliveExplanation | null {
  const keepalive = model.upstreamProtocol?.connectionKeepalive;
  if (keepalive === undefined) return null;
  const field = ['http', 'http2KeepAlive'];
  const unused =
    model.upstreamProtocol?.protocol === 'HTTP/2'
      ? undefined
      : 'unused: the port is tcp-proxied, so no HTTP/2 codec sends a PING';
  return {
    intervalMs: fromField(
      dr,
      pool,
      [...field, 'interval'],
      keepalive.intervalMs,
      'Istio default',
      unused ?? 'a PING this long (plus the jitter) after the last PING ACK, idle or not',
    ),
    timeoutMs: fromField(
      dr,
      pool,
      [...field, 'timeout'],
      keepalive.timeoutMs,
      'Istio default',
      'no ACK within it (any other frame re-arms it) closes the connection: http2.keepalive_timeout, its streams reset (503 UC)',
    ),
    intervalJitterPct: byDefault(
      keepalive.intervalJitterPct,
      'Envoy default',
      'Istio sets no interval_jitter: each interval gains a uniform draw below this share of it',
    ),
  };
}
