import type { LocalityWeightModel } from '../envoy/cluster.js';
import type { Rng } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import { LocalityHosts } from './locality-hosts.js';

/** Envoy's default overprovisioning factor: a priority counts as fully available at 1/1.4 ≈ 71.4 % healthy. */
export const OVERPROVISIONING_FACTOR = 140;

/**
 * The cluster's hosts by priority, with Envoy's per-priority availability, load split and panic
 * (LoadBalancerBase::recalculatePerPriorityState / recalculatePerPriorityPanic):
 *   health_P = min(100, OPF · healthy_P / total_P)            (integer arithmetic)
 *   load_P   = min(remaining, health_P · 100 / min(100, Σ health))   top-down, leftover to the first available
 *   panic_P  = Σ health < 100 and 100 · healthy_P / total_P < panic threshold
 * Every priority in panic splits load by host count; a priority in panic balances over all its hosts.
 * Recomputed on health changes only, so a pick is a walk over a handful of integers.
 */
export class PrioritySet {
  readonly hosts: Host[][];
  /** Hosts the load balancer may use per priority: the healthy ones, or all of them in panic. */
  readonly usable: Host[][];
  readonly health: Int32Array;
  readonly load: Int32Array;
  readonly panic: Uint8Array;
  /** Hosts per locality with their effective weights, under locality-weighted balancing; else null. */
  readonly localities: LocalityHosts | null;
  /** Bumped on every recomputation, so per-worker balancers can notice a new host list. */
  version = 0;

  constructor(
    allHosts: readonly Host[],
    /** healthy_panic_threshold in percent: Envoy 50, Istio's minHealthPercent (default 0) with outlierDetection. */
    readonly panicThresholdPct: number,
    /** How many priorities the cluster can have (DNS refreshes may empty some). */
    levels = allHosts.reduce((m, h) => Math.max(m, h.priority + 1), 1),
    /** The LocalityLbEndpoints weights when locality_weighted_lb_config is set; null otherwise. */
    localityWeights: readonly LocalityWeightModel[] | null = null,
  ) {
    this.localities = localityWeights === null ? null : new LocalityHosts(localityWeights, levels);
    this.hosts = Array.from({ length: levels }, () => []);
    this.usable = Array.from({ length: levels }, () => []);
    this.health = new Int32Array(levels);
    this.load = new Int32Array(levels);
    this.panic = new Uint8Array(levels);
    this.setHosts(allHosts);
  }

  /** A new membership (DNS refresh): hosts by priority, then everything recomputed. */
  setHosts(members: readonly Host[]): void {
    for (const level of this.hosts) level.length = 0;
    for (const h of members) this.hosts[h.priority]!.push(h);
    this.recalculate();
  }

  get priorityCount(): number {
    return this.hosts.length;
  }

  /** Hosts that are healthy at `priority` (not ejected). */
  healthyAt(priority: number): Host[] {
    return this.hosts[priority]!.filter((h) => !h.ejected);
  }

  /** Recomputes availability, load and panic after any host's health changed. */
  recalculate(): void {
    const levels = this.hosts.length;
    let total = 0;
    const healthyCounts: number[] = [];
    for (let p = 0; p < levels; p++) {
      const all = this.hosts[p]!;
      const healthy = this.healthyAt(p).length;
      healthyCounts.push(healthy);
      this.health[p] =
        all.length === 0 ? 0 : Math.min(100, Math.floor((OVERPROVISIONING_FACTOR * healthy) / all.length));
      total += this.health[p]!;
    }
    const normalized = Math.min(100, total);
    this.load.fill(0);
    if (normalized > 0) {
      let remaining = 100;
      let firstAvailable = -1;
      for (let p = 0; p < levels; p++) {
        if (firstAvailable < 0 && this.health[p]! > 0) firstAvailable = p;
        const share = Math.min(remaining, Math.floor((this.health[p]! * 100) / normalized));
        this.load[p] = share;
        remaining -= share;
      }
      if (remaining > 0 && firstAvailable >= 0) this.load[firstAvailable]! += remaining;
    }
    this.recalculatePanic(normalized, healthyCounts);
    for (let p = 0; p < levels; p++) {
      this.usable[p] = this.panic[p] === 1 ? [...this.hosts[p]!] : this.healthyAt(p);
      this.localities?.recalculate(p, this.hosts[p]!, OVERPROVISIONING_FACTOR, this.panic[p] === 1);
    }
    this.version++;
  }

  private recalculatePanic(normalized: number, healthyCounts: readonly number[]): void {
    const threshold = Math.min(100, this.panicThresholdPct);
    this.panic.fill(0);
    // Panic disabled and nothing available: all load to P0, which has no usable host (503 UH).
    if (threshold === 0 && normalized === 0) {
      this.load.fill(0);
      this.load[0] = 100;
      return;
    }
    let totalPanic = true;
    for (let p = 0; p < this.hosts.length; p++) {
      const count = this.hosts[p]!.length;
      const healthyPct = count === 0 ? 0 : (100 * healthyCounts[p]!) / count;
      const inPanic = normalized !== 100 && healthyPct < threshold;
      this.panic[p] = inPanic ? 1 : 0;
      totalPanic &&= inPanic;
    }
    if (totalPanic) this.loadInTotalPanic();
  }

  /** Every priority in panic: load by host count, regardless of health (recalculateLoadInTotalPanic). */
  private loadInTotalPanic(): void {
    const total = this.hosts.reduce((s, hs) => s + hs.length, 0);
    this.load.fill(0);
    if (total === 0) {
      this.load[0] = 100;
      return;
    }
    let remaining = 100;
    let firstNonEmpty = -1;
    for (let p = 0; p < this.hosts.length; p++) {
      const n = this.hosts[p]!.length;
      if (firstNonEmpty < 0 && n > 0) firstNonEmpty = p;
      const share = Math.floor((100 * n) / total);
      this.load[p] = share;
      remaining -= share;
    }
    this.load[firstNonEmpty]! += remaining;
  }

  /** LoadBalancerBase::choosePriority: a uniform draw in 1..100 walks the cumulative loads. */
  choosePriority(rng: Rng): number {
    const draw = Math.floor(rng() * 100) + 1;
    let cumulative = 0;
    for (let p = 0; p < this.load.length; p++) {
      cumulative += this.load[p]!;
      if (draw <= cumulative) return p;
    }
    return 0;
  }
}
