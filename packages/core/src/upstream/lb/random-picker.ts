import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import type { HostPicker } from './host-picker.js';
import { modUint64, type RequestHash, randomUint64, type Uint64 } from './uint64.js';

/**
 * RANDOM (Envoy `RandomLoadBalancer`): hosts[r % n], ignoring weights. Envoy draws one uint64 r per
 * request and uses it twice, for the priority (r % 100 + 1) and for the host; a caller that models
 * priorities draws r once and calls `pickWithRandom`, keeping that correlation.
 */
export class RandomPicker implements HostPicker {
  private hosts: readonly Host[] = [];
  private readonly draw: Uint64 = { hi: 0, lo: 0 };

  constructor(private readonly rng: Rng) {}

  refresh(hosts: readonly Host[], _nowMs: number): void {
    this.hosts = hosts.slice();
  }

  pick(_hash: RequestHash | null, _nowMs: number): Host | null {
    return this.pickWithRandom(randomUint64(this.rng, this.draw));
  }

  /** The host for Envoy's per-request random value `random`. */
  pickWithRandom(random: Uint64): Host | null {
    const n = this.hosts.length;
    return n === 0 ? null : this.hosts[modUint64(random, n)]!;
  }
}
