import type { SlowStartConfig } from '../../envoy/load-balancing.js';
import type { Host } from '../host.js';

/**
 * When each host last became healthy: Envoy's `Host::lastHcPassTime`. Without active health checks
 * (Istio sets none for ServiceEntries) the first balancer that sees a healthy host stamps it with
 * the current time and nothing resets it later, not even an outlier ejection. It belongs to the
 * host, so one instance serves every worker of a cluster.
 */
export class HostWarmupClock {
  private readonly since = new Map<Host, number>();

  /** @param isHealthy Envoy's `coarseHealth() == Healthy`; only healthy hosts get stamped or warmed. */
  constructor(readonly isHealthy: (host: Host) => boolean = () => true) {}

  /** The stamp, or undefined when the host was never seen healthy. */
  lastHcPassTimeMs(host: Host): number | undefined {
    return this.since.get(host);
  }

  stamp(host: Host, nowMs: number): void {
    this.since.set(host, nowMs);
  }

  /** Forgets hosts that left the cluster, so a re-added address warms up again (a new Host in Envoy). */
  forget(host: Host): void {
    this.since.delete(host);
  }
}

/**
 * Slow start of one worker's balancer (Envoy `EdfLoadBalancerBase`): a host within the window after
 * it became healthy has its weight scaled by max(minWeight, (t / window)^(1 / aggression)), t
 * counted in whole milliseconds and at least 1 ms. The balancer also remembers the latest warm-up
 * start it saw; while that is within the window, weights are treated as unequal (EDF, even for
 * LEAST_REQUEST) because some host is "in slow start". Envoy starts that clock when the balancer
 * is created, so every host present at start-up warms up too.
 */
export class SlowStart {
  readonly windowMs: number;
  readonly aggression: number;
  readonly minWeight: number;
  private latestHostAddedMs: number;

  constructor(
    config: SlowStartConfig,
    readonly clock: HostWarmupClock,
    createdAtMs: number,
  ) {
    this.windowMs = Math.max(0, config.slowStartWindowMs);
    const aggression = config.aggression ?? 1;
    this.aggression = aggression > 0 ? aggression : 1; // NaN fails the comparison too
    this.minWeight = (config.minWeightPercent ?? 10) / 100;
    this.latestHostAddedMs = createdAtMs;
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** Envoy `recalculateHostsInSlowStart`, run for each host list on refresh and on members added. */
  observe(hosts: readonly Host[], nowMs: number): void {
    if (!this.enabled) return;
    for (const host of hosts) {
      if (!this.clock.isHealthy(host)) continue;
      const stamped = this.clock.lastHcPassTimeMs(host);
      const since = stamped ?? nowMs;
      if (stamped === undefined) this.clock.stamp(host, nowMs);
      if (since > this.latestHostAddedMs && Math.trunc(nowMs - since) <= this.windowMs) {
        this.latestHostAddedMs = since;
      }
    }
  }

  /** Envoy `noHostsAreInSlowStart`. */
  noHostsAreInSlowStart(nowMs: number): boolean {
    return !this.enabled || Math.trunc(nowMs - this.latestHostAddedMs) > this.windowMs;
  }

  /** The weight multiplier for `host` now: 1 outside its window (Envoy `applySlowStartFactor`). */
  factor(host: Host, nowMs: number): number {
    const since = this.clock.lastHcPassTimeMs(host);
    if (since === undefined || !this.clock.isHealthy(host)) return 1;
    const inHealthyStateMs = Math.trunc(nowMs - since);
    if (inHealthyStateMs >= this.windowMs) return 1;
    const timeFactor = Math.max(1, inHealthyStateMs) / this.windowMs;
    const scaled = this.aggression === 1 ? timeFactor : timeFactor ** (1 / this.aggression);
    return Math.max(scaled, this.minWeight);
  }

  /** What Envoy's `hostWeight` does with a weight: scaled only while some host is in slow start. */
  apply(weight: number, host: Host, nowMs: number): number {
    return this.noHostsAreInSlowStart(nowMs) ? weight : weight * this.factor(host, nowMs);
  }
}
