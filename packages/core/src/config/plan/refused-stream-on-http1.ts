import type { ClusterModel } from '../../envoy/cluster.js';
import type { FieldPath } from '../resources/positions.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { EndpointError } from '../resources/schema/scenario-endpoint.js';
import { clusterAddresses, reachesEndpoint } from './cluster-addresses.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';
import { addressesIn } from './timeline-plan.js';

/** An `errors` list of the Scenario, where it is written, and the endpoint addresses it applies to. */
interface ErrorList {
  errors: readonly EndpointError[] | undefined;
  path: FieldPath;
  addresses: readonly string[];
}

/** Every `errors` list: each endpoint's own and its flap's `down`, and each endpoint or locality timeline change. */
function errorLists(spec: ScenarioSpec, clusters: readonly ClusterModel[]): ErrorList[] {
  const lists: ErrorList[] = [];
  for (const [address, e] of Object.entries(spec.endpoints)) {
    lists.push({ errors: e.errors, path: ['endpoints', address, 'errors'], addresses: [address] });
    const down = e.flap?.down;
    if (down !== undefined)
      lists.push({
        errors: down.errors,
        path: ['endpoints', address, 'flap', 'down', 'errors'],
        addresses: [address],
      });
  }
  spec.timeline.forEach((e, i) => {
    if (!('endpoint' in e || 'locality' in e)) return;
    const addresses = 'endpoint' in e ? [e.endpoint] : addressesIn(e.locality, clusters, spec);
    if ('set' in e) lists.push({ errors: e.set.errors, path: ['timeline', i, 'set', 'errors'], addresses });
    else lists.push({ errors: e.becomes.errors, path: ['timeline', i, 'becomes', 'errors'], addresses });
  });
  return lists;
}

/**
 * Warns at each `reset: refused-stream` an HTTP/1.1 cluster meets: REFUSED_STREAM is an HTTP/2 RST_STREAM
 * error code, and an HTTP/1.1 server can refuse a request only by closing the connection, which Envoy's
 * HTTP/1.1 codec reports as a connection termination (503 UC), not a refused stream.
 */
export function warnRefusedStreamOnHttp1(
  clusters: readonly ClusterModel[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  const http1 = clusters
    .filter((c) => c.tcpProxy === null && (c.upstreamProtocol?.protocol ?? 'HTTP/1.1') === 'HTTP/1.1')
    .map((c) => ({ name: c.name, addresses: clusterAddresses(c, spec) }));
  if (http1.length === 0) return;
  for (const list of errorLists(spec, clusters)) {
    (list.errors ?? []).forEach((e, j) => {
      if (e.reset !== 'refused-stream') return;
      const names = http1
        .filter((c) => list.addresses.some((a) => reachesEndpoint(c.addresses, a, spec)))
        .map((c) => c.name);
      if (names.length === 0) return;
      const which = names.length === 1 ? `cluster ${names[0]} speaks` : `clusters ${names.join(', ')} speak`;
      at(
        [...list.path, j, 'reset'],
        'warning',
        `${which} HTTP/1.1 to this endpoint, and REFUSED_STREAM is an HTTP/2 RST_STREAM code: an HTTP/1.1 server can only close the connection, so there these requests fail as the endpoint's reset does (503 UC), retried under retryOn reset, 5xx or gateway-error but not refused-stream`,
      );
    });
  }
}
