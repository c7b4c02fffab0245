import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { LoadBalancer } from './load-balancer.js';

/** RANDOM: uniform over the host source. */
export class RandomLoadBalancer implements LoadBalancer {
  constructor(private readonly rng: Rng) {}

  chooseHost(hosts: readonly Host[], _source: number): Host | null {
    const n = hosts.length;
    return n === 0 ? null : hosts[Math.floor(this.rng() * n)]!;
  }
}
