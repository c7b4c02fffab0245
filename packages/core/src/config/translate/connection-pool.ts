import type { CircuitBreakerThresholds } from '../../envoy/circuit-breakers.js';
import type { TcpKeepaliveModel } from '../../envoy/cluster.js';
import type { ConnectionPoolSettings, TCPSettings } from '../resources/schema/connection-pool.js';
import { ISTIO_UNLIMITED } from './istio-defaults.js';
import type { Provenance, TranslatedCluster } from './translated-cluster.js';

/** Envoy's common_http_protocol_options.idle_timeout default, which Istio leaves in place. */
export const ENVOY_IDLE_TIMEOUT_MS = 3_600_000;

/** meshConfig.connectTimeout's default. */
export const ISTIO_CONNECT_TIMEOUT_MS = 10_000;

/** Linux's defaults for what Istio leaves unset: net.ipv4.tcp_keepalive_time, _intvl, _probes. */
const LINUX_KEEPALIVE = { timeMs: 7_200_000, intervalMs: 75_000, probes: 9 };

/** What the connectionPool part sets on a cluster, in the order the cluster lists them. */
export type ClusterConnectionPool = Pick<
  TranslatedCluster,
  | 'circuitBreakers'
  | 'circuitBreakersFrom'
  | 'connectTimeoutMs'
  | 'idleTimeoutMs'
  | 'maxRequestsPerConnection'
  | 'maxConnectionDurationMs'
  | 'tcpKeepalive'
>;

/** A DR value replaces Istio's default only when it is > 0 (applyConnectionPool). */
function threshold(value: number | undefined): [number, Provenance] {
  return value !== undefined && value > 0 ? [value, 'set'] : [ISTIO_UNLIMITED, 'default'];
}

type Keepalive = TCPSettings['tcpKeepalive'];

/** Istio's applyTCPKeepalive: the mesh's keepalive first, then each attribute the DestinationRule sets over it. */
function mergedKeepalive(mesh: Keepalive, dr: Keepalive): Keepalive {
  if (mesh === undefined || dr === undefined) return dr ?? mesh;
  return {
    ...mesh,
    ...((dr.probes ?? 0) > 0 ? { probes: dr.probes } : {}),
    ...(dr.time !== undefined ? { time: dr.time } : {}),
    ...(dr.interval !== undefined ? { interval: dr.interval } : {}),
  };
}

/** Istio's setKeepAliveSettings: whole seconds, probes only when above 0, the rest the kernel's. */
function tcpKeepaliveOf(k: TCPSettings['tcpKeepalive']): TcpKeepaliveModel | null {
  if (k === undefined) return null;
  const seconds = (d: { ms: number } | undefined, otherwise: number) =>
    d === undefined || d.ms < 1000 ? otherwise : Math.floor(d.ms / 1000) * 1000;
  return {
    timeMs: seconds(k.time, LINUX_KEEPALIVE.timeMs),
    intervalMs: seconds(k.interval, LINUX_KEEPALIVE.intervalMs),
    probes: (k.probes ?? 0) > 0 ? k.probes! : LINUX_KEEPALIVE.probes,
  };
}

/**
 * Istio's applyConnectionPool: the circuit-breaker thresholds (with `retryBudget` when one applies) and
 * where each came from, the connect and idle timeouts, requests and lifetime per connection, and TCP
 * keepalive.
 */
export function applyConnectionPool(
  pool: ConnectionPoolSettings | undefined,
  retryBudget: CircuitBreakerThresholds['retryBudget'],
  mesh: { connectTimeoutMs: number; tcpKeepalive: TCPSettings['tcpKeepalive'] | null } = {
    connectTimeoutMs: ISTIO_CONNECT_TIMEOUT_MS,
    tcpKeepalive: null,
  },
): ClusterConnectionPool {
  const tcp = pool?.tcp;
  const http = pool?.http;
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
  if (retryBudget !== undefined) circuitBreakers.retryBudget = retryBudget;
  return {
    circuitBreakers,
    circuitBreakersFrom: {
      maxConnections: maxConnectionsFrom,
      maxPendingRequests: maxPendingFrom,
      maxRequests: maxRequestsFrom,
      maxRetries: maxRetriesFrom,
    },
    connectTimeoutMs: tcp?.connectTimeout?.ms ?? mesh.connectTimeoutMs,
    // Istio: http.idleTimeout, else tcp.idleTimeout, else Envoy's 1 h; 0 s disables it.
    idleTimeoutMs: http?.idleTimeout?.ms ?? tcp?.idleTimeout?.ms ?? ENVOY_IDLE_TIMEOUT_MS,
    maxRequestsPerConnection: http?.maxRequestsPerConnection ?? 0,
    // Istio sets it on the HTTP options; on a tcp-proxied port it bounds the session instead (tcpProxy).
    maxConnectionDurationMs: tcp?.maxConnectionDuration?.ms ?? 0,
    tcpKeepalive: tcpKeepaliveOf(mergedKeepalive(mesh.tcpKeepalive ?? undefined, tcp?.tcpKeepalive)),
  };
}
