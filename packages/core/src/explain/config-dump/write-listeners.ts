import type { Diagnostic } from '../../config/resources/diagnostics.js';
import type { LoadedConfig, Located } from '../../config/resources/load.js';
import type { ServicePort } from '../../config/resources/schema/service-entry.js';
import type { VirtualService } from '../../config/resources/schema/virtual-service.js';
import {
  applyHashPolicy,
  type ClusterResolver,
  defaultRoute,
  destinationPort,
  matchesSource,
  retryDefaultsFor,
  routingVirtualService,
  translateHttpRoute,
} from '../../config/translate/http-routes.js';
import { applicationSpeaksTls, isTcpProxied } from '../../config/translate/port-protocol.js';
import { tcpRouteFor } from '../../config/translate/tcp-routes.js';
import type { TranslatedCluster } from '../../config/translate/translated-cluster.js';
import { findServiceEntry } from '../../config/translate/visibility.js';
import type { RouteModel } from '../../envoy/route.js';
import type { Caller } from '../caller.js';
import type { Listener } from '../outbound-clusters.js';
import { present, seconds, typed } from './proto-out.js';
import { routeJson, routeMatchJson } from './write-route.js';

interface WriteContext {
  loaded: LoadedConfig;
  caller: Caller;
  models: readonly TranslatedCluster[];
  diagnostics: Diagnostic[];
}

/** Finds a destination's cluster among the models, its port defaulting as Istio's does for the listener's. */
function resolverFor(ctx: WriteContext, listenerPort: number): ClusterResolver {
  return (h, p, subset) => {
    const se = findServiceEntry(ctx.loaded.serviceEntries, h, ctx.caller.namespace);
    if (se === undefined) return null;
    const port = destinationPort(se.resource.spec.ports ?? [], p, listenerPort);
    const i = ctx.models.findIndex(
      (m) => m.serviceHost === h && m.port === port && m.name.split('|')[2] === subset,
    );
    return i < 0 ? null : i;
  };
}

const vsMetadata = (vs: Located<VirtualService>) => ({
  config: `/apis/networking.istio.io/v1/namespaces/${vs.resource.metadata.namespace}/virtual-service/${vs.resource.metadata.name}`,
});

/** The name a destination's cluster would have: what a route to a destination without one is written with. */
function missingClusterOf(
  vs: Located<VirtualService> | null,
  index: number,
  kind: 'http' | 'tcp' | 'tls',
  host: string,
  port: number,
): string {
  const d = vs?.resource.spec[kind]?.[index]?.route?.[0]?.destination;
  return `outbound|${d?.port?.number ?? port}|${d?.subset ?? ''}|${d?.host ?? host}`;
}

/** The http routes a sidecar gets for `host`:`port`, one Envoy route per match block that applies to it. */
function httpRoutesOf(ctx: WriteContext, host: string, port: ServicePort): unknown[] {
  const resolve = resolverFor(ctx, port.number);
  const defaultRetry = retryDefaultsFor(
    ctx.caller.istioVersion,
    ctx.caller.mesh?.defaultHttpRetryPolicy ?? null,
  );
  const name = (i: number) => ctx.models[i]?.name ?? `#${i}`;
  const { services } = routingVirtualService(ctx.loaded.virtualServices, host, ctx.caller.namespace);
  const hashed = (m: RouteModel) => {
    applyHashPolicy(m, ctx.models);
    return m;
  };
  const vs = services[0];
  if (vs === undefined) {
    const model = hashed(defaultRoute(host, port.number, defaultRetry, resolve));
    return [
      routeJson(model, routeMatchJson(null), name, {
        http: undefined,
        missingCluster: `outbound|${port.number}||${host}`,
        metadata: null,
      }),
    ];
  }
  const source = { namespace: ctx.caller.namespace, labels: ctx.caller.labels };
  return (vs.resource.spec.http ?? []).flatMap((r, index) => {
    const blocks = (r.match ?? []).filter(
      (b) => ((b.port ?? 0) === 0 || b.port === port.number) && matchesSource(b, source),
    );
    if ((r.match ?? []).length > 0 && blocks.length === 0) return [];
    const model = hashed(translateHttpRoute(vs, index, defaultRetry, resolve));
    const written = {
      http: r,
      missingCluster: missingClusterOf(vs, index, 'http', host, port.number),
      metadata: vsMetadata(vs),
    };
    return (blocks.length === 0 ? [null] : blocks).map((b) =>
      routeJson(model, routeMatchJson(b), name, written),
    );
  });
}

/** A tcp-proxied host's filter chain: its tcp_proxy to the (weighted) clusters of its tls/tcp route. */
function tcpChainOf(ctx: WriteContext, l: Listener, protocol: string): Record<string, unknown> {
  const resolve = resolverFor(ctx, l.port.number);
  const { services } = routingVirtualService(ctx.loaded.virtualServices, l.host, ctx.caller.namespace);
  const appTls = applicationSpeaksTls(protocol);
  const source = { namespace: ctx.caller.namespace, labels: ctx.caller.labels };
  const model = tcpRouteFor({ host: l.host, port: l.port.number, source }, appTls, services, resolve);
  applyHashPolicy(model, ctx.models);
  const proxy = ctx.models[l.cluster]?.tcpProxy;
  const name = (i: number) => ctx.models[i]?.name ?? `#${i}`;
  const kind = model.name.endsWith(']') ? (model.name.includes('.tls[') ? 'tls' : 'tcp') : 'tcp';
  const index = Number(/\[(\d+)\]$/.exec(model.name)?.[1] ?? -1);
  const destinations =
    model.destinations.length === 0
      ? { cluster: missingClusterOf(services[0] ?? null, index, kind, l.host, l.port.number) }
      : model.destinations.length === 1
        ? { cluster: name(model.destinations[0]!.cluster) }
        : {
            weighted_clusters: {
              clusters: model.destinations.map((d) => ({ name: name(d.cluster), weight: d.weight })),
            },
          };
  const addresses = l.se.resource.spec.addresses ?? [];
  return present({
    name: model.name,
    filter_chain_match: appTls
      ? { server_names: [l.host] }
      : addresses.length > 0
        ? {
            prefix_ranges: addresses.map((a) => ({
              address_prefix: a.split('/')[0],
              prefix_len: Number(a.split('/')[1] ?? 32),
            })),
          }
        : undefined,
    filters: [
      {
        name: 'envoy.filters.network.tcp_proxy',
        typed_config: typed(
          'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
          present({
            stat_prefix: name(l.cluster),
            ...destinations,
            idle_timeout: seconds(proxy?.idleTimeoutMs ?? 3_600_000),
            max_connect_attempts: proxy?.maxConnectAttempts ?? 1,
            max_downstream_connection_duration:
              (proxy?.maxConnectionDurationMs ?? 0) > 0 ? seconds(proxy!.maxConnectionDurationMs) : undefined,
            hash_policy: model.hashPolicy?.useSourceIp === true ? [{ source_ip: {} }] : undefined,
          }),
        ),
      },
    ],
  });
}

/** The HTTP connection manager of an HTTP port: its routes by RDS under the port's name, as Istio names them. */
function httpChain(port: number): Record<string, unknown> {
  return {
    filters: [
      {
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: typed(
          'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
          {
            stat_prefix: `outbound_0.0.0.0_${port}`,
            rds: { route_config_name: String(port), config_source: { ads: {}, resource_api_version: 'V3' } },
            http_filters: [
              {
                name: 'envoy.filters.http.fault',
                typed_config: typed('envoy.extensions.filters.http.fault.v3.HTTPFault'),
              },
              {
                name: 'envoy.filters.http.router',
                typed_config: typed('envoy.extensions.filters.http.router.v3.Router'),
              },
            ],
          },
        ),
      },
    ],
  };
}

/**
 * The sidecar's outbound listeners and route configurations for the reached host:ports, as istiod builds
 * them: per port a 0.0.0.0 listener; an HTTP port routes by RDS (one virtual host per host, its domains
 * the host with and without the port), a tcp-proxied port has a filter chain per host (by SNI on TLS
 * ports, by the ServiceEntry's addresses on TCP ports).
 */
export function writeListeners(
  loaded: LoadedConfig,
  caller: Caller,
  models: readonly TranslatedCluster[],
  listeners: readonly Listener[],
  diagnostics: Diagnostic[],
): { listeners: unknown[]; routeConfigs: unknown[] } {
  const ctx: WriteContext = { loaded, caller, models, diagnostics };
  const ports = [...new Set(listeners.map((l) => l.port.number))];
  const out = { listeners: [] as unknown[], routeConfigs: [] as unknown[] };
  for (const port of ports) {
    const onPort = listeners.filter((l) => l.port.number === port);
    const protocolOf = (l: Listener) => models[l.cluster]?.protocol ?? 'HTTP';
    const http = onPort.filter((l) => !isTcpProxied(protocolOf(l)));
    const tcp = onPort.filter((l) => isTcpProxied(protocolOf(l)));
    const chains: unknown[] = [];
    // Envoy takes one chain without a match per listener: the HTTP connection manager's, else the first TCP host's.
    let matchlessTaken = http.length > 0;
    for (const l of tcp) {
      const needsMatch =
        !applicationSpeaksTls(protocolOf(l)) && (l.se.resource.spec.addresses ?? []).length === 0;
      if (needsMatch && matchlessTaken) {
        const message = `not written: ${l.host}:${port} is TCP without addresses, and port ${port} already has a filter chain that takes every connection`;
        diagnostics.push({
          severity: 'warning',
          file: l.se.file,
          line: l.se.line,
          column: 1,
          path: 'spec.addresses',
          message,
        });
        continue;
      }
      matchlessTaken ||= needsMatch;
      chains.push(tcpChainOf(ctx, l, protocolOf(l)));
    }
    if (http.length > 0) {
      chains.push(httpChain(port));
      out.routeConfigs.push({
        route_config: typed('envoy.config.route.v3.RouteConfiguration', {
          name: String(port),
          virtual_hosts: http.map((l) => ({
            name: `${l.host}:${port}`,
            domains: [l.host, `${l.host}:${port}`],
            routes: httpRoutesOf(ctx, l.host, l.port),
          })),
          validate_clusters: false,
        }),
      });
    }
    const name = `0.0.0.0_${port}`;
    out.listeners.push({
      name,
      active_state: {
        listener: typed('envoy.config.listener.v3.Listener', {
          name,
          address: { socket_address: { address: '0.0.0.0', port_value: port } },
          filter_chains: chains,
          traffic_direction: 'OUTBOUND',
        }),
      },
    });
  }
  return out;
}
