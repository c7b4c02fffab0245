import { describe, expect, it } from 'vitest';
import { RoundRobinPicker } from '../src/upstream/lb/round-robin-picker.js';
import { makeHosts, rngOf, scriptedRng } from './lb-fixtures.js';

const TWO_POW_32 = 2 ** 32;

describe('ROUND_ROBIN with equal weights', () => {
  it('rotates through the hosts in order, starting at the seed Envoy draws per balancer', () => {
    const hosts = makeHosts(5);
    const picker = new RoundRobinPicker(rngOf('rr'));
    picker.refresh(hosts, 0);
    // The same stream's first draw is the seed; Envoy starts at hosts[seed % n].
    const start = Math.floor(rngOf('rr')() * TWO_POW_32) % 5;
    const picked = Array.from({ length: 12 }, () => picker.pick(null, 0));
    expect(picked).toEqual(Array.from({ length: 12 }, (_, i) => hosts[(start + i) % 5]));
    expect(picker.usesEdf).toBe(false);
  });

  it('keeps counting across a refresh (Envoy never resets rr_indexes_)', () => {
    const picker = new RoundRobinPicker(scriptedRng([7 / TWO_POW_32])); // seed 7
    picker.refresh(makeHosts(4), 0);
    for (let i = 0; i < 5; i++) picker.pick(null, 0); // index 7 … 11
    const three = makeHosts(3);
    picker.refresh(three, 1000);
    expect(picker.pick(null, 1000)).toBe(three[12 % 3]);
    expect(picker.pick(null, 1000)).toBe(three[13 % 3]);
  });

  it('answers null without hosts and the host itself with one', () => {
    const picker = new RoundRobinPicker(rngOf('rr'));
    picker.refresh([], 0);
    expect(picker.pick(null, 0)).toBeNull();
    const [only] = makeHosts(1, [5]);
    picker.refresh([only!], 0);
    expect(picker.pick(null, 0)).toBe(only);
    expect(picker.usesEdf).toBe(false);
  });

  it('two workers seeded differently rotate out of step', () => {
    const hosts = makeHosts(4);
    const a = new RoundRobinPicker(scriptedRng([0]));
    const b = new RoundRobinPicker(scriptedRng([2 / TWO_POW_32]));
    a.refresh(hosts, 0);
    b.refresh(hosts, 0);
    expect([a.pick(null, 0), b.pick(null, 0)]).toEqual([hosts[0], hosts[2]]);
  });
});

describe('ROUND_ROBIN with unequal weights (EDF)', () => {
  it('weights 1, 2, 3 pick exactly 1:2:3 in every block of 6 from a zero seed', () => {
    const hosts = makeHosts(3, [1, 2, 3]);
    const picker = new RoundRobinPicker(scriptedRng([0]));
    picker.refresh(hosts, 0);
    expect(picker.usesEdf).toBe(true);
    for (let block = 0; block < 500; block++) {
      const counts = [0, 0, 0];
      for (let i = 0; i < 6; i++) counts[picker.pick(null, 0)!.index]!++;
      expect(counts, `block ${block}`).toEqual([1, 2, 3]);
    }
  });

  it('from any seed, every window of 6 picks is within one pick of 1:2:3', () => {
    // EDF keeps each host within one pick of its ideal share at every prefix, so a window of 6
    // drifts by at most one from (1, 2, 3) when its start falls mid-cycle or float sums reorder a tie.
    const hosts = makeHosts(3, [1, 2, 3]);
    const picker = new RoundRobinPicker(rngOf('rr-weighted'));
    picker.refresh(hosts, 0);
    const sequence = Array.from({ length: 3000 }, () => picker.pick(null, 0)!.index);
    for (let start = 0; start + 6 <= sequence.length; start++) {
      const counts = [0, 0, 0];
      for (const i of sequence.slice(start, start + 6)) counts[i]!++;
      counts.forEach((c, i) => {
        expect(Math.abs(c - (i + 1)), `window at ${start}`).toBeLessThanOrEqual(1);
      });
    }
    const totals = [0, 0, 0];
    for (const i of sequence) totals[i]!++;
    // Over 3000 picks the ideal is 500/1000/1500; each end of the run is within one pick of ideal.
    totals.forEach((t, i) => {
      expect(Math.abs(t - 500 * (i + 1))).toBeLessThanOrEqual(2);
    });
  });

  it('restarts the schedule at the same seeded point on every refresh', () => {
    const hosts = makeHosts(4, [1, 2, 3, 4]);
    const picker = new RoundRobinPicker(rngOf('rr-restart'));
    picker.refresh(hosts, 0);
    const first = Array.from({ length: 20 }, () => picker.pick(null, 0));
    picker.refresh(hosts, 5000);
    const again = Array.from({ length: 20 }, () => picker.pick(null, 5000));
    expect(again).toEqual(first);
  });
});
