import { Flag } from '../../envoy/response-flags.js';
import type { RouteModel } from '../../envoy/route.js';
import type { Located } from '../resources/load.js';
import type {
  L4MatchAttributes,
  TLSMatchAttributes,
  VirtualService,
} from '../resources/schema/virtual-service.js';
import type { ClusterResolver, RequestShape, RouteNote } from './http-routes.js';
import { matchesSource } from './http-routes.js';
import { hostMatches } from './visibility.js';

/** Match fields meshsim cannot evaluate: the simulated application has no subnet. */
const UNMODELLED_L4_MATCH = ['destinationSubnets', 'sourceSubnet'] as const;

/**
 * The route of a tcp-proxied port: the tcp_proxy's (weighted) clusters. A TLS or HTTPS port takes the first
 * `tls` route whose sniHosts match the name the application connects to (its SNI), then the first `tcp`
 * route; a TCP port only `tcp` routes; with none, the port's own cluster. http routes never apply here.
 * No timeout, retry or fault: the proxy sees bytes, not requests.
 */
export function tcpRouteFor(
  req: Pick<RequestShape, 'host' | 'port' | 'source'>,
  appTls: boolean,
  services: ReadonlyArray<Located<VirtualService>>,
  resolve: ClusterResolver,
  note: RouteNote = () => {},
): RouteModel {
  for (const vs of services) {
    const spec = vs.resource.spec;
    if (appTls) {
      const i = (spec.tls ?? []).findIndex((r) => r.match.some((m) => tlsMatches(m, req)));
      if (i >= 0) return routeTo(vs, 'tls', i, resolve, note);
    }
    const i = (spec.tcp ?? []).findIndex(
      (r) => (r.match ?? []).length === 0 || (r.match ?? []).some((m) => l4Matches(m, req)),
    );
    if (i >= 0) return routeTo(vs, 'tcp', i, resolve, note);
  }
  const cluster = resolve(req.host, req.port, '');
  if (cluster === null) return tcpLocal('default', Flag.NC);
  return tcpRoute('default', [{ cluster, weight: 100 }]);
}

function l4Matches(m: L4MatchAttributes, req: Pick<RequestShape, 'port' | 'source'>): boolean {
  if (m.port !== undefined && m.port !== 0 && m.port !== req.port) return false;
  return matchesSource(m, req.source);
}

function tlsMatches(m: TLSMatchAttributes, req: Pick<RequestShape, 'host' | 'port' | 'source'>): boolean {
  return m.sniHosts.some((sni) => hostMatches(sni, req.host)) && l4Matches(m, req);
}

function routeTo(
  vs: Located<VirtualService>,
  kind: 'tls' | 'tcp',
  i: number,
  resolve: ClusterResolver,
  note: RouteNote,
): RouteModel {
  const r = vs.resource.spec[kind]![i]!;
  for (const [j, m] of (r.match ?? []).entries()) {
    for (const field of UNMODELLED_L4_MATCH) {
      if (field in m && m[field as keyof typeof m] !== undefined)
        note(vs, ['spec', kind, i, 'match', j, field], 'not modelled: the match is taken as if it held');
    }
  }
  const name = `${vs.resource.metadata.namespace}/${vs.resource.metadata.name}.${kind}[${i}]`;
  const list = r.route ?? [];
  const destinations: RouteModel['destinations'] = [];
  for (const d of list) {
    const cluster = resolve(d.destination.host, d.destination.port?.number, d.destination.subset ?? '');
    if (cluster === null) return tcpLocal(name, Flag.NC);
    // Istio drops weight-0 destinations from a tcp_proxy's weighted clusters.
    const weight = list.length === 1 ? (d.weight ?? 100) || 100 : (d.weight ?? 0);
    if (weight > 0) destinations.push({ cluster, weight });
  }
  if (destinations.length === 0) return tcpLocal(name, Flag.NC);
  return tcpRoute(name, destinations);
}

function tcpRoute(name: string, destinations: RouteModel['destinations']): RouteModel {
  return {
    name,
    destinations,
    totalWeight: destinations.reduce((s, d) => s + d.weight, 0),
    localStatus: 0,
    localFlags: 0,
    timeoutMs: 0,
    retry: null,
    fault: null,
    tcp: true,
  };
}

/** No cluster to proxy to: the connection is closed at once (status 0: no HTTP answer at all). */
function tcpLocal(name: string, flags: number): RouteModel {
  return { ...tcpRoute(name, []), localFlags: flags };
}

/**
 * The http routes of the host's VirtualService never see a tcp-proxied port's traffic: said once, at the
 * first http route, so a reader learns that its retries, timeouts and faults do not run.
 */
export function noteHttpRoutesOnTcpPort(
  services: ReadonlyArray<Located<VirtualService>>,
  host: string,
  port: number,
  protocol: string,
  note: RouteNote,
): void {
  for (const vs of services) {
    if ((vs.resource.spec.http ?? []).length === 0) continue;
    note(
      vs,
      ['spec', 'http'],
      `port ${port} of ${host} is ${protocol}: the sidecar tcp-proxies it, so these http routes (their retries, timeouts and faults) never apply to it`,
    );
  }
}
