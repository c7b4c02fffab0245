import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import { formatPath } from '../config/resources/positions.js';
import type { ServicePort } from '../config/resources/schema/service-entry.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import {
  applyHashPolicy,
  type ClusterResolver,
  defaultRoute,
  destinationPort,
  matchesSource,
  type RetryDefaults,
  type RouteNote,
  retryDefaultsFor,
  routeHashKey,
  routingVirtualService,
  translateHttpRoute,
} from '../config/translate/http-routes.js';
import { applicationSpeaksTls, isTcpProxied } from '../config/translate/port-protocol.js';
import { tcpRouteFor } from '../config/translate/tcp-routes.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { findServiceEntry } from '../config/translate/visibility.js';
import type { RouteModel } from '../envoy/route.js';

import type { Caller } from './caller.js';
import { type ResourceRef, refOf } from './cluster.js';
import { meshRetry } from './mesh-values.js';
import type { Listener, OutboundClusters } from './outbound-clusters.js';
import { explainRoute, noMatchRoute, type RouteExplanation } from './routes.js';
import { type NotExplained, type RoutesSeen, what } from './unused.js';
import { byDefault } from './values.js';

/** The routes the sidecar has for one `host:port` (istioctl's virtual host), first match wins. */
export interface VirtualHostExplanation {
  name: string;
  host: string;
  port: number;
  protocol: string;
  virtualServices: ResourceRef[];
  routes: RouteExplanation[];
  notes: string[];
}

/** What every virtual host's routes are built from, and the routes shown or left out so far. */
interface RouteContext {
  loaded: LoadedConfig;
  caller: Caller;
  models: readonly TranslatedCluster[];
  defaultRetry: RetryDefaults;
  source: { namespace: string; labels: Readonly<Record<string, string>> };
  /** Routes shown in some virtual host, by `file:line:index`. */
  shown: Set<string>;
  /** Routes left out of some virtual host because their match blocks name other callers. */
  otherCallers: Set<string>;
  /** VirtualServices ignored for a host another one binds first (IST0109), by `file:line:host`. */
  ignored: Map<string, Located<VirtualService>>;
  /** The first model of each `host|port|subset`, so that resolving a destination is one look-up. */
  modelAt: Map<string, number>;
}

const modelKey = (host: string, port: number, subset: string) => `${host}|${port}|${subset}`;

/**
 * One virtual host per reachable `host:port`: the http routes of its VirtualServices, or Istio's default
 * route, or a tcp_proxy's one route. Returns the routes seen, for what stays unexplained.
 */
export function explainVirtualHosts(
  loaded: LoadedConfig,
  caller: Caller,
  reached: OutboundClusters,
  notExplained: NotExplained[],
): { virtualHosts: VirtualHostExplanation[]; seen: RoutesSeen } {
  const ctx: RouteContext = {
    loaded,
    caller,
    models: reached.models,
    defaultRetry: retryDefaultsFor(caller.istioVersion, caller.mesh?.defaultHttpRetryPolicy ?? null),
    source: { namespace: caller.namespace, labels: caller.labels },
    shown: new Set(),
    otherCallers: new Set(),
    ignored: new Map(),
    modelAt: new Map(),
  };
  reached.models.forEach((m, i) => {
    const key = modelKey(m.serviceHost, m.port, m.name.split('|')[2] ?? '');
    if (!ctx.modelAt.has(key)) ctx.modelAt.set(key, i);
  });
  const virtualHosts = reached.listeners.map((l) => explainVirtualHost(ctx, l, notExplained));
  const seen = {
    shown: ctx.shown,
    otherCallers: ctx.otherCallers,
    ignoredSomewhere: new Set(ctx.ignored.values()),
  };
  return { virtualHosts, seen };
}

function explainVirtualHost(
  ctx: RouteContext,
  { host, port, cluster }: Listener,
  notExplained: NotExplained[],
): VirtualHostExplanation {
  const resolve = clusterResolver(ctx, port);
  const { services, ignored } = routingVirtualService(ctx.loaded.virtualServices, host, ctx.caller.namespace);
  for (const { vs, reason } of ignored) {
    const key = `${vs.file}:${vs.line}:${host}`;
    if (ctx.ignored.has(key)) continue;
    ctx.ignored.set(key, vs);
    notExplained.push({
      what: `${what('VirtualService', vs)} host ${host}`,
      file: vs.file,
      line: vs.line,
      reason,
    });
  }
  const protocol = ctx.models[cluster]?.protocol ?? 'HTTP';
  const tcp = isTcpProxied(protocol);
  const routes = tcp
    ? [tcpProxyRoute(ctx, host, port, protocol, services, resolve)]
    : httpRoutes(ctx, host, port, services, resolve);
  return {
    name: `${host}:${port.number}`,
    host,
    port: port.number,
    protocol,
    // A root with delegates comes as several pieces: each VirtualService once.
    virtualServices: services.map(refOf).filter((r, i, all) => all.findIndex((x) => x.name === r.name) === i),
    routes,
    notes: tcp
      ? [
          `${protocol}: the sidecar tcp-proxies this port: connections, not requests, are routed, and no http route, timeout, retry or fault applies`,
        ]
      : [],
  };
}

/** A route that sets no retries takes the mesh's defaultHttpRetryPolicy when the mesh config has one. */
function withMeshRetry(
  ctx: RouteContext,
  e: RouteExplanation,
  model: RouteModel,
  unset: boolean,
): RouteExplanation {
  const mesh = ctx.loaded.meshConfig;
  if (!unset || !ctx.defaultRetry.fromMesh || mesh === undefined || e.retry === null) return e;
  return { ...e, retry: meshRetry(mesh, model.retry) };
}

/** Finds a destination's cluster among the models, its port defaulting as Istio's does for this listener. */
function clusterResolver(ctx: RouteContext, listenerPort: ServicePort): ClusterResolver {
  return (h, p, subset) => {
    const se = findServiceEntry(ctx.loaded.serviceEntries, h, ctx.caller.namespace);
    if (se === undefined) return null;
    const port = destinationPort(se.resource.spec.ports ?? [], p, listenerPort.number);
    if (port !== undefined && ctx.caller.portVisible?.(se, port) === false) return null;
    return port === undefined ? null : (ctx.modelAt.get(modelKey(h, port, subset)) ?? null);
  };
}

const nameOf = (ctx: RouteContext) => (i: number) => ctx.models[i]?.name ?? `#${i}`;

/** Sets the route's hash policy from its first destination; whether that one balances by consistent hash. */
function hashed(ctx: RouteContext, model: RouteModel): boolean {
  applyHashPolicy(model, ctx.models);
  return routeHashKey(model, ctx.models) !== null;
}

/** The tcp_proxy's one route: http routes never see this port's traffic (they stay unexplained). */
function tcpProxyRoute(
  ctx: RouteContext,
  host: string,
  port: ServicePort,
  protocol: string,
  services: ReadonlyArray<Located<VirtualService>>,
  resolve: ClusterResolver,
): RouteExplanation {
  const { notes, note } = routeNotes();
  const shape = { host, port: port.number, source: ctx.source };
  const model = tcpRouteFor(shape, applicationSpeaksTls(protocol), services, resolve, note);
  const explained = explainRoute(model, null, nameOf(ctx), ctx.caller.istioVersion, false, notes);
  const which = model.name === 'default' ? 'no tls or tcp route: the port itself' : model.name;
  const vs = model.name === 'default' ? undefined : services[0];
  return {
    ...explained,
    virtualService: vs === undefined ? null : refOf(vs),
    match: byDefault('*', 'Istio default', `tcp_proxy, per connection (${which})`),
    // A tcp_proxy has none of these: it sees bytes, not requests.
    timeoutMs: null,
    retry: null,
    fault: null,
  };
}

/** Istio's default route when no VirtualService binds the host, else each http route this sidecar gets. */
function httpRoutes(
  ctx: RouteContext,
  host: string,
  port: ServicePort,
  services: ReadonlyArray<Located<VirtualService>>,
  resolve: ClusterResolver,
): RouteExplanation[] {
  const version = ctx.caller.istioVersion;
  const routes: RouteExplanation[] = [];
  if (services.length === 0) {
    const model = defaultRoute(host, port.number, ctx.defaultRetry, resolve);
    routes.push(
      withMeshRetry(
        ctx,
        explainRoute(model, null, nameOf(ctx), version, hashed(ctx, model), []),
        model,
        true,
      ),
    );
  }
  for (const vs of services) {
    (vs.resource.spec.http ?? []).forEach((r, index) => {
      // istiod builds a sidecar's routes from the match blocks for its port and its workload (source
      // labels, namespace); a route none of whose blocks apply is not in this virtual host.
      const blocks = r.match ?? [];
      const onPort = blocks.map((b) => (b.port ?? 0) === 0 || b.port === port.number);
      const applies = blocks.map((b, j) => onPort[j] === true && matchesSource(b, ctx.source));
      if (blocks.length > 0 && !applies.includes(true)) {
        if (onPort.includes(true)) ctx.otherCallers.add(`${vs.file}:${vs.line}:${index}`);
        return;
      }
      const { notes, note } = routeNotes();
      const model = translateHttpRoute(vs, index, ctx.defaultRetry, resolve, note);
      ctx.shown.add(`${vs.file}:${vs.line}:${index}`);
      const source = { vs, index, applies };
      const explained = explainRoute(model, source, nameOf(ctx), version, hashed(ctx, model), notes);
      routes.push(withMeshRetry(ctx, explained, model, r.retries === undefined));
    });
  }
  const last = routes[routes.length - 1];
  if (services.length > 0 && (last === undefined || last.match.from === 'set')) routes.push(noMatchRoute());
  return routes;
}

/** A route's warnings about fields the simulation leaves out, collected as diagnostics. */
function routeNotes(): { notes: Diagnostic[]; note: RouteNote } {
  const notes: Diagnostic[] = [];
  const note: RouteNote = (doc, path, message) => {
    const { line, column } = doc.positionOf(path);
    notes.push({ severity: 'warning', file: doc.file, line, column, path: formatPath(path), message });
  };
  return { notes, note };
}
