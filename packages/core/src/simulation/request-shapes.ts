import type { TrafficPlan } from '../config/plan/run-plan.js';
import type { RouteModel } from '../envoy/route.js';
import { RequestHasher } from '../upstream/lb/request-hash.js';
import { type RequestHash, uint64 } from '../upstream/lb/uint64.js';
import { APPLICATION_ADDRESS } from '../world/traffic-source.js';

/** One request shape a source sends: its route, its hash when the route has a hash_policy, its weight. */
export interface RequestShape {
  route: number;
  hash: RequestHash | null;
  weight: number;
}

/**
 * Each source's request shapes with their hash, computed once: a shape always sends the same headers,
 * path and source address, so the hash policy gives it the same value on every request.
 */
export function requestShapes(
  traffic: readonly TrafficPlan[],
  routes: readonly RouteModel[],
): RequestShape[][] {
  return traffic.map((t) =>
    t.mix.map((m) => {
      const policy = routes[m.route]?.hashPolicy ?? null;
      let hash: RequestHash | null = null;
      if (policy !== null) {
        const out = uint64(0, 0);
        const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k.toLowerCase(), v]));
        const request = {
          headers,
          path: m.path,
          remoteAddress: APPLICATION_ADDRESS,
          localAddress: { ip: t.target.host, port: t.target.port },
        };
        if (new RequestHasher(policy).hash(request, out)) hash = out;
      }
      return { route: m.route, hash, weight: m.weight };
    }),
  );
}
