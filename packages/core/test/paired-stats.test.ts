import { describe, expect, it } from 'vitest';
import { pairedInterval, studentTCritical, studentTTwoSided } from '../src/compare/paired-stats.js';

describe('Student t', () => {
  // Two-sided 95 % and 99 % critical values from any t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  it.each([
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [5, 2.5706],
    [9, 2.2622],
    [10, 2.2281],
    [29, 2.0452],
    [100, 1.984],
  ])('t(0.975, %i) = %f', (df, table) => {
    expect(studentTCritical(0.95, df)).toBeCloseTo(table, 4);
  });

  it('t(0.995, 29) = 2.7564 and t(0.95, 10) = 1.8125', () => {
    expect(studentTCritical(0.99, 29)).toBeCloseTo(2.7564, 4);
    expect(studentTCritical(0.9, 10)).toBeCloseTo(1.8125, 4);
  });

  it('the CDF has the closed forms of ν = 1 (Cauchy) and ν = 2', () => {
    for (const t of [0.1, 1, 3, 25]) {
      expect(studentTTwoSided(t, 1)).toBeCloseTo((2 / Math.PI) * Math.atan(t), 12);
      expect(studentTTwoSided(t, 2)).toBeCloseTo(t / Math.sqrt(2 + t * t), 12);
    }
  });

  it('tends to the normal: t(0.975, 100000) ≈ 1.95996', () => {
    expect(studentTCritical(0.95, 100_000)).toBeCloseTo(1.95996, 4);
  });
});

describe('pairedInterval', () => {
  it('matches the interval computed by hand', () => {
    // d = b − a = [1, 2, 2, 3]: mean 2, s² = (1 + 0 + 0 + 1)/3, s = 0.816497; t(0.975, 3) = 3.182446;
    // half width = 3.182446 · 0.816497 / √4 = 1.299228.
    const r = pairedInterval([1, 2, 3, 4], [2, 4, 5, 7]);
    expect(r.n).toBe(4);
    expect(r.meanA).toBe(2.5);
    expect(r.meanB).toBe(4.5);
    expect(r.meanDiff).toBe(2);
    expect(r.sdDiff).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(r.halfWidth).toBeCloseTo(1.299228, 6);
    expect(r.low).toBeCloseTo(0.700772, 6);
    expect(r.high).toBeCloseTo(3.299228, 6);
  });

  it('a second hand-computed case: 10 pairs, a difference whose interval straddles zero', () => {
    const a = [10, 12, 9, 11, 10, 13, 12, 9, 10, 11];
    const b = [11, 11, 10, 12, 9, 14, 12, 8, 11, 11];
    // d = [1, −1, 1, 1, −1, 1, 0, −1, 1, 0]: Σd = 2, mean 0.2; Σd² = 8, so Σ(d − 0.2)² = 8 − 10·0.04 = 7.6;
    // s = √(7.6/9) = 0.918937; t(0.975, 9) = 2.262157; half width = 2.262157 · 0.918937 / √10 = 0.657369.
    const r = pairedInterval(a, b);
    expect(r.meanDiff).toBeCloseTo(0.2, 12);
    expect(r.sdDiff).toBeCloseTo(Math.sqrt(7.6 / 9), 12);
    expect(r.halfWidth).toBeCloseTo((2.262157 * Math.sqrt(7.6 / 9)) / Math.sqrt(10), 5);
    expect(r.low).toBeLessThan(0);
    expect(r.high).toBeGreaterThan(0);
  });

  it('identical differences give a zero-width interval at their value', () => {
    const r = pairedInterval([1, 2, 3], [4, 5, 6]);
    expect([r.meanDiff, r.halfWidth, r.low, r.high]).toEqual([3, 0, 3, 3]);
  });

  it('refuses fewer than two pairs and unequal lengths', () => {
    expect(() => pairedInterval([1], [2])).toThrow(/at least 2 pairs/);
    expect(() => pairedInterval([1, 2], [2])).toThrow(/differ in length/);
  });
});
