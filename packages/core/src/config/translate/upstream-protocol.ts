import { ENVOY_MAX_CONCURRENT_STREAMS, type UpstreamProtocol } from '../../envoy/http-protocol.js';
import type { HTTPSettings } from '../resources/schema/connection-pool.js';
import type { PortProtocol } from '../resources/schema/service-entry.js';
import type { IstioUpstreamProtocol } from './translated-cluster.js';

const H2_PORTS: ReadonlySet<string> = new Set(['HTTP2', 'GRPC', 'GRPC-WEB']);
/** Port protocols the sidecar routes per HTTP request (Istio's Protocol.IsHTTP). */
export const HTTP_ROUTED_PROTOCOLS: ReadonlySet<string> = new Set([
  'HTTP',
  'HTTP2',
  'GRPC',
  'GRPC-WEB',
  'HTTP_PROXY',
]);

/**
 * Istio's order for an outbound cluster: buildCluster's setUpstreamProtocol (HTTP2/GRPC/GRPC-Web ports get
 * HTTP/2; a port without protocol is sniffed and uses the client's protocol), then applyH2Upgrade (a
 * DestinationRule UPGRADE upgrades unless useClientProtocol is set; it never overrides a protocol already
 * chosen, and the mesh default DO_NOT_UPGRADE upgrades nothing), then applyConnectionPool
 * (maxConcurrentStreams on an HTTP/2 cluster; useClientProtocol replaces everything with
 * use_downstream_protocol, whose HTTP/2 options are fresh, so maxConcurrentStreams is dropped).
 */
export function upstreamProtocolFor(
  portProtocol: PortProtocol | undefined,
  http: HTTPSettings | undefined,
  meshH2Upgrade: 'UPGRADE' | 'DO_NOT_UPGRADE' = 'DO_NOT_UPGRADE',
): IstioUpstreamProtocol {
  let config: IstioUpstreamProtocol['config'] = 'HTTP/1.1';
  let reason = 'HTTP/1.1 by default (mesh h2UpgradePolicy DO_NOT_UPGRADE)';
  if (portProtocol !== undefined && H2_PORTS.has(portProtocol)) {
    config = 'HTTP/2';
    reason = `HTTP/2: the port protocol is ${portProtocol}`;
  } else if (portProtocol === undefined) {
    config = 'USE_DOWNSTREAM';
    reason = "the port has no protocol: Istio sniffs it and uses the client's protocol";
  }
  // A DestinationRule's DEFAULT (or none) takes the mesh's policy.
  const upgrade =
    http?.h2UpgradePolicy === undefined || http.h2UpgradePolicy === 'DEFAULT'
      ? meshH2Upgrade
      : http.h2UpgradePolicy;
  if (http?.useClientProtocol !== true && upgrade === 'UPGRADE' && config === 'HTTP/1.1') {
    config = 'HTTP/2';
    reason =
      upgrade === http?.h2UpgradePolicy
        ? 'HTTP/2: h2UpgradePolicy UPGRADE'
        : "HTTP/2: the mesh config's h2UpgradePolicy UPGRADE";
  }
  let maxConcurrentStreams = ENVOY_MAX_CONCURRENT_STREAMS;
  if (config === 'HTTP/2' && (http?.maxConcurrentStreams ?? 0) > 0)
    maxConcurrentStreams = http!.maxConcurrentStreams!;
  if (http?.useClientProtocol === true) {
    config = 'USE_DOWNSTREAM';
    reason = "useClientProtocol: the client's protocol";
    maxConcurrentStreams = ENVOY_MAX_CONCURRENT_STREAMS;
  }
  if (config === 'USE_DOWNSTREAM') reason += ', and meshsim clients speak HTTP/1.1';
  // A TLS, HTTPS or TCP port is tcp-proxied: the HTTP options go unused; no HTTP codec runs upstream.
  const routed = portProtocol === undefined || HTTP_ROUTED_PROTOCOLS.has(portProtocol);
  const protocol: UpstreamProtocol = config === 'HTTP/2' && routed ? 'HTTP/2' : 'HTTP/1.1';
  if (!routed && config === 'HTTP/2')
    reason += ' (unused: the port is tcp-proxied, so no HTTP codec runs upstream)';
  return { config, protocol, maxConcurrentStreams: protocol === 'HTTP/2' ? maxConcurrentStreams : 1, reason };
}
