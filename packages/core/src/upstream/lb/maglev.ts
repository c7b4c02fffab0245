import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import { envoyAddressString, type HostPicker } from './host-picker.js';
import { modUint64, type RequestHash, randomUint64, type Uint64 } from './uint64.js';
import { xxHash64 } from './xxhash64.js';

/** Envoy `Maglev` settings; Istio sets `maglev.tableSize` when non-zero. */
export interface MaglevConfig {
  readonly tableSize?: number;
}

/** Envoy's default, the prime the Maglev paper recommends (section 5.3). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65_537;
/** Envoy's proto bound on `table_size`. */
export const MAX_MAGLEV_TABLE_SIZE = 5_000_011;

/**
 * MAGLEV (Envoy `MaglevTable`, the Maglev paper's listing 1). Hosts sorted by their key
 * "<ip:port>" take turns claiming the next free slot of their own permutation
 * (offset + skip · j) mod M, with offset = XXH64(key, 0) mod M and skip = XXH64(key, 1) mod (M − 1) + 1;
 * a host of normalized weight w takes a turn every w_max / w rounds. A request goes to
 * table[hash mod M]. Built once per host list and shared by all workers.
 */
export class MaglevPicker implements HostPicker {
  readonly tableSize: number;
  private hosts: readonly Host[] = [];
  private table = new Int32Array(0);
  private readonly noHash: Uint64 = { hi: 0, lo: 0 };

  /** @param rng draws the random hash for requests without one (see `pick`). */
  constructor(
    private readonly rng: Rng,
    config: MaglevConfig = {},
  ) {
    this.tableSize = config.tableSize ?? DEFAULT_MAGLEV_TABLE_SIZE;
    if (!isPrime(this.tableSize) || this.tableSize > MAX_MAGLEV_TABLE_SIZE) {
      throw new RangeError(`The table size of maglev must be prime number, got ${this.tableSize}`);
    }
  }

  refresh(hosts: readonly Host[], _nowMs: number, normalizedWeights: Float64Array | null = null): void {
    this.hosts = hosts.slice();
    const n = this.hosts.length;
    const m = this.tableSize;
    this.table = new Int32Array(n === 0 ? 0 : m).fill(-1);
    if (n === 0) return;

    let weightSum = 0;
    for (const host of this.hosts) weightSum += host.weight;
    const keys = this.hosts.map(envoyAddressString);
    // The fill order must not depend on the order hosts arrive in: Envoy sorts by key.
    const byKey = Array.from(keys.keys()).sort((a, b) =>
      keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b,
    );
    const bigM = BigInt(m);
    const offset = byKey.map((s) => Number(xxHash64(keys[s]!, 0n) % bigM));
    const skip = byKey.map((s) => Number(xxHash64(keys[s]!, 1n) % (bigM - 1n)) + 1);
    const weight = byKey.map((s) => normalizedWeights?.[s] ?? this.hosts[s]!.weight / weightSum);
    const maxWeight = Math.max(...weight);
    const target = new Float64Array(n);
    const next = new Float64Array(n);

    let filled = 0;
    for (let round = 1; filled < m; round++) {
      for (let e = 0; e < n && filled < m; e++) {
        if (round * weight[e]! < target[e]!) continue; // not this host's turn yet
        target[e] = target[e]! + maxWeight;
        let j = next[e]!;
        let c = (offset[e]! + skip[e]! * j) % m;
        while (this.table[c] !== -1) {
          j++;
          c = (offset[e]! + skip[e]! * j) % m;
        }
        this.table[c] = byKey[e]!;
        next[e] = j + 1;
        filled++;
      }
    }
  }

  /**
   * The host for `hash`. Without a hash Envoy uses a random uint64 instead, drawn before choosing the
   * priority and used for both; a caller that models priorities passes its own draw as the hash.
   */
  pick(hash: RequestHash | null, _nowMs: number): Host | null {
    if (this.table.length === 0) return null;
    return this.hosts[this.table[modUint64(hash ?? randomUint64(this.rng, this.noHash), this.tableSize)]!]!;
  }

  /** The host at table slot `slot`, for inspection. */
  hostAt(slot: number): Host | null {
    const s = this.table[slot];
    return s === undefined || s < 0 ? null : this.hosts[s]!;
  }
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
