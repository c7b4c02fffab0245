import { describe, expect, it } from 'vitest';
import { RandomPicker } from '../src/upstream/lb/random-picker.js';
import { uint64 } from '../src/upstream/lb/uint64.js';
import { binomialHalfWidth, countPicks, makeHosts, rngOf } from './lb-fixtures.js';

/** z for 99.9 % over all 4 hosts at once (Bonferroni: 1 − 0.001/4 per host, two-sided). */
const Z_999_OF_4 = 3.48;
/** z for 99.9 % over 2 hosts at once. */
const Z_999_OF_2 = 3.29;

describe('RANDOM', () => {
  it('spreads picks uniformly', () => {
    const hosts = makeHosts(4);
    const picker = new RandomPicker(rngOf('random'));
    picker.refresh(hosts, 0);
    const n = 40_000;
    const counts = countPicks(() => picker.pick(null, 0), n);
    for (const host of hosts) {
      expect(Math.abs(counts.get(host)! - n / 4)).toBeLessThan(binomialHalfWidth(n, 1 / 4, Z_999_OF_4));
    }
  });

  it('ignores weights, as Envoy does (hosts[random % n])', () => {
    const hosts = makeHosts(2, [1, 9]);
    const picker = new RandomPicker(rngOf('random-weights'));
    picker.refresh(hosts, 0);
    const n = 20_000;
    const counts = countPicks(() => picker.pick(null, 0), n);
    for (const host of hosts) {
      expect(Math.abs(counts.get(host)! - n / 2)).toBeLessThan(binomialHalfWidth(n, 1 / 2, Z_999_OF_2));
    }
  });

  it('takes the host from the caller\u2019s 64-bit draw as random % n', () => {
    const hosts = makeHosts(3);
    const picker = new RandomPicker(rngOf('unused'));
    picker.refresh(hosts, 0);
    expect(picker.pickWithRandom(uint64(0, 7))).toBe(hosts[1]); // 7 % 3
    expect(picker.pickWithRandom(uint64(1, 0))).toBe(hosts[1]); // 2^32 = 3 · 1431655765 + 1
    expect(picker.pickWithRandom(uint64(0xffff_ffff, 0xffff_ffff))).toBe(hosts[0]); // 2^64 − 1 ≡ 0 (mod 3)
  });

  it('answers null without hosts', () => {
    const picker = new RandomPicker(rngOf('random'));
    picker.refresh([], 0);
    expect(picker.pick(null, 0)).toBeNull();
  });
});
