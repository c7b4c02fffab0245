import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import { envoyAddressString, type HostPicker } from './host-picker.js';
import { compareUint64, type RequestHash, randomUint64, type Uint64 } from './uint64.js';
import { xxHash64 } from './xxhash64.js';

/** Envoy `RingHash` sizes; Istio sets only the minimum (`ringHash.minimumRingSize`, default 1024). */
export interface RingHashConfig {
  readonly minimumRingSize?: number;
  readonly maximumRingSize?: number;
}

export const DEFAULT_MINIMUM_RING_SIZE = 1024;
export const DEFAULT_MAXIMUM_RING_SIZE = 8 * 1024 * 1024;

/**
 * RING_HASH (Envoy `RingHashLoadBalancer::Ring`, the ketama ring). Each host gets ring points at
 * XXH64("<ip:port>_<i>"), i = 0, 1, …, as many as its normalized weight × scale, where scale makes
 * the lightest host get ceil(w_min · minimumRingSize) points (capped by the maximum). A request
 * goes to the first point whose hash is >= its own, wrapping to the first point.
 *
 * Built once per host list and shared by all workers (Envoy's thread-aware balancer). Because the
 * points per host depend on the host count, removing a host can give the others new points that
 * take keys from each other, not only the removed host's keys.
 */
export class RingHashPicker implements HostPicker {
  readonly minimumRingSize: number;
  readonly maximumRingSize: number;
  private hosts: readonly Host[] = [];
  private hashHi = new Uint32Array(0);
  private hashLo = new Uint32Array(0);
  private slot = new Int32Array(0);
  private pointIndex = new Uint32Array(0);
  private readonly noHash: Uint64 = { hi: 0, lo: 0 };

  /** @param rng draws the random hash for requests without one (see `pick`). */
  constructor(
    private readonly rng: Rng,
    config: RingHashConfig = {},
  ) {
    this.minimumRingSize = config.minimumRingSize ?? DEFAULT_MINIMUM_RING_SIZE;
    this.maximumRingSize = config.maximumRingSize ?? DEFAULT_MAXIMUM_RING_SIZE;
    if (this.minimumRingSize > this.maximumRingSize) {
      throw new RangeError(
        `ring hash: minimum_ring_size (${this.minimumRingSize}) > maximum_ring_size (${this.maximumRingSize})`,
      );
    }
  }

  /** Number of points on the ring. */
  get size(): number {
    return this.slot.length;
  }

  refresh(hosts: readonly Host[], _nowMs: number, normalizedWeights: Float64Array | null = null): void {
    this.hosts = hosts.slice();
    const n = this.hosts.length;
    let weightSum = 0;
    for (const host of this.hosts) weightSum += host.weight;
    const normalized = (s: number) => normalizedWeights?.[s] ?? this.hosts[s]!.weight / weightSum;
    let minWeight = 1;
    for (let s = 0; s < n; s++) minWeight = Math.min(minWeight, normalized(s));
    const scale =
      n === 0 ? 0 : Math.min(Math.ceil(minWeight * this.minimumRingSize) / minWeight, this.maximumRingSize);

    const hi: number[] = [];
    const lo: number[] = [];
    const slots: number[] = [];
    const points: number[] = [];
    let currentHashes = 0;
    let targetHashes = 0;
    for (let s = 0; s < n; s++) {
      const host = this.hosts[s]!;
      const prefix = `${envoyAddressString(host)}_`;
      targetHashes += scale * normalized(s);
      for (let i = 0; currentHashes < targetHashes; i++, currentHashes++) {
        const hash = xxHash64(prefix + i);
        hi.push(Number(hash >> 32n));
        lo.push(Number(hash & 0xffff_ffffn));
        slots.push(s);
        points.push(i);
      }
    }
    // Envoy's std::sort leaves equal hashes in no particular order; insertion order keeps runs repeatable.
    const order = Array.from(hi.keys()).sort(
      (a, b) => compareUint64(hi[a]!, lo[a]!, hi[b]!, lo[b]!) || a - b,
    );
    this.hashHi = Uint32Array.from(order, (k) => hi[k]!);
    this.hashLo = Uint32Array.from(order, (k) => lo[k]!);
    this.slot = Int32Array.from(order, (k) => slots[k]!);
    this.pointIndex = Uint32Array.from(order, (k) => points[k]!);
  }

  /**
   * The host for `hash`. Without a hash Envoy uses a random uint64 instead (so hosts are chosen in
   * proportion to their share of the ring); it draws that value before choosing the priority and
   * uses it for both, so a caller that models priorities passes its own draw as the hash.
   */
  pick(hash: RequestHash | null, _nowMs: number): Host | null {
    const at = this.pointFor(hash ?? randomUint64(this.rng, this.noHash));
    return at < 0 ? null : this.hosts[this.slot[at]!]!;
  }

  /** Position on the ring of the point that serves `hash`, or -1 for an empty ring. O(log n). */
  pointFor(hash: Uint64): number {
    const n = this.slot.length;
    if (n === 0) return -1;
    const { hi, lo } = hash;
    const { hashHi, hashLo } = this; // hoisted: field loads in the loop doubled the cost
    let low = 0;
    let high = n; // first index whose hash >= the request's lies in [low, high]
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midHi = hashHi[mid]!;
      if (midHi < hi || (midHi === hi && hashLo[mid]! < lo)) low = mid + 1;
      else high = mid;
    }
    return low === n ? 0 : low;
  }

  /** The host, point number i (in "<ip:port>_<i>") and hash of ring position `at`, for inspection. */
  pointAt(at: number): { host: Host; index: number; hash: bigint } {
    const host = this.hosts[this.slot[at]!]!;
    const hash = (BigInt(this.hashHi[at]!) << 32n) | BigInt(this.hashLo[at]!);
    return { host, index: this.pointIndex[at]!, hash };
  }
}
