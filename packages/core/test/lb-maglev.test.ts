import { describe, expect, it } from 'vitest';
import type { Host } from '../src/upstream/host.js';
import { MaglevPicker } from '../src/upstream/lb/maglev.js';
import { randomUint64, uint64 } from '../src/upstream/lb/uint64.js';
import { hostAt, makeHosts, rngOf } from './lb-fixtures.js';

const M = 65_537;

function tableOf(hosts: readonly Host[], tableSize?: number): MaglevPicker {
  const maglev = new MaglevPicker(rngOf('maglev'), tableSize === undefined ? {} : { tableSize });
  maglev.refresh(hosts, 0);
  return maglev;
}

/** The table as host indices (Host.index), slot by slot. */
function slots(maglev: MaglevPicker): number[] {
  return Array.from({ length: maglev.tableSize }, (_, s) => maglev.hostAt(s)!.index);
}

function entriesPerHost(maglev: MaglevPicker): Map<number, number> {
  const counts = new Map<number, number>();
  for (const i of slots(maglev)) counts.set(i, (counts.get(i) ?? 0) + 1);
  return counts;
}

describe('MAGLEV table (Envoy MaglevTable)', () => {
  // Envoy's own tests (maglev_lb_test.cc) with hosts 127.0.0.1:90–95.
  const envoyHosts = [90, 91, 92, 93, 94, 95].map((port, i) => hostAt('127.0.0.1', port, 1, i));

  it('builds the table Envoy expects for its Basic test (size 7)', () => {
    expect(slots(tableOf(envoyHosts, 7))).toEqual([2, 4, 0, 1, 5, 0, 3]);
  });

  it('builds the table Envoy expects for its Weighted test (weights 1 and 2, size 17)', () => {
    const weighted = [hostAt('127.0.0.1', 90, 1, 0), hostAt('127.0.0.1', 91, 2, 1)];
    expect(slots(tableOf(weighted, 17))).toEqual([1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
  });

  it('does not depend on the order the hosts arrive in (Envoy sorts by address)', () => {
    const shuffled = [
      envoyHosts[3]!,
      envoyHosts[0]!,
      envoyHosts[5]!,
      envoyHosts[1]!,
      envoyHosts[4]!,
      envoyHosts[2]!,
    ];
    expect(slots(tableOf(shuffled, 7))).toEqual([2, 4, 0, 1, 5, 0, 3]);
  });

  it('looks up table[hash mod size] over the full 64-bit hash', () => {
    const maglev = tableOf(envoyHosts, 7);
    expect(maglev.pick(uint64(0, 10), 0)).toBe(envoyHosts[1]); // 10 mod 7 = 3, as in Envoy's retry test
    expect(maglev.pick(uint64(1, 0), 0)).toBe(envoyHosts[5]); // 2^32 = 8^10·4 ≡ 4 (mod 7)
    expect(maglev.pick(uint64(0xffff_ffff, 0xffff_ffff), 0)).toBe(envoyHosts[4]); // 2^64 = 8^21·2 ≡ 2, minus 1
  });

  it('requires a prime table size', () => {
    expect(() => new MaglevPicker(rngOf('m'), { tableSize: 8 })).toThrow('must be prime number');
    expect(() => new MaglevPicker(rngOf('m'), { tableSize: 5_000_023 })).toThrow('must be prime number');
    expect(new MaglevPicker(rngOf('m')).tableSize).toBe(M);
  });

  it('answers null without hosts, and without a hash uses a random 64-bit value', () => {
    expect(tableOf([]).pick(uint64(0, 1), 0)).toBeNull();
    const maglev = new MaglevPicker(rngOf('no-hash'));
    maglev.refresh(makeHosts(5), 0);
    const same = rngOf('no-hash');
    for (let i = 0; i < 100; i++) {
      expect(maglev.pick(null, 0)).toBe(maglev.pick(randomUint64(same, { hi: 0, lo: 0 }), 0));
    }
  });
});

describe('MAGLEV balance and stability', () => {
  it('fills every slot, and equal hosts hold floor(M/N) or ceil(M/N) entries each', () => {
    // Each round every host claims one slot, so shares differ by at most the last, partial round.
    for (const n of [2, 3, 7, 10, 64]) {
      const counts = entriesPerHost(tableOf(makeHosts(n)));
      expect(counts.size).toBe(n);
      for (const c of counts.values()) {
        expect(c === Math.floor(M / n) || c === Math.ceil(M / n), `n=${n}: ${c}`).toBe(true);
      }
    }
  });

  it('weighted hosts hold M·w/W entries within 1 + N', () => {
    // A host of weight w takes its k-th turn in the first round r with r·w >= (k−1)·w_max, so after
    // R rounds it holds R·w/w_max + δ with δ in (−1, 1]; normalizing by M leaves |error| < 1 + N·w/W.
    const weights = [1, 2, 3, 10];
    const counts = entriesPerHost(tableOf(makeHosts(4, weights)));
    weights.forEach((w, i) => {
      expect(Math.abs(counts.get(i)! - (M * w) / 16)).toBeLessThan(1 + weights.length);
    });
  });

  it('removing one of 10 hosts moves its own entries and disturbs fewer others than it had', () => {
    // Maglev promises only minimal disruption (paper §3.4): survivors' slots change when the fill
    // order cascades. We check the paper's claim in the form "less than the removed host's share".
    const hosts = makeHosts(10);
    const before = slots(tableOf(hosts));
    const after = slots(tableOf(hosts.filter((h) => h.index !== 4)));
    let own = 0;
    let others = 0;
    before.forEach((was, s) => {
      if (was === 4) own++;
      else if (after[s] !== was) others++;
    });
    expect(own).toBeGreaterThanOrEqual(Math.floor(M / 10));
    expect(after.includes(4)).toBe(false);
    expect(others).toBeLessThan(own);
  });
});
