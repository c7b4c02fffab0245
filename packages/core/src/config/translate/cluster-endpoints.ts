import type { ClusterDiscoveryType, ClusterModel, EndpointModel } from '../../envoy/cluster.js';
import type { Subset } from '../resources/schema/destination-rule.js';
import type { ServiceEntry, ServicePort } from '../resources/schema/service-entry.js';
import type { ReportAt } from './report-at.js';

/** meshConfig.dnsRefreshRate's default, and PILOT_DNS_JITTER_DURATION. */
export const DNS_REFRESH_RATE_MS = 60_000;
export const DNS_JITTER_MS = 100;

/**
 * The cluster's discovery type (convertResolution): NONE → ORIGINAL_DST (no endpoints: the app's own
 * destination address), STATIC → EDS, DNS → STRICT_DNS, DNS_ROUND_ROBIN → LOGICAL_DNS. Null, with an
 * error, for DYNAMIC_DNS, which meshsim does not model.
 */
export function discoveryType(se: ServiceEntry, seAt: ReportAt): ClusterDiscoveryType | null {
  const resolution = se.spec.resolution;
  if (resolution === 'DYNAMIC_DNS') {
    seAt(['spec', 'resolution'], 'error', `resolution ${resolution} is not modelled yet`);
    return null;
  }
  return resolution === 'NONE'
    ? 'ORIGINAL_DST'
    : resolution === 'STATIC'
      ? 'EDS'
      : resolution === 'DNS'
        ? 'STRICT_DNS'
        : 'LOGICAL_DNS';
}

/**
 * The endpoints a ServiceEntry gives one port: each endpoint's port for this port's name, else the
 * targetPort, else the port itself. A DNS cluster resolves each endpoint's address, or the service host
 * itself when there is none; a LOGICAL_DNS cluster only the first.
 */
export function serviceEntryEndpoints(
  se: ServiceEntry,
  host: string,
  port: ServicePort,
  type: ClusterDiscoveryType,
): EndpointModel[] {
  const declared: EndpointModel[] = (type === 'ORIGINAL_DST' ? [] : (se.spec.endpoints ?? [])).flatMap((e) =>
    e.address === undefined
      ? []
      : [
          {
            address: e.address,
            port: e.ports?.[port.name] ?? port.targetPort ?? port.number,
            labels: e.labels ?? {},
            locality: e.locality ?? '',
            weight: e.weight ?? 1,
            network: e.network ?? '',
            priority: 0,
          },
        ],
  );
  return (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') && declared.length === 0
    ? [
        {
          address: host,
          port: port.targetPort ?? port.number,
          labels: {},
          locality: '',
          weight: 1,
          network: '',
          priority: 0,
        },
      ]
    : type === 'LOGICAL_DNS'
      ? declared.slice(0, 1)
      : declared;
}

/** A subset's cluster keeps the endpoints that carry every one of the subset's labels. */
export function subsetEndpoints(endpoints: EndpointModel[], subset: Subset | undefined): EndpointModel[] {
  if (subset === undefined) return endpoints;
  const labels = subset.labels ?? {};
  return endpoints.filter((e) => Object.entries(labels).every(([k, v]) => e.labels[k] === v));
}

/**
 * Where the cluster's hosts come from: an EDS cluster lists its endpoints; a DNS cluster names the hosts
 * to resolve, refreshed at Istio's rate with its jitter.
 */
export function clusterHosts(
  type: ClusterDiscoveryType,
  endpoints: EndpointModel[],
  dnsRefreshRateMs = DNS_REFRESH_RATE_MS,
): Pick<ClusterModel, 'endpoints' | 'dnsTargets' | 'dnsRefreshRateMs' | 'dnsJitterMs' | 'respectDnsTtl'> {
  return {
    endpoints: type !== 'EDS' ? [] : endpoints,
    dnsTargets:
      type === 'EDS'
        ? []
        : endpoints.map((e) => ({
            hostname: e.address,
            port: e.port,
            locality: e.locality,
            priority: e.priority,
            weight: e.weight,
            labels: e.labels,
          })),
    dnsRefreshRateMs,
    dnsJitterMs: DNS_JITTER_MS,
    respectDnsTtl: true,
  };
}
