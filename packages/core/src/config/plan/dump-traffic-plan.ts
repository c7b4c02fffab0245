import { isIP } from 'node:net';
import { Flag } from '../../envoy/response-flags.js';
import type { RouteModel } from '../../envoy/route.js';
import type { DumpFilterChain, DumpListener, DumpRouteConfig, EnvoyDump } from '../envoy-dump/dump-model.js';
import { type DumpRequest, listenerFor, routeFor, virtualHostFor } from '../envoy-dump/route-table.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import { formatPath } from '../resources/positions.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import { DumpClusterResolver, localRoute, NOT_FOUND_ROUTE } from './dump-cluster-resolver.js';
import { dumpRequestHeaders } from './dump-request-headers.js';
import type { TrafficPlan } from './run-plan.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';
import { trafficPlanOf } from './traffic-plan-of.js';

type TrafficSource = ScenarioSpec['traffic'][number];
type Headers = Readonly<Record<string, string>>;

/** What planning traffic against an Envoy config shares. */
interface DumpPlan {
  dump: EnvoyDump;
  spec: ScenarioSpec;
  at: ScenarioReporter;
  diagnostics: Diagnostic[];
  resolver: DumpClusterResolver;
  routes: RouteModel[];
}

/** Adds diagnostics not already listed (a route many request shapes take is noted once). */
function noteOnce(diagnostics: Diagnostic[], list: readonly Diagnostic[]): void {
  for (const d of list) {
    if (!diagnostics.some((x) => x.file === d.file && x.path === d.path && x.message === d.message))
      diagnostics.push(d);
  }
}

/**
 * Plans the Scenario's traffic through an Envoy config as it is, with no Istio translation: each source's
 * host and port reach a listener and filter chain; an HTTP chain routes each request shape through its
 * route configuration (virtual host by authority, first matching route), a tcp_proxy forwards connections.
 * The clusters reached join the run's model in the order first reached.
 */
export function planDumpTraffic(
  dump: EnvoyDump,
  spec: ScenarioSpec,
  at: ScenarioReporter,
  diagnostics: Diagnostic[],
): { traffic: TrafficPlan[]; clusters: DumpPlan['resolver']['clusters']; routes: RouteModel[] } {
  const error = (where: { file: string; line: number; path: string }, message: string) =>
    diagnostics.push({ severity: 'error', ...where, column: 1, message });
  const plan: DumpPlan = {
    dump,
    spec,
    at,
    diagnostics,
    resolver: new DumpClusterResolver(dump, diagnostics, error),
    routes: [],
  };
  const traffic: TrafficPlan[] = [];
  spec.traffic.forEach((t, i) => {
    const planned = planSource(plan, t, i);
    if (planned !== null) traffic.push(planned);
  });
  return { traffic, clusters: plan.resolver.clusters, routes: plan.routes };
}

const errors = (d: readonly Diagnostic[]) => d.filter((x) => x.severity === 'error').length;

function planSource(plan: DumpPlan, t: TrafficSource, i: number): TrafficPlan | null {
  if (t.port === undefined) {
    plan.at(
      ['traffic', i, 'port'],
      'error',
      "is required with an Envoy config: the sidecar's listeners are chosen by port",
    );
    return null;
  }
  const port = t.port;
  // Where the application's own lookup sends the connection: what listeners bound to an address compare.
  const address = isIP(t.host) !== 0 ? t.host : (plan.spec.dns[t.host]?.answers[0] ?? null);
  const choice = listenerFor(plan.dump, t.host, port, address);
  if (choice.listener === null) {
    plan.at(['traffic', i, 'host'], 'error', choice.reason);
    return null;
  }
  const before = errors(plan.diagnostics);
  noteOnce(plan.diagnostics, choice.chain.notModelled);
  const routeOf = shapeRouter(plan, t.host, port, choice.listener, choice.chain, choice.appTls);
  // What reaches the router: the connection manager's own rule on the application's x-envoy-* headers.
  const handler = choice.chain.handler;
  const seen = (h: Headers, at: (string | number)[]): Headers =>
    handler.kind === 'http'
      ? dumpRequestHeaders(
          h,
          handler.internalRequests,
          routeConfigOf(plan, handler)?.internalOnlyHeaders ?? [],
          plan.dump.envoyVersion,
          plan.at,
          at,
        )
      : h;
  const sourceHeaders = seen(t.headers, ['traffic', i, 'headers']);
  const mix = (t.routes ?? [{ weight: 1 }]).map((m, j) => {
    const path = m.path ?? t.path;
    const headers =
      m.headers === undefined ? sourceHeaders : seen(m.headers, ['traffic', i, 'routes', j, 'headers']);
    return { route: routeOf(path, m.method ?? t.method, headers), path, headers, weight: m.weight };
  });
  if (errors(plan.diagnostics) > before) return null;
  return trafficPlanOf(t, port, mix);
}

/** The route configuration an HTTP chain routes by: its own, or the dump's of its rds name. */
function routeConfigOf(
  plan: DumpPlan,
  handler: Extract<DumpFilterChain['handler'], { kind: 'http' }>,
): DumpRouteConfig | undefined {
  return handler.inline ?? plan.dump.routeConfigs.find((r) => r.name === handler.rds);
}

const sourceAt = (s: { file: string; line: number; path: ReadonlyArray<string | number> }) => ({
  file: s.file,
  line: s.line,
  path: formatPath(s.path),
});

/** Routes one request shape through the chosen chain; returns its route's index in `plan.routes`. */
function shapeRouter(
  plan: DumpPlan,
  host: string,
  port: number,
  listener: DumpListener,
  chain: DumpFilterChain,
  appTls: boolean,
) {
  return (path: string, method: string, headers: Headers): number => {
    plan.routes.push(routeOfShape(plan, { host, port, path, method, headers }, listener, chain, appTls));
    return plan.routes.length - 1;
  };
}

function routeOfShape(
  plan: DumpPlan,
  req: DumpRequest,
  listener: DumpListener,
  chain: DumpFilterChain,
  appTls: boolean,
): RouteModel {
  const handler = chain.handler;
  const error = (where: { file: string; line: number; path: string }, message: string) =>
    plan.diagnostics.push({ severity: 'error', ...where, column: 1, message });
  if (handler.kind === 'other') {
    error(
      sourceAt(chain.source),
      `the filter chain ${req.host}:${req.port} reaches cannot be simulated: ${handler.why}`,
    );
    return localRoute('unsupported', 0, 0);
  }
  if (handler.kind === 'tcp') {
    const p = handler.proxy;
    const tcpProxy = {
      appTls,
      idleTimeoutMs: p.idleTimeoutMs,
      maxConnectAttempts: p.maxConnectAttempts,
      maxConnectionDurationMs: p.maxConnectionDurationMs,
    };
    const name = chain.name || `${listener.name} tcp_proxy`;
    const destinations = plan.resolver.destinations(p.destinations, { via: 'tcp', tcpProxy }, req.host);
    if (destinations === null || destinations.length === 0) return localRoute(name, 0, Flag.NC, true);
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
      hashPolicy: p.hashSourceIp ? { useSourceIp: true } : null,
    };
  }
  const rc = routeConfigOf(plan, handler);
  if (rc === undefined) {
    error(sourceAt(chain.source), `route configuration ${handler.rds} (rds) is not in the dump`);
    return localRoute('unsupported', 0, 0);
  }
  // The Host an HTTP client sends: the port only when it is not the scheme's own (80, or 443 over TLS).
  const defaultPort = appTls ? 443 : 80;
  const authority = req.headers.host ?? (req.port === defaultPort ? req.host : `${req.host}:${req.port}`);
  const vh = virtualHostFor(rc, authority);
  const route = vh === null ? null : routeFor(vh, req);
  if (route === null) return NOT_FOUND_ROUTE();
  noteOnce(plan.diagnostics, route.notModelled);
  const action = route.action;
  if (action.kind === 'unsupported') {
    error(
      sourceAt(route.source),
      `the route ${req.path} takes cannot be simulated (see its not-modelled fields)`,
    );
    return localRoute(route.name, 0, 0);
  }
  if (action.kind === 'local') return localRoute(route.name, action.status, 0);
  const destinations = plan.resolver.destinations(action.destinations, { via: 'http' }, req.host);
  if (destinations === null || destinations.length === 0)
    return localRoute(route.name, action.clusterNotFoundStatus, Flag.NC);
  if (!handler.faultFilter && action.fault !== null) {
    noteOnce(plan.diagnostics, [
      {
        severity: 'warning',
        ...sourceAt(route.source),
        column: 1,
        message:
          'not modelled: a fault for this route, but the HTTP connection manager has no fault filter, so Envoy injects none',
      },
    ]);
  }
  return {
    name: route.name,
    destinations,
    totalWeight: destinations.reduce((s, d) => s + d.weight, 0),
    localStatus: 0,
    localFlags: 0,
    timeoutMs: action.timeoutMs,
    retry: action.retry,
    fault: handler.faultFilter ? (action.fault ?? handler.listenerFault) : null,
    hashPolicy: action.hashPolicy,
  };
}
