import type { TcpProxyModel } from '../../envoy/tcp-proxy.js';
import type { TCPSettings } from '../resources/schema/connection-pool.js';
import { ENVOY_IDLE_TIMEOUT_MS } from './connection-pool.js';
import { applicationSpeaksTls, isTcpProxied } from './port-protocol.js';

/** The tcp_proxy filter of a tcp-proxied port, with connectionPool.tcp's limits; null for an HTTP port. */
export function tcpProxyFor(protocol: string, tcp: TCPSettings | undefined): TcpProxyModel | null {
  return isTcpProxied(protocol)
    ? {
        appTls: applicationSpeaksTls(protocol),
        // Istio: tcp.idleTimeout, else the proxy's metadata (unset), so Envoy's 1 h; 0 s disables it.
        idleTimeoutMs: tcp?.idleTimeout?.ms ?? ENVOY_IDLE_TIMEOUT_MS,
        maxConnectAttempts: 1,
        // Istio: tcp.maxConnectionDuration becomes max_downstream_connection_duration; unset: none.
        maxConnectionDurationMs: tcp?.maxConnectionDuration?.ms ?? 0,
      }
    : null;
}
