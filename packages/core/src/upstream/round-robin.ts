import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { LoadBalancer } from './load-balancer.js';

/**
 * ROUND_ROBIN for equal weights: each worker rotates over the hosts on its own, starting at a random
 * index as Envoy seeds it, so two workers interleave rather than march in step.
 */
export class RoundRobinLoadBalancer implements LoadBalancer {
  private next: number;

  constructor(
    private readonly hosts: readonly Host[],
    rng: Rng,
  ) {
    this.next = Math.floor(rng() * Math.max(1, hosts.length));
  }

  chooseHost(): Host | null {
    const n = this.hosts.length;
    if (n === 0) return null;
    const host = this.hosts[this.next % n]!;
    this.next = (this.next + 1) % n;
    return host;
  }
}
