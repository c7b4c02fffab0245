import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import { EdfScheduler } from './edf-scheduler.js';
import { type HostPicker, hostWeightsAreEqual } from './host-picker.js';
import type { SlowStart } from './slow-start.js';
import { type RequestHash, randomUint32 } from './uint64.js';

/**
 * What ROUND_ROBIN and LEAST_REQUEST share (Envoy `EdfLoadBalancerBase`). A refresh decides once per
 * host list: when the hosts' configured weights are equal and no host is in slow start, picks use
 * the policy's unweighted rule; otherwise an EDF schedule over `hostWeight`. That choice stays until
 * the next refresh even when slow start ends meanwhile, as in Envoy.
 *
 * One instance per worker and host source. The seed is Envoy's `seed_ = random_.random()`, drawn
 * once per balancer; the EDF schedule is rebuilt from it on every refresh.
 */
export abstract class EdfHostPicker implements HostPicker {
  protected hosts: readonly Host[] = [];
  /** Envoy's uint64 `seed_`, kept to its low 32 bits: what `createWithPicks` receives. */
  protected readonly seed: number;
  private readonly scheduler = new EdfScheduler();
  private weighted = false;
  private nowMs = 0;
  /** Bound once so a pick passes it to the scheduler without allocating a closure. */
  private readonly weightOfSlot = (slot: number): number => this.hostWeight(this.hosts[slot]!, this.nowMs);

  constructor(
    rng: Rng,
    protected readonly slowStart: SlowStart | null = null,
  ) {
    this.seed = randomUint32(rng);
  }

  /** True while picks come from the EDF schedule rather than the unweighted rule. */
  get usesEdf(): boolean {
    return this.weighted;
  }

  refresh(hosts: readonly Host[], nowMs: number): void {
    this.hosts = hosts.slice();
    this.nowMs = nowMs;
    this.slowStart?.observe(this.hosts, nowMs);
    const noSlowStart = this.slowStart === null || this.slowStart.noHostsAreInSlowStart(nowMs);
    // A single host needs no schedule: it is the only answer either way.
    this.weighted = !(hostWeightsAreEqual(this.hosts) && noSlowStart) && this.hosts.length > 1;
    if (this.weighted) this.scheduler.resetWithPicks(this.hosts.length, this.weightOfSlot, this.seed);
  }

  pick(_hash: RequestHash | null, nowMs: number): Host | null {
    if (this.weighted) {
      this.nowMs = nowMs;
      return this.hosts[this.scheduler.pickAndAdd(this.weightOfSlot)]!;
    }
    return this.hosts.length === 0 ? null : this.unweightedPick(this.hosts);
  }

  /** The policy's dynamic weight, read when the host enters the schedule and each time it is re-added. */
  protected abstract hostWeight(host: Host, nowMs: number): number;

  /** The policy's rule for equal weights; `hosts` is never empty. */
  protected abstract unweightedPick(hosts: readonly Host[]): Host;
}
