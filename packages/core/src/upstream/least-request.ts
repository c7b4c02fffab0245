import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { LoadBalancer } from './load-balancer.js';

/**
 * LEAST_REQUEST with equal weights (Istio's default): draw `choiceCount` hosts uniformly with
 * replacement and keep the one with the fewest active requests; the first drawn wins ties.
 */
export class LeastRequestLoadBalancer implements LoadBalancer {
  constructor(
    private readonly rng: Rng,
    private readonly choiceCount = 2,
  ) {}

  chooseHost(hosts: readonly Host[], _source: number): Host | null {
    const n = hosts.length;
    if (n === 0) return null;
    let best = hosts[Math.floor(this.rng() * n)]!;
    for (let i = 1; i < this.choiceCount; i++) {
      const candidate = hosts[Math.floor(this.rng() * n)]!;
      if (candidate.rqActive < best.rqActive) best = candidate;
    }
    return best;
  }
}
