import type { RouteModel } from '../envoy/route.js';

import type { Rng } from '../kernel/random-streams.js';

/** weighted_clusters: a uniform integer draw over the route's total weight (one destination: no draw). */
export function pickWeightedCluster(route: RouteModel, rng: Rng): number {
  const d = route.destinations;
  if (d.length === 1 || route.totalWeight === 0) return d[0]!.cluster;
  let draw = Math.floor(rng() * route.totalWeight);
  for (const dest of d) {
    if (draw < dest.weight) return dest.cluster;
    draw -= dest.weight;
  }
  return d[d.length - 1]!.cluster;
}
