import type { ClusterModel } from '../../envoy/cluster.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import { clusterAddresses, reachesEndpoint } from './cluster-addresses.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

/**
 * Warns at each endpoint `certificate` no handshake will ever check: the clusters that reach the endpoint
 * originate no TLS (no DestinationRule `tls`, or one istiod builds no context for), so Envoy's certificate
 * validator never sees it. An endpoint no cluster reaches is warned about already.
 */
export function warnCertificatesNeverChecked(
  clusters: readonly ClusterModel[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  const certified = Object.entries(spec.endpoints).filter(([, e]) => e.certificate !== undefined);
  if (certified.length === 0) return;
  const reach = clusters.map((c) => ({
    name: c.name,
    tls: (c.tls ?? null) !== null && c.tlsMode !== 'DISABLE',
    addresses: clusterAddresses(c, spec),
  }));
  for (const [address] of certified) {
    const reaching = reach.filter((c) => reachesEndpoint(c.addresses, address, spec));
    if (reaching.length === 0 || reaching.some((c) => c.tls)) continue;
    const which =
      reaching.length === 1
        ? `cluster ${reaching[0]!.name}`
        : `clusters ${reaching.map((c) => c.name).join(', ')}`;
    at(
      ['endpoints', address, 'certificate'],
      'warning',
      `is never checked: ${which} originate${reaching.length === 1 ? 's' : ''} no TLS to this endpoint (no DestinationRule tls), so no handshake presents it to Envoy's certificate validator`,
    );
  }
}
