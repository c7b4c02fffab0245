import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import { EdfHostPicker } from './edf-host-picker.js';
import type { SlowStart } from './slow-start.js';

/**
 * ROUND_ROBIN (Envoy `RoundRobinLoadBalancer`). Equal weights: hosts[index++ % n], the index starting
 * at the balancer's random seed and surviving refreshes (Envoy never resets `rr_indexes_`), so each
 * worker rotates on its own. Unequal weights or slow start: EDF over weight × slow-start factor.
 */
export class RoundRobinPicker extends EdfHostPicker {
  private index: number;

  constructor(rng: Rng, slowStart: SlowStart | null = null) {
    super(rng, slowStart);
    this.index = this.seed;
  }

  protected hostWeight(host: Host, nowMs: number): number {
    return this.slowStart === null ? host.weight : this.slowStart.apply(host.weight, host, nowMs);
  }

  protected unweightedPick(hosts: readonly Host[]): Host {
    return hosts[this.index++ % hosts.length]!;
  }
}
