import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { LoadBalancer } from './load-balancer.js';

/**
 * ROUND_ROBIN for equal weights: each worker keeps one rotating index per host source, all starting at
 * the balancer's random seed as Envoy seeds them, so two workers interleave rather than march in step.
 */
export class RoundRobinLoadBalancer implements LoadBalancer {
  private readonly indexes: Float64Array;

  constructor(sources: number, rng: Rng) {
    this.indexes = new Float64Array(sources).fill(Math.floor(rng() * 2 ** 32));
  }

  chooseHost(hosts: readonly Host[], source: number): Host | null {
    const n = hosts.length;
    if (n === 0) return null;
    const i = this.indexes[source]!;
    this.indexes[source] = i + 1;
    return hosts[i % n]!;
  }
}
