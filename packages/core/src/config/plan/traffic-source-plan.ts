import type { Diagnostic } from '../resources/diagnostics.js';
import type { Located } from '../resources/load.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { ServiceEntry, ServicePort } from '../resources/schema/service-entry.js';
import {
  applyHashPolicy,
  type RetryDefaults,
  retryDefaultsFor,
  routeFor,
  routingVirtualService,
} from '../translate/http-routes.js';
import { applicationSpeaksTls, isTcpProxied } from '../translate/port-protocol.js';
import { noteHttpRoutesOnTcpPort, tcpRouteFor } from '../translate/tcp-routes.js';
import { findServiceEntry } from '../translate/visibility.js';
import { planCatchAll } from './catch-all-plan.js';
import { clusterResolver } from './cluster-resolver.js';
import { sidecarRequestHeaders } from './internal-headers.js';
import type { PlanContext } from './plan-context.js';
import { routeNotesInto, warnIgnoredVirtualServices } from './route-notes.js';
import type { TrafficPlan } from './run-plan.js';
import { trafficPlanOf } from './traffic-plan-of.js';

type TrafficSource = ScenarioSpec['traffic'][number];
type Headers = Readonly<Record<string, string>>;
/** Routes one request shape: adds its route to the model and says which it is, for the mix. */
type ShapeRouter = (
  path: string,
  method: string,
  headers: Headers,
) => { route: number; path: string; headers: Headers };

/** Plans each traffic source in turn; a source with an error is left out. */
export function planTraffic(ctx: PlanContext): TrafficPlan[] {
  const defaultRetry = retryDefaultsFor(ctx.spec.proxy.istioVersion, ctx.mesh.defaultHttpRetryPolicy);
  const traffic: TrafficPlan[] = [];
  ctx.spec.traffic.forEach((t, i) => {
    const plan = planTrafficSource(ctx, t, i, defaultRetry);
    if (plan !== null) traffic.push(plan);
  });
  return traffic;
}

function planTrafficSource(
  ctx: PlanContext,
  t: TrafficSource,
  i: number,
  defaultRetry: RetryDefaults,
): TrafficPlan | null {
  const known = findServiceEntry(ctx.loaded.serviceEntries, t.host, ctx.spec.proxy.namespace);
  // A port of the service the caller's Sidecar does not import has no listener there either.
  const hiddenPort =
    known !== undefined &&
    t.port !== undefined &&
    (known.resource.spec.ports ?? []).some(
      (p) => p.number === t.port && !ctx.scope.portVisible(known, p.number),
    );
  if (known === undefined || hiddenPort) return planCatchAll(ctx, t, i);
  const port = sourcePortOf(ctx, t, i, known);
  if (port === undefined) return null;
  if (!checkConnections(ctx, t, i, port)) return null;
  const routeOf = shapeRouter(ctx, t.host, port, defaultRetry);
  const errorsBefore = errorCount(ctx.diagnostics);
  // What reaches the router: the connection manager strips x-envoy-* controls first (HTTP ports only).
  const http = !isTcpProxied(port.protocol ?? 'HTTP');
  const seen = (h: Headers, path: (string | number)[]) => (http ? sidecarRequestHeaders(h, ctx.at, path) : h);
  const sourceHeaders = seen(t.headers, ['traffic', i, 'headers']);
  // A weighted mix of request shapes: each mix entry is its own route decision.
  const mix = (t.routes ?? [{ weight: 1 }]).map((m, j) => ({
    ...routeOf(
      m.path ?? t.path,
      m.method ?? t.method,
      m.headers === undefined ? sourceHeaders : seen(m.headers, ['traffic', i, 'routes', j, 'headers']),
    ),
    weight: m.weight,
  }));
  if (errorCount(ctx.diagnostics) > errorsBefore) return null;
  return trafficPlanOf(t, port.number, mix);
}

const errorCount = (diagnostics: readonly Diagnostic[]): number =>
  diagnostics.filter((d) => d.severity === 'error').length;

/** `connections` are the application's lasting HTTP connections: not on a tcp-proxied port, nor without keep-alive. */
function checkConnections(ctx: PlanContext, t: TrafficSource, i: number, port: ServicePort): boolean {
  if (t.connections === undefined) return true;
  const protocol = port.protocol ?? 'HTTP';
  const problem = !t.keepAlive
    ? 'needs keepAlive: an application that opens a connection per request keeps none open'
    : isTcpProxied(protocol)
      ? `applies to HTTP ports; port ${port.number} is ${protocol}, tcp-proxied, where keepAlive decides the connections`
      : null;
  if (problem !== null) ctx.at(['traffic', i, 'connections'], 'error', problem);
  return problem === null;
}

/** The port a source sends to, of the ServiceEntry its caller sees for the host: its `port`, or the only one. */
function sourcePortOf(
  ctx: PlanContext,
  t: TrafficSource,
  i: number,
  se: Located<ServiceEntry>,
): ServicePort | undefined {
  // The ports the caller's Sidecar imports of the service.
  const ports = (se.resource.spec.ports ?? []).filter((p) => ctx.scope.portVisible(se, p.number));
  const port =
    t.port === undefined
      ? ports.length === 1
        ? ports[0]
        : undefined
      : ports.find((p) => p.number === t.port);
  if (port === undefined) {
    const known = ports.map((p) => p.number).join(', ') || 'none';
    const message =
      t.port === undefined
        ? `the ServiceEntry has ports ${known}: say which with traffic port`
        : `port ${t.port} is not a port of ServiceEntry ${se.resource.metadata.namespace}/${se.resource.metadata.name} (ports: ${known})`;
    ctx.at(['traffic', i, 'port'], 'error', message);
  }
  return port;
}

/**
 * The route each request shape to `host`:`port` takes, through the host's VirtualService (an http route,
 * or a tcp proxy on a tcp-proxied port), and its consistent-hash value when its cluster hashes.
 */
function shapeRouter(
  ctx: PlanContext,
  host: string,
  port: ServicePort,
  defaultRetry: RetryDefaults,
): ShapeRouter {
  const { spec, clusters, routes, diagnostics } = ctx;
  const caller = spec.proxy.namespace;
  const protocol = port.protocol ?? 'HTTP';
  const tcpProxied = isTcpProxied(protocol);
  const resolve = clusterResolver(ctx, port.number);
  const note = routeNotesInto(diagnostics);
  const { services, ignored, delegation } = routingVirtualService(ctx.loaded.virtualServices, host, caller);
  warnIgnoredVirtualServices(ignored, diagnostics);
  for (const d of delegation) note(d.vs, d.path, d.message);
  if (tcpProxied) noteHttpRoutesOnTcpPort(services, host, port.number, protocol, note);
  return (path, method, headers) => {
    const source = { namespace: caller, labels: spec.proxy.labels ?? {} };
    const shape = { host, port: port.number, path, method, headers, source };
    const model = tcpProxied
      ? tcpRouteFor(shape, applicationSpeaksTls(protocol), services, resolve, note)
      : routeFor(shape, services, defaultRetry, resolve, note);
    // Consistent hashing: the route takes the destination's hash policy, and Istio drops the
    // previous_hosts retry predicate so retries stay on the hashed host.
    applyHashPolicy(model, clusters);
    routes.push(model);
    return { route: routes.length - 1, path, headers };
  };
}
