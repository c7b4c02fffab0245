import type { RouteModel } from '../envoy/route.js';

/** One shadow a route may send: the route the shadow request follows and its share of requests. */
export interface ShadowRoute {
  route: number;
  perMillion: number;
}

/**
 * The route table with a route for each mirror policy appended. A shadow goes through the mirror
 * cluster's own router (Envoy's async client): the parent route's timeout, no retry policy, no fault
 * filter, no hash policy. A table without mirrors is returned as it was.
 */
export function withShadowRoutes(routes: readonly RouteModel[]): {
  routes: readonly RouteModel[];
  shadowsOf: ReadonlyArray<readonly ShadowRoute[] | null>;
} {
  if (!routes.some((r) => (r.mirrors?.length ?? 0) > 0)) return { routes, shadowsOf: [] };
  const all = routes.slice();
  const shadowsOf = routes.map((route) => {
    // A policy naming a cluster the sidecar lacks: the shadow writer finds none and sends nothing.
    const mirrors = (route.mirrors ?? []).filter((m) => m.cluster >= 0);
    if (mirrors.length === 0) return null;
    return mirrors.map(({ cluster, perMillion }) => {
      all.push({
        name: `${route.name} (mirror)`,
        destinations: [{ cluster, weight: 100 }],
        totalWeight: 100,
        localStatus: 0,
        localFlags: 0,
        timeoutMs: route.timeoutMs,
        retry: null,
        fault: null,
        hashPolicy: null,
      });
      return { route: all.length - 1, perMillion };
    });
  });
  return { routes: all, shadowsOf };
}
