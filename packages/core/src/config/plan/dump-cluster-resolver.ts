import { Flag } from '../../envoy/response-flags.js';
import type { RouteModel } from '../../envoy/route.js';
import type { TcpProxyModel } from '../../envoy/tcp-proxy.js';
import type { DumpCluster, DumpDestination, EnvoyDump } from '../envoy-dump/dump-model.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import { formatPath } from '../resources/positions.js';

/** How a run reaches a cluster: through the HTTP router, or a tcp_proxy with these settings. */
export type Reach = { via: 'http' } | { via: 'tcp'; tcpProxy: TcpProxyModel };

/** Where planning reports: at a place in the dump (a cluster, a route) or at a Scenario field. */
export type DumpReporter = (at: { file: string; line: number; path: string }, message: string) => void;

/**
 * The clusters of the dump a run's traffic reaches, copied into the run's model in the order first
 * reached (their indexes are what routes hold). A cluster reached through a tcp_proxy runs as one (no HTTP
 * codec upstream); an ORIGINAL_DST cluster dials where the application resolved the host it called.
 */
export class DumpClusterResolver {
  readonly clusters: DumpCluster[] = [];
  private readonly reach = new Map<string, { reach: Reach; host: string }>();

  constructor(
    private readonly dump: EnvoyDump,
    private readonly diagnostics: Diagnostic[],
    private readonly error: DumpReporter,
  ) {}

  /** The run's index of the named cluster, or null when the dump has none by that name (NC). */
  resolve(name: string, reach: Reach, host: string): number | null {
    const cluster = this.dump.clusters.find((c) => c.name === name);
    if (cluster === undefined) return null;
    const at = { file: cluster.source.file, line: cluster.source.line, path: pathText(cluster) };
    const before = this.reach.get(name);
    if (before !== undefined) {
      if (before.reach.via !== reach.via)
        this.error(at, `not modelled: ${name} is reached both through the HTTP router and a tcp_proxy`);
      else if (cluster.type === 'ORIGINAL_DST' && before.host !== host)
        this.error(
          at,
          `not modelled: ORIGINAL_DST cluster ${name} reached for both ${before.host} and ${host}; give them separate runs`,
        );
      return this.clusters.findIndex((c) => c.name === name);
    }
    if (cluster.unsupported !== null)
      this.error(at, `cluster ${name} cannot be simulated: ${cluster.unsupported}`);
    if (cluster.edsEndpointsMissing) {
      this.error(
        at,
        `EDS cluster ${name} has no endpoints in the dump: take it with /config_dump?include_eds (istioctl proxy-config all POD -o json includes them)`,
      );
    }
    this.reach.set(name, { reach, host });
    this.diagnostics.push(...cluster.notModelled);
    this.clusters.push(reachedAs(cluster, reach, host));
    return this.clusters.length - 1;
  }

  /** A route's weighted destinations as the run's indexes; a missing cluster answers `notFound` with NC. */
  destinations(
    list: readonly DumpDestination[],
    reach: Reach,
    host: string,
  ): RouteModel['destinations'] | null {
    const out: RouteModel['destinations'] = [];
    for (const d of list) {
      const cluster = this.resolve(d.cluster, reach, host);
      if (cluster === null) return null;
      out.push({ cluster, weight: d.weight });
    }
    return out;
  }
}

const pathText = (c: DumpCluster): string => formatPath(c.source.path);

function reachedAs(cluster: DumpCluster, reach: Reach, host: string): DumpCluster {
  const copy: DumpCluster = { ...cluster, ...(cluster.type === 'ORIGINAL_DST' ? { serviceHost: host } : {}) };
  if (reach.via === 'http') return copy;
  // No HTTP codec runs upstream of a tcp_proxy: whatever the HTTP options say, a connection is one session.
  return {
    ...copy,
    tcpProxy: reach.tcpProxy,
    upstreamProtocol: {
      config: cluster.upstreamProtocol?.config ?? 'HTTP/1.1',
      protocol: 'HTTP/1.1',
      maxConcurrentStreams: 1,
    },
  };
}

/** A route the sidecar answers itself. */
export function localRoute(name: string, status: number, flags: number, tcp = false): RouteModel {
  return {
    name,
    destinations: [],
    totalWeight: 0,
    localStatus: status,
    localFlags: flags,
    timeoutMs: 0,
    retry: null,
    fault: null,
    ...(tcp ? { tcp: true as const } : {}),
  };
}

export const NOT_FOUND_ROUTE = (): RouteModel => localRoute('no route', 404, Flag.NR);
