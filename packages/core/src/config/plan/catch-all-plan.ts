import { isIP } from 'node:net';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import { catchAllCluster, catchAllRoute } from '../translate/catch-all.js';
import { isTcpProxied } from '../translate/port-protocol.js';
import type { PlanContext } from './plan-context.js';
import type { TrafficPlan } from './run-plan.js';
import { trafficPlanOf } from './traffic-plan-of.js';

type TrafficSource = ScenarioSpec['traffic'][number];

/**
 * Traffic to a host the caller's sidecar knows no service for (none declares it, or it is not exported
 * to the caller, or its Sidecar does not import it): Istio's outbound traffic policy decides. On a port
 * some visible service serves over HTTP, the catch-all virtual host routes it (`allow_any` to
 * PassthroughCluster, or `block_all`: 502); on any other port the connection goes through a tcp_proxy
 * to PassthroughCluster, or to BlackHoleCluster, which has no endpoint and closes it.
 */
export function planCatchAll(ctx: PlanContext, t: TrafficSource, i: number): TrafficPlan | null {
  const caller = ctx.spec.proxy.namespace;
  if (t.port === undefined) {
    ctx.at(
      ['traffic', i, 'port'],
      'error',
      `${t.host} is no service a sidecar in namespace ${caller} knows: say which port the application dials`,
    );
    return null;
  }
  const port = t.port;
  const { mode, from } = ctx.scope.outboundTrafficPolicy;
  const http = ctx.loaded.serviceEntries.some((se) =>
    (se.resource.spec.ports ?? []).some(
      (p) => p.number === port && !isTcpProxied(p.protocol ?? 'HTTP') && ctx.scope.portVisible(se, port),
    ),
  );
  const kind = mode === 'ALLOW_ANY' ? 'passthrough' : http ? null : 'blackhole';
  let cluster: number | null = null;
  if (kind !== null) {
    const model = catchAllCluster(kind, t.host, port, ctx.mesh, !http);
    cluster = ctx.clusters.findIndex((c) => c.name === model.name);
    if (cluster >= 0 && ctx.clusters[cluster]!.serviceHost !== t.host && kind === 'passthrough') {
      ctx.at(
        ['traffic', i, 'host'],
        'error',
        `not modelled: PassthroughCluster dials one host per run, and ${ctx.clusters[cluster]!.serviceHost} already takes it; give ${t.host} its own run`,
      );
      return null;
    }
    if (cluster < 0) cluster = ctx.clusters.push(model) - 1;
  }
  const policy =
    from === 'sidecar'
      ? "its Sidecar's outboundTrafficPolicy"
      : ctx.loaded.meshConfig === undefined
        ? "the mesh's default outboundTrafficPolicy"
        : "the mesh config's outboundTrafficPolicy";
  const effect =
    kind === 'passthrough'
      ? 'PassthroughCluster: the address the application resolves'
      : http
        ? 'the block_all route: 502'
        : 'BlackHoleCluster: the connection is closed';
  ctx.at(
    ['traffic', i, 'host'],
    'warning',
    `${t.host} is no service a sidecar in namespace ${caller} knows (not declared, exported or imported): ${policy} ${mode} sends it to ${effect}`,
  );
  if (kind === 'passthrough' && isIP(t.host) === 0 && ctx.spec.dns[t.host] === undefined) {
    ctx.at(
      ['dns'],
      'warning',
      `PassthroughCluster dials the address the application resolves for ${t.host}, and spec.dns has no entry for it, so every lookup fails (DF)`,
    );
  }
  const mix = (t.routes ?? [{ weight: 1 }]).map((m) => {
    ctx.routes.push(catchAllRoute(mode, cluster, !http));
    return {
      route: ctx.routes.length - 1,
      path: m.path ?? t.path,
      headers: m.headers ?? t.headers,
      weight: m.weight,
    };
  });
  return trafficPlanOf(t, port, mix);
}
