import type { HTTPRoute } from '../schema/http-route.js';
import type { TCPRoute, TLSRoute, VirtualService, VirtualServiceSpec } from '../schema/virtual-service.js';
import { checkExportTo } from './export-to.js';
import { isJwtClaimHeader } from './fields.js';
import {
  hostSubsetOf,
  hostsMatch,
  isIpAddress,
  validateIpSubnet,
  validatePort,
  validateWildcardDomain,
} from './hosts.js';
import { checkGatewayNames } from './http-match-rules.js';
import { checkHttpRoute } from './http-route-rules.js';
import { labelProblems } from './labels.js';
import type { RuleReport } from './report.js';
import { checkRouteDestinations } from './route-parts.js';
import { checkUnreachableRoutes } from './unreachable-routes.js';

// istiod's ValidateVirtualService (pkg/config/validation/validation.go).

const MESH_GATEWAY = 'mesh';
const MAX_HOSTS_COMPARED = 2_000;

/**
 * A host of a VirtualService bound to a gateway; with SNI routes, the names Istio generates for
 * AUTO_PASSTHROUGH (`outbound_.80_._.host`) are allowed too.
 */
function gatewayHostProblem(host: string, sni: boolean): string | undefined {
  if (host.length > 255) return `domain name ${JSON.stringify(host)} too long (max 255)`;
  if (host.length === 0) return 'empty domain name not allowed';
  if (sni && host.startsWith('outbound_')) {
    const parts = host.split('_');
    const format = 'outbound_.<port>_._.<hostname>';
    if (parts.length < 4) return `domain name ${host} invalid, should follow '${format}' format`;
    const port = (parts[1] ?? '').replace(/^\.+|\.+$/g, '');
    const hostname = (parts[3] ?? '').replace(/^\.+|\.+$/g, '');
    if (!/[0-9]/.test(port))
      return `domain name ${JSON.stringify(host)} invalid (label ${JSON.stringify(port)} invalid). should follow ${format} format`;
    if (!/[a-zA-Z]/.test(hostname))
      return `domain name ${JSON.stringify(host)} invalid (label ${JSON.stringify(hostname)} invalid). should follow ${format} format`;
    return undefined;
  }
  return validateWildcardDomain(host);
}

function checkL4Match(
  report: RuleReport,
  match: {
    destinationSubnets?: string[] | undefined;
    port?: number | undefined;
    sourceLabels?: Record<string, string> | undefined;
    gateways?: string[] | undefined;
  },
): void {
  (match.destinationSubnets ?? []).forEach((subnet, i) => {
    report.check(['destinationSubnets', i], validateIpSubnet(subnet));
  });
  if (match.port !== undefined && match.port !== 0) report.check(['port'], validatePort(match.port));
  for (const [key, problem] of labelProblems(match.sourceLabels))
    report.error(['sourceLabels', key], problem);
  checkGatewayNames(report.at('gateways'), match.gateways);
}

/** istiod's ValidateVirtualService: delegation, gateways, hosts, then the http, tls and tcp routes. */
export function checkVirtualService(report: RuleReport, vs: VirtualService): void {
  const spec = vs.spec;
  const at = report.at('spec');
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const http = spec.http ?? [];
  const tls = spec.tls ?? [];
  const tcp = spec.tcp ?? [];
  const delegate = hosts.length === 0;
  if (delegate) checkDelegate(at, spec);
  checkGatewayNames(at.at('gateways'), gateways);
  const toGateway = gateways.length > 0 && !gateways.includes(MESH_GATEWAY);
  if (!toGateway) checkJwtClaimRouting(at, http, gateways);
  const sni = tls.some((route) => route.match.some((match) => match.sniHosts.length > 0));
  if (checkHosts(at, hosts, toGateway, sni)) checkDuplicateHosts(at, hosts);
  if (http.length === 0 && tcp.length === 0 && tls.length === 0)
    at.error([], 'http, tcp or tls must be provided in virtual service');
  http.forEach((route, i) => {
    checkHttpRoute(
      at.at('http', i),
      route,
      delegate ? 'delegate' : route.delegate !== undefined ? 'root' : 'independent',
    );
  });
  tls.forEach((route, i) => {
    checkTlsRoute(at.at('tls', i), route, hosts, toGateway);
  });
  tcp.forEach((route, i) => {
    checkTcpRoute(at.at('tcp', i), route);
  });
  checkExportTo(at.at('exportTo'), vs.metadata.namespace, spec.exportTo, {
    serviceEntry: false,
    workloadSelector: false,
  });
  checkUnreachableRoutes(at, spec);
}

/** A delegate (no hosts) is bound by its root: no gateways, and http routes only. */
function checkDelegate(at: RuleReport, spec: VirtualServiceSpec): void {
  if ((spec.gateways ?? []).length > 0)
    at.error(['gateways'], 'delegate virtual service must have no gateways specified');
  if ((spec.tls ?? []).length > 0)
    at.error(['tls'], 'delegate virtual service must have no tls route specified');
  if ((spec.tcp ?? []).length > 0)
    at.error(['tcp'], 'delegate virtual service must have no tcp route specified');
}

/** Matching on a JWT claim (`@request.auth.claims`) needs a gateway to have checked the token. */
function checkJwtClaimRouting(at: RuleReport, http: readonly HTTPRoute[], gateways: readonly string[]): void {
  for (const [i, route] of http.entries()) {
    for (const [j, match] of (route.match ?? []).entries()) {
      for (const field of ['headers', 'withoutHeaders'] as const) {
        for (const key of Object.keys(match[field] ?? {})) {
          if (!isJwtClaimHeader(key)) continue;
          at.error(
            ['http', i, 'match', j, field, key],
            `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`,
          );
        }
      }
    }
  }
}

/** Each host a domain (an IP passes), and not `*` on the mesh; true when all are valid. */
function checkHosts(at: RuleReport, hosts: readonly string[], toGateway: boolean, sni: boolean): boolean {
  let allHostsValid = true;
  hosts.forEach((host, i) => {
    const problem = toGateway ? gatewayHostProblem(host, sni) : validateWildcardDomain(host);
    if (problem !== undefined) {
      if (!isIpAddress(host)) {
        at.error(['hosts', i], problem);
        allHostsValid = false;
      }
    } else if (!toGateway && host === '*') {
      at.error(['hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  });
  return allHostsValid;
}

/** No host may match another. */
function checkDuplicateHosts(at: RuleReport, hosts: readonly string[]): void {
  // Istio compares every pair; past a few thousand hosts that is millions of comparisons, so a
  // hostile list gets a warning instead of a hang.
  if (hosts.length > MAX_HOSTS_COMPARED) {
    at.warn(
      ['hosts'],
      `${hosts.length} hosts: the duplicate-host check is skipped past ${MAX_HOSTS_COMPARED}`,
    );
    return;
  }
  hosts.forEach((a, i) => {
    hosts.slice(i + 1).forEach((b, k) => {
      if (hostsMatch(a, b)) at.error(['hosts', i + 1 + k], `duplicate hosts in virtual service: ${a} & ${b}`);
    });
  });
}

/** A TLS route: matches, each with SNI hosts inside the VirtualService's hosts, and destinations. */
function checkTlsRoute(
  here: RuleReport,
  route: TLSRoute,
  hosts: readonly string[],
  toGateway: boolean,
): void {
  if (route.match.length === 0) here.error(['match'], 'TLS route must have at least one match condition');
  route.match.forEach((match, j) => {
    const m = here.at('match', j);
    if (match.sniHosts.length === 0) m.error(['sniHosts'], 'TLS match must have at least one SNI host');
    match.sniHosts.forEach((sniHost, k) => {
      checkSniHost(m.at('sniHosts', k), sniHost, hosts, toGateway);
    });
    checkL4Match(m, match);
  });
  if ((route.route ?? []).length === 0) here.error(['route'], 'TLS route is required');
  checkRouteDestinations(here.at('route'), route.route ?? []);
}

/** An SNI host: a domain (an IP only warns), and a subset of one of the VirtualService's hosts. */
function checkSniHost(at: RuleReport, sniHost: string, hosts: readonly string[], toGateway: boolean): void {
  const problem = toGateway ? gatewayHostProblem(sniHost, true) : validateWildcardDomain(sniHost);
  if (problem !== undefined) {
    if (isIpAddress(sniHost))
      at.warn(
        [],
        `using an IP address (${JSON.stringify(sniHost)}) goes against SNI spec and most clients do not support this`,
      );
    else at.error([], problem);
  } else if (!hosts.some((host) => hostSubsetOf(sniHost, host))) {
    at.error(
      [],
      `SNI host ${JSON.stringify(sniHost)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`,
    );
  }
}

/** A TCP route: its matches and destinations. */
function checkTcpRoute(here: RuleReport, route: TCPRoute): void {
  (route.match ?? []).forEach((match, j) => {
    checkL4Match(here.at('match', j), match);
  });
  if ((route.route ?? []).length === 0) here.error(['route'], 'TCP route is required');
  checkRouteDestinations(here.at('route'), route.route ?? []);
}
