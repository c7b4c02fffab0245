import type { LocalityWeightModel } from '../envoy/cluster.js';
import type { Host } from './host.js';

/**
 * A cluster's hosts per priority and locality under locality-weighted balancing
 * (common_lb_config.locality_weighted_lb_config), with what Envoy derives from them on every host-set
 * update:
 *   - for ROUND_ROBIN, LEAST_REQUEST and RANDOM, each locality's effective weight
 *     (HostSetImpl::effectiveLocalityWeight / LocalityWrr):
 *       weight × min(1, OPF/100 × healthy / hosts)       (floating point, unlike the priority health)
 *     which an EDF per worker turns into the locality a pick balances in;
 *   - for RING_HASH and MAGLEV, one host list per priority with each host's normalized weight
 *     (thread_aware_lb_impl normalizeLocalityWeights): hostWeight / Σ hostWeights of its locality ×
 *     localityWeight / Σ localityWeights, without the availability adjustment (an Envoy TODO).
 * Localities are numbered once; `order[p]` lists a priority's localities in Envoy's order.
 */
export class LocalityHosts {
  /** Locality names by number. */
  readonly localities: string[] = [];
  private readonly numberOf = new Map<string, number>();
  /** Per priority: the localities it has groups for, in Envoy's order. */
  readonly order: number[][];
  /** Per priority: load_balancing_weight by locality number (0 when the priority has no such group). */
  readonly weight: Float64Array[];
  /** Per priority and locality: its healthy hosts, the host source a locality pick balances over. */
  readonly healthy: Host[][][];
  /** Per priority: effective locality weight by locality number. */
  readonly effective: Float64Array[];
  /** Per priority: the hosts a hash ring is built from, and their normalized weights. */
  readonly hashHosts: Host[][];
  readonly hashWeights: Float64Array[];

  constructor(groups: readonly LocalityWeightModel[], levels: number) {
    for (const g of groups) {
      if (!this.numberOf.has(g.locality)) {
        this.numberOf.set(g.locality, this.localities.length);
        this.localities.push(g.locality);
      }
    }
    const count = this.localities.length;
    this.order = Array.from({ length: levels }, () => []);
    this.weight = Array.from({ length: levels }, () => new Float64Array(count));
    this.effective = Array.from({ length: levels }, () => new Float64Array(count));
    this.healthy = Array.from({ length: levels }, () => Array.from({ length: count }, () => []));
    this.hashHosts = Array.from({ length: levels }, () => []);
    this.hashWeights = Array.from({ length: levels }, () => new Float64Array(0));
    for (const g of groups) {
      if (g.priority >= levels) continue;
      const n = this.numberOf.get(g.locality)!;
      this.order[g.priority]!.push(n);
      this.weight[g.priority]![n] = g.weight;
    }
  }

  get count(): number {
    return this.localities.length;
  }

  /** Recomputes one priority from its hosts; `panic` makes the hash lists use every host. */
  recalculate(
    priority: number,
    hosts: readonly Host[],
    overprovisioningFactor: number,
    panic: boolean,
  ): void {
    const all: Host[][] = Array.from({ length: this.count }, () => []);
    const healthy = this.healthy[priority]!;
    for (const list of healthy) list.length = 0;
    for (const h of hosts) {
      // A host outside every group has locality weight 0 in Envoy: never reached through a locality.
      const n = this.numberOf.get(h.locality);
      if (n === undefined) continue;
      all[n]!.push(h);
      if (!h.ejected) healthy[n]!.push(h);
    }
    const weight = this.weight[priority]!;
    const effective = this.effective[priority]!;
    for (let n = 0; n < this.count; n++) {
      const total = all[n]!.length;
      effective[n] =
        total === 0
          ? 0
          : weight[n]! * Math.min(1, (overprovisioningFactor / 100) * (healthy[n]!.length / total));
    }
    this.recalculateHashWeights(priority, all, panic ? all : healthy);
  }

  /** Envoy's weights list covers the localities that have hosts; the ring takes `perLocality`'s hosts. */
  private recalculateHashWeights(
    priority: number,
    all: readonly Host[][],
    perLocality: readonly Host[][],
  ): void {
    const weight = this.weight[priority]!;
    let localitySum = 0;
    for (const n of this.order[priority]!) if (all[n]!.length > 0) localitySum += weight[n]!;
    const hosts: Host[] = [];
    const weights: number[] = [];
    if (localitySum > 0) {
      for (const n of this.order[priority]!) {
        if (weight[n] === 0) continue;
        const list = perLocality[n]!;
        const normalizedLocality = weight[n]! / localitySum;
        let hostSum = 0;
        for (const h of list) hostSum += h.weight;
        for (const h of list) {
          hosts.push(h);
          weights.push((h.weight * normalizedLocality) / hostSum);
        }
      }
    }
    this.hashHosts[priority] = hosts;
    this.hashWeights[priority] = Float64Array.from(weights);
  }
}
