import type { ClusterModel } from '../envoy/cluster.js';
import type { RandomStreams } from '../kernel/random-streams.js';
import type { Host } from './host.js';
import type { HostPicker } from './lb/host-picker.js';
import { LeastRequestPicker } from './lb/least-request-picker.js';
import { MaglevPicker } from './lb/maglev.js';
import { RandomPicker } from './lb/random-picker.js';
import { RingHashPicker } from './lb/ring-hash.js';
import { RoundRobinPicker } from './lb/round-robin-picker.js';
import { HostWarmupClock, SlowStart } from './lb/slow-start.js';

/**
 * The cluster's balancing algorithm, instantiated as Envoy does: ROUND_ROBIN, LEAST_REQUEST and
 * RANDOM are thread-local (one picker per worker and host source); RING_HASH and MAGLEV are
 * thread-aware (one table per host source, shared by every worker). Each picker refreshes lazily
 * when the priority set's version moves.
 */
export class HostPickers {
  readonly shared: boolean;
  private readonly pickers: HostPicker[] = [];
  private readonly versions: Float64Array;

  constructor(
    model: ClusterModel,
    workers: number,
    readonly sources: number,
    streams: RandomStreams,
  ) {
    this.shared = model.lbPolicy === 'RING_HASH' || model.lbPolicy === 'MAGLEV';
    const clock = new HostWarmupClock();
    const sets = this.shared ? 1 : workers;
    for (let w = 0; w < sets; w++) {
      const rng = streams.get(`lb/${model.name}/worker-${w}`);
      const slowStart = model.slowStart === null ? null : new SlowStart(model.slowStart, clock, 0);
      for (let s = 0; s < sources; s++) {
        switch (model.lbPolicy) {
          case 'ROUND_ROBIN':
            this.pickers.push(new RoundRobinPicker(rng, slowStart));
            break;
          case 'RANDOM':
            this.pickers.push(new RandomPicker(rng));
            break;
          case 'RING_HASH':
            this.pickers.push(new RingHashPicker(rng, { minimumRingSize: model.hashTableSize }));
            break;
          case 'MAGLEV':
            this.pickers.push(new MaglevPicker(rng, { tableSize: model.hashTableSize }));
            break;
          default:
            this.pickers.push(new LeastRequestPicker(rng, model.leastRequest ?? {}, slowStart));
        }
      }
    }
    this.versions = new Float64Array(this.pickers.length).fill(-1);
  }

  /**
   * The picker for `worker` and `source`, refreshed if the host lists changed since its last use;
   * `normalizedWeights` as HostPicker.refresh takes them.
   */
  get(
    worker: number,
    source: number,
    version: number,
    hosts: readonly Host[],
    nowMs: number,
    normalizedWeights: Float64Array | null = null,
  ): HostPicker {
    const slot = (this.shared ? 0 : worker) * this.sources + source;
    const picker = this.pickers[slot]!;
    if (this.versions[slot] !== version) {
      picker.refresh(hosts, nowMs, normalizedWeights);
      this.versions[slot] = version;
    }
    return picker;
  }
}
