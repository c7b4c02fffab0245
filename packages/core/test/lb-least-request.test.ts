import { describe, expect, it } from 'vitest';
import { LeastRequestPicker } from '../src/upstream/lb/least-request-picker.js';
import { binomialHalfWidth, countPicks, makeHosts, rngOf, scriptedRng } from './lb-fixtures.js';

/** z for a two-sided 99.9 % binomial interval. */
const Z_999 = 3.29;

describe('LEAST_REQUEST with equal weights (power of two choices)', () => {
  // Draw i of 3 hosts: floor(u · 3), so u = 0.1 → host 0, 0.5 → host 1, 0.9 → host 2.
  it('keeps the draw with fewer active requests', () => {
    const hosts = makeHosts(3);
    hosts[0]!.rqActive = 5;
    const picker = new LeastRequestPicker(scriptedRng([0, 0.1, 0.5]));
    picker.refresh(hosts, 0);
    expect(picker.pick(null, 0)).toBe(hosts[1]);
  });

  it('gives a tie to the first host drawn', () => {
    const hosts = makeHosts(3);
    const picker = new LeastRequestPicker(scriptedRng([0, 0.9, 0.5, 0.5, 0.9]));
    picker.refresh(hosts, 0);
    expect(picker.pick(null, 0)).toBe(hosts[2]);
    expect(picker.pick(null, 0)).toBe(hosts[1]);
  });

  it('draws with replacement: the busiest host wins when drawn twice', () => {
    const hosts = makeHosts(3);
    hosts[2]!.rqActive = 100;
    const picker = new LeastRequestPicker(scriptedRng([0, 0.9, 0.9]));
    picker.refresh(hosts, 0);
    expect(picker.pick(null, 0)).toBe(hosts[2]);
  });

  it('sends the always-busiest of 3 hosts (1/3)² = 1/9 of picks', () => {
    const hosts = makeHosts(3);
    hosts[0]!.rqActive = 10; // B and C stay tied at 0: each gets 4/9
    const picker = new LeastRequestPicker(rngOf('lr-busy'));
    picker.refresh(hosts, 0);
    const n = 90_000;
    const counts = countPicks(() => picker.pick(null, 0), n);
    expect(Math.abs(counts.get(hosts[0]!)! - n / 9)).toBeLessThan(binomialHalfWidth(n, 1 / 9, Z_999));
    for (const host of [hosts[1]!, hosts[2]!]) {
      expect(Math.abs(counts.get(host)! - (4 * n) / 9)).toBeLessThan(binomialHalfWidth(n, 4 / 9, Z_999));
    }
  });

  it('sends the least-loaded of 3 hosts 1 − (2/3)² = 5/9 of picks (ENVOY-SEMANTICS C.2)', () => {
    const hosts = makeHosts(3);
    hosts[1]!.rqActive = 4;
    hosts[2]!.rqActive = 4;
    const picker = new LeastRequestPicker(rngOf('lr-idle'));
    picker.refresh(hosts, 0);
    const n = 90_000;
    const counts = countPicks(() => picker.pick(null, 0), n);
    expect(Math.abs(counts.get(hosts[0]!)! - (5 * n) / 9)).toBeLessThan(binomialHalfWidth(n, 5 / 9, Z_999));
  });

  it('with choice_count 3 the busiest host needs three draws of itself: (1/3)³', () => {
    const hosts = makeHosts(3);
    hosts[0]!.rqActive = 10;
    const picker = new LeastRequestPicker(rngOf('lr-three'), { choiceCount: 3 });
    picker.refresh(hosts, 0);
    const n = 90_000;
    const counts = countPicks(() => picker.pick(null, 0), n);
    expect(Math.abs(counts.get(hosts[0]!)! - n / 27)).toBeLessThan(binomialHalfWidth(n, 1 / 27, Z_999));
  });

  it('rejects choice_count below 2 as Envoy validation does', () => {
    expect(() => new LeastRequestPicker(rngOf('x'), { choiceCount: 1 })).toThrow(RangeError);
  });
});

describe('LEAST_REQUEST with unequal weights (EDF on weight / (rq_active + 1))', () => {
  it('shares picks by effective weight: weights 1 and 3 with 0 and 1 active → 1 : 1.5', () => {
    const hosts = makeHosts(2, [1, 3]);
    hosts[1]!.rqActive = 1;
    const picker = new LeastRequestPicker(rngOf('lr-weighted'));
    picker.refresh(hosts, 0);
    expect(picker.usesEdf).toBe(true);
    // Effective weights 1/1 and 3/2: ideal 2000 and 3000 of 5000; EDF keeps each end within one pick.
    const counts = countPicks(() => picker.pick(null, 0), 5000);
    expect(Math.abs(counts.get(hosts[0]!)! - 2000)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts.get(hosts[1]!)! - 3000)).toBeLessThanOrEqual(2);
  });

  it('bias 0 ignores active requests; bias 2 squares them', () => {
    const hosts = makeHosts(2, [1, 4]);
    hosts[1]!.rqActive = 1;
    const flat = new LeastRequestPicker(rngOf('lr-b0'), { activeRequestBias: 0 });
    flat.refresh(hosts, 0);
    const flatCounts = countPicks(() => flat.pick(null, 0), 5000); // 1 : 4
    expect(Math.abs(flatCounts.get(hosts[1]!)! - 4000)).toBeLessThanOrEqual(2);
    const steep = new LeastRequestPicker(rngOf('lr-b2'), { activeRequestBias: 2 });
    steep.refresh(hosts, 0);
    const steepCounts = countPicks(() => steep.pick(null, 0), 5000); // 1 : 4/2² = 1 : 1
    expect(Math.abs(steepCounts.get(hosts[1]!)! - 2500)).toBeLessThanOrEqual(2);
  });

  it('recomputes only the picked host, when it is re-added: a new load waits for its next pick', () => {
    // Seed 0 → no pre-picks: A (w 1) due at 1, B (w 2) due at 0.5. B then gets 3 active requests.
    // B's old deadline still wins the first pick; re-added at 2/(3+1) it is due at 0.5 + 2 = 2.5,
    // while A runs 1 → 2 → 3 → 4: B A A B A A B. A full recompute would have started with A.
    const hosts = makeHosts(2, [1, 2]);
    const picker = new LeastRequestPicker(scriptedRng([0]));
    picker.refresh(hosts, 0);
    hosts[1]!.rqActive = 3;
    const sequence = Array.from({ length: 7 }, () => (picker.pick(null, 0) === hosts[0] ? 'A' : 'B'));
    expect(sequence.join('')).toBe('BAABAAB');
  });
});
