import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { LoadBalancer } from './load-balancer.js';

/** RANDOM: uniform over the hosts. */
export class RandomLoadBalancer implements LoadBalancer {
  constructor(
    private readonly hosts: readonly Host[],
    private readonly rng: Rng,
  ) {}

  chooseHost(): Host | null {
    const n = this.hosts.length;
    return n === 0 ? null : this.hosts[Math.floor(this.rng() * n)]!;
  }
}
