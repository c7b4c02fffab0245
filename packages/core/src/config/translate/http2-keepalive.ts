import { ENVOY_KEEPALIVE_INTERVAL_JITTER_PCT, type Http2KeepaliveModel } from '../../envoy/http-protocol.js';
import type { FieldPath } from '../resources/positions.js';
import type { HTTPSettings } from '../resources/schema/connection-pool.js';
import { compareVersions } from './istio-version.js';
import type { ReportAt } from './report-at.js';
import type { IstioUpstreamProtocol } from './translated-cluster.js';

/** Istio 1.31 added http2KeepAlive (istio/api "Add HTTP/2 ping options to DestinationRule"). */
export const HTTP2_KEEPALIVE_SINCE = '1.31';

/**
 * Istio's applyConnectionPool (cluster_traffic_policy.go): http2KeepAlive's interval and timeout become
 * http2_protocol_options.connection_keepalive, but only on a cluster whose explicit config is already
 * HTTP/2 (an HTTP2/GRPC port, or h2UpgradePolicy UPGRADE); useClientProtocol then swaps the options for
 * fresh ones, which drops it. Envoy's interval_jitter default (15 %) applies, as Istio sets none.
 */
export function http2KeepaliveFor(
  http: HTTPSettings | undefined,
  upstream: IstioUpstreamProtocol,
  istioVersion: string,
  path: FieldPath,
  drAt: ReportAt,
): Http2KeepaliveModel | undefined {
  const keepalive = http?.http2KeepAlive;
  // Validation reports a keepalive without interval or timeout.
  if (keepalive?.interval === undefined || keepalive.timeout === undefined) return undefined;
  const at = [...path, 'http', 'http2KeepAlive'];
  if (compareVersions(istioVersion, HTTP2_KEEPALIVE_SINCE) < 0) {
    drAt(
      at,
      'warning',
      `Istio ${HTTP2_KEEPALIVE_SINCE} added this field; Istio ${istioVersion} does not know it, so no PING is sent (set spec.proxy.istioVersion)`,
    );
    return undefined;
  }
  if (upstream.config !== 'HTTP/2') {
    drAt(
      at,
      'warning',
      upstream.config === 'USE_DOWNSTREAM'
        ? "ignored: the cluster uses the client's protocol (use_downstream_protocol), and Istio sets connection_keepalive only on an HTTP/2 cluster"
        : 'ignored: the cluster speaks HTTP/1.1, and Istio sets connection_keepalive only on an HTTP/2 cluster (h2UpgradePolicy UPGRADE, or an HTTP2/GRPC port)',
    );
    return undefined;
  }
  if (upstream.protocol !== 'HTTP/2') {
    drAt(
      at,
      'warning',
      'unused: the port is tcp-proxied, so no HTTP/2 codec runs upstream and no PING is sent',
    );
  }
  // Envoy reads both as whole milliseconds (PROTOBUF_GET_MS); validation allows nothing finer.
  return {
    intervalMs: Math.trunc(keepalive.interval.ms),
    timeoutMs: Math.trunc(keepalive.timeout.ms),
    intervalJitterPct: ENVOY_KEEPALIVE_INTERVAL_JITTER_PCT,
  };
}
