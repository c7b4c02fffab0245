import type { DumpFilterChain, DumpRouteConfig, EnvoyDump } from '../config/envoy-dump/dump-model.js';
import { envoyConfigOf } from '../config/plan/envoy-config-input.js';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { EnvoyConfigDocument, LoadedConfig } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import { type DumpClusterExplanation, explainDumpCluster } from './dump-cluster.js';
import { explainDumpRoute } from './dump-routes.js';
import type { RouteExplanation } from './routes.js';
import { byDefault, type Explained, type SourceLocation, setAt } from './values.js';

/** A filter chain: what it matches, and what it hands the connection to. */
export interface ChainExplanation {
  source: SourceLocation;
  match: string;
  /** `HTTP → route config NAME`, `tcp_proxy → CLUSTER (weight)`, or why it cannot be simulated. */
  handler: string;
  notModelled: Diagnostic[];
}

export interface ListenerExplanation {
  name: string;
  address: string;
  port: number;
  source: SourceLocation;
  chains: ChainExplanation[];
}

/** A virtual host of a route configuration, with its routes in match order. */
export interface DumpVirtualHostExplanation {
  routeConfig: string;
  name: string;
  domains: string[];
  source: SourceLocation;
  routes: RouteExplanation[];
}

/** An Envoy config as meshsim reads it: listeners, clusters and routes, every value with where it is. */
export interface EnvoyConfigExplanation {
  input: {
    file: string;
    shape: EnvoyDump['shape'];
    envoyVersion: string | null;
    istioVersion: string | null;
  };
  listeners: ListenerExplanation[];
  clusters: DumpClusterExplanation[];
  virtualHosts: DumpVirtualHostExplanation[];
  /** Problems with the input, and what the config has that is read nowhere (sections, internal listeners). */
  diagnostics: Diagnostic[];
}

const where = (s: { file: string; line: number; path: FieldPath }): SourceLocation => ({
  file: s.file,
  line: s.line,
  column: 1,
  path: formatPath(s.path),
});

function matchText(c: DumpFilterChain): string {
  const m = c.match;
  const parts = [
    m.destinationPort === null ? '' : `port ${m.destinationPort}`,
    m.prefixRanges.length === 0
      ? ''
      : `to ${m.prefixRanges.map((p) => `${p.address}/${p.prefixLen}`).join(', ')}`,
    m.serverNames.length === 0 ? '' : `SNI ${m.serverNames.join(', ')}`,
    m.transportProtocol === '' ? '' : m.transportProtocol,
    m.applicationProtocols.length === 0 ? '' : `ALPN ${m.applicationProtocols.join(', ')}`,
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'any connection' : parts.join(', ');
}

function handlerText(c: DumpFilterChain): string {
  const h = c.handler;
  if (h.kind === 'http')
    return `HTTP → route config ${h.inline?.name ?? h.rds ?? '?'}${h.inline !== null ? ' (inline)' : ''}`;
  if (h.kind === 'tcp')
    return `tcp_proxy → ${h.proxy.destinations.map((d) => (h.proxy.destinations.length > 1 ? `${d.cluster} (${d.weight})` : d.cluster)).join(', ')}`;
  return `not simulated: ${h.why}`;
}

/** The route configurations each chain uses, the inline ones included. */
function routeConfigsOf(dump: EnvoyDump): DumpRouteConfig[] {
  const inline = dump.listeners.flatMap((l) =>
    l.chains.flatMap((c) =>
      c.handler.kind === 'http' && c.handler.inline !== null ? [c.handler.inline] : [],
    ),
  );
  return [...dump.routeConfigs, ...inline];
}

/** How the listeners reach each cluster: through the HTTP router, a tcp_proxy, or not at all. */
function reachedBy(doc: EnvoyConfigDocument, dump: EnvoyDump, name: string): Explained<string> {
  const http: FieldPath[] = [];
  const tcp: FieldPath[] = [];
  const rcs = new Map(routeConfigsOf(dump).map((r) => [r.name, r]));
  for (const l of dump.listeners) {
    for (const c of l.chains) {
      const h = c.handler;
      if (h.kind === 'tcp' && h.proxy.destinations.some((d) => d.cluster === name)) tcp.push(c.source.path);
      if (h.kind !== 'http') continue;
      const rc = h.inline ?? rcs.get(h.rds ?? '');
      const routes = rc?.virtualHosts.flatMap((v) => v.routes) ?? [];
      if (
        routes.some((r) => r.action.kind === 'route' && r.action.destinations.some((d) => d.cluster === name))
      )
        http.push(c.source.path);
    }
  }
  const text =
    http.length > 0 && tcp.length > 0
      ? 'HTTP and TCP (tcp_proxy)'
      : http.length > 0
        ? 'HTTP'
        : tcp.length > 0
          ? 'TCP (tcp_proxy)'
          : '-';
  const first = http[0] ?? tcp[0];
  return first === undefined
    ? byDefault(text, 'Envoy default', 'no listener routes to it')
    : setAt(
        doc,
        first,
        text,
        http.length > 0
          ? 'routed by the HTTP connection manager'
          : 'forwarded by a tcp_proxy: no HTTP route, timeout or retry',
      );
}

/**
 * Explains an Envoy config (a config dump, a bootstrap): the listeners and their filter chains, every
 * cluster and every route, each value set at its JSON path or Envoy's default. Nothing is translated.
 */
export function explainEnvoyConfig(loaded: LoadedConfig): EnvoyConfigExplanation | null {
  const diagnostics = [...loaded.diagnostics];
  const dump = envoyConfigOf(loaded, diagnostics);
  const doc = loaded.envoyConfigs[0];
  if (dump === null || doc === undefined) return null;
  const known = new Set(dump.clusters.map((c) => c.name));
  return {
    input: {
      file: dump.file,
      shape: dump.shape,
      envoyVersion: dump.envoyVersion,
      istioVersion: dump.istioVersion,
    },
    listeners: dump.listeners.map((l) => ({
      name: l.name,
      address: l.address,
      port: l.port,
      source: where(l.source),
      chains: [...l.chains, ...(l.defaultChain === null ? [] : [l.defaultChain])].map((c) => ({
        source: where(c.source),
        match: c === l.defaultChain ? 'default chain (no other matches)' : matchText(c),
        handler: handlerText(c),
        notModelled: c.notModelled,
      })),
    })),
    clusters: dump.clusters.map((c) => explainDumpCluster(doc, c, reachedBy(doc, dump, c.name), formatPath)),
    virtualHosts: routeConfigsOf(dump).flatMap((rc) =>
      rc.virtualHosts.map((vh) => ({
        routeConfig: rc.name,
        name: vh.name,
        domains: vh.domains,
        source: where(vh.source),
        routes: vh.routes.map((r) => explainDumpRoute(doc, r, vh, (name) => known.has(name))),
      })),
    ),
    diagnostics,
  };
}
