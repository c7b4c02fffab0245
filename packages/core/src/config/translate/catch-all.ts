import type { RouteModel } from '../../envoy/route.js';
import { ENVOY_IDLE_TIMEOUT_MS } from './connection-pool.js';
import { ISTIO_UNLIMITED } from './istio-defaults.js';
import type { MeshSettings } from './mesh-settings.js';
import { ENVOY_PANIC_THRESHOLD_PCT } from './outlier-detection.js';
import type { TranslatedCluster } from './translated-cluster.js';

/** Istio's names for what takes traffic to hosts a sidecar knows no service for. */
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';

/**
 * Istio's catch-all clusters (buildDefaultPassthroughCluster, buildBlackHoleCluster): PassthroughCluster
 * dials the address the application resolved (ORIGINAL_DST, the mesh's connect timeout, Istio's unlimited
 * thresholds); BlackHoleCluster has no endpoint at all. `tcp`: reached through a tcp_proxy.
 */
export function catchAllCluster(
  kind: 'passthrough' | 'blackhole',
  host: string,
  port: number,
  mesh: MeshSettings,
  tcp: boolean,
): TranslatedCluster {
  const passthrough = kind === 'passthrough';
  return {
    name: passthrough ? PASSTHROUGH_CLUSTER : BLACKHOLE_CLUSTER,
    serviceHost: host,
    port,
    portName: '',
    protocol: tcp ? 'TCP' : 'HTTP',
    type: passthrough ? 'ORIGINAL_DST' : 'STATIC',
    lbPolicy: passthrough ? 'CLUSTER_PROVIDED' : 'ROUND_ROBIN',
    hashTableSize: 0,
    hashKey: null,
    slowStart: null,
    lbPolicyFrom: 'default',
    circuitBreakers: passthrough
      ? {
          maxConnections: ISTIO_UNLIMITED,
          maxPendingRequests: ISTIO_UNLIMITED,
          maxRequests: ISTIO_UNLIMITED,
          maxRetries: ISTIO_UNLIMITED,
        }
      : { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
    circuitBreakersFrom: {
      maxConnections: 'default',
      maxPendingRequests: 'default',
      maxRequests: 'default',
      maxRetries: 'default',
    },
    connectTimeoutMs: mesh.connectTimeoutMs,
    idleTimeoutMs: ENVOY_IDLE_TIMEOUT_MS,
    maxRequestsPerConnection: 0,
    upstreamProtocol: passthrough
      ? {
          config: 'USE_DOWNSTREAM',
          protocol: 'HTTP/1.1',
          maxConcurrentStreams: 1,
          reason: "the client's protocol (Istio's passthrough options)",
        }
      : {
          config: 'HTTP/1.1',
          protocol: 'HTTP/1.1',
          maxConcurrentStreams: 1,
          reason: 'no endpoint: never used',
        },
    tcpProxy: tcp
      ? {
          appTls: false,
          idleTimeoutMs: ENVOY_IDLE_TIMEOUT_MS,
          maxConnectAttempts: 1,
          maxConnectionDurationMs: 0,
        }
      : null,
    tlsMode: 'DISABLE',
    tls: null,
    outlierDetection: null,
    healthyPanicThresholdPct: ENVOY_PANIC_THRESHOLD_PCT,
    endpoints: [],
    dnsTargets: [],
    dnsRefreshRateMs: mesh.dnsRefreshRateMs,
    dnsJitterMs: 0,
    serviceEntry: '',
    destinationRule: null,
  };
}

/**
 * The route of Istio's catch-all virtual host on an HTTP port (buildCatchAllVirtualHost): `allow_any` to
 * PassthroughCluster with no timeout and no retries, or `block_all`, a 502 the sidecar answers itself.
 */
export function catchAllRoute(
  mode: 'ALLOW_ANY' | 'REGISTRY_ONLY',
  cluster: number | null,
  tcp: boolean,
): RouteModel {
  const base = {
    totalWeight: 0,
    localStatus: 0,
    localFlags: 0,
    timeoutMs: 0,
    retry: null,
    fault: null,
    hashPolicy: null,
  };
  if (cluster === null) return { ...base, name: 'block_all', destinations: [], localStatus: 502 };
  return {
    ...base,
    name: mode === 'ALLOW_ANY' ? 'allow_any' : 'block_all',
    destinations: [{ cluster, weight: 100 }],
    totalWeight: 100,
    ...(tcp ? { tcp: true as const } : {}),
  };
}
