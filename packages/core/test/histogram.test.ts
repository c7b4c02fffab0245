import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/observe/histogram.js';
import { Timeline } from '../src/observe/timeline.js';

/**
 * A small seeded generator (mulberry32) local to this file, so the data sets do not move when the
 * simulator's own random streams change. Uniform on [0, 1).
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller; `1 - u` keeps the logarithm's argument in (0, 1]. */
function normal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const N = 100_000;

function generate(n: number, seed: number, draw: (rng: () => number) => number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => draw(rng));
}

/** Data sets the histogram must summarise; none of them is tied to the histogram's bucket layout. */
const DATA_SETS: Array<{ name: string; values: number[] }> = [
  // median 40 ms, sigma 1: a typical service-time shape with a long right tail.
  { name: 'lognormal', values: generate(N, 1, (r) => 40 * Math.exp(normal(r))) },
  // mean 10 ms.
  { name: 'exponential', values: generate(N, 2, (r) => -10 * Math.log(1 - r())) },
  // Uniform in log space over 6 decades, 1 µs .. 1 s (1e-3 .. 1e3 ms).
  { name: 'log-uniform over 6 decades', values: generate(N, 3, (r) => 10 ** (6 * r() - 3)) },
  // Uniform in linear space over 6 decades, so most mass sits in the top decade.
  { name: 'uniform on [0, 1e6)', values: generate(N, 4, (r) => 1e6 * r()) },
  { name: 'constant', values: new Array<number>(N).fill(42.5) },
  // 30 % zeros (e.g. local replies), the rest exponential: p50 and above are positive.
  { name: '30 % zeros', values: generate(N, 5, (r) => (r() < 0.3 ? 0 : -10 * Math.log(1 - r()))) },
  // 60 % zeros: p50 itself is a zero and must come back as exactly 0.
  { name: '60 % zeros', values: generate(N, 6, (r) => (r() < 0.6 ? 0 : -10 * Math.log(1 - r()))) },
  // Small sets, where nearest-rank and interpolating definitions differ most.
  { name: 'seven values', values: [5, 1, 4, 2, 7, 3, 6] },
  { name: 'one value', values: [3.25] },
  { name: '1000 lognormal values', values: generate(1000, 7, (r) => 40 * Math.exp(2 * normal(r))) },
];

/** Quantiles as thousandths, so the exact rank ⌈k·n/1000⌉ is computed in integers, with no rounding. */
const QUANTILES = [
  { q: 0.5, k: 500 },
  { q: 0.9, k: 900 },
  { q: 0.99, k: 990 },
  { q: 0.999, k: 999 },
];

/** The nearest-rank quantile: the value at 1-based rank ⌈k·n/1000⌉ of the sorted data. */
function exactQuantile(sorted: readonly number[], k: number): number {
  const n = sorted.length;
  const rank = Math.max(1, Math.floor((k * n + 999) / 1000));
  return sorted[rank - 1]!;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

/** The brief's bound: 1 % relative error (the histogram promises 0.5 %); a zero must be exactly zero. */
function expectWithinOnePercent(actual: number, exact: number): void {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(0.01 * Math.abs(exact));
}

describe('LatencyHistogram quantiles', () => {
  describe.each(DATA_SETS)('$name', ({ values }) => {
    const sorted = [...values].sort((a, b) => a - b);
    const h = histogramOf(values);

    it.each(QUANTILES)('q = $q is within 1 % of the nearest-rank quantile', ({ q, k }) => {
      expectWithinOnePercent(h.quantile(q), exactQuantile(sorted, k));
    });

    it('has the exact count, min, max and mean', () => {
      let sum = 0;
      for (const v of values) sum += v;
      expect(h.count).toBe(values.length);
      expect(h.min).toBe(sorted[0]);
      expect(h.max).toBe(sorted[sorted.length - 1]);
      // The mean is a plain sum over a count; allow only floating-point summation noise.
      const mean = sum / values.length;
      expect(Math.abs(h.mean - mean)).toBeLessThanOrEqual(1e-12 * Math.abs(mean));
    });

    it('answers q = 1 with the exact maximum', () => {
      expect(h.quantile(1)).toBe(sorted[sorted.length - 1]);
    });
  });

  it('reports a zero quantile as exactly 0, not as the smallest bucket', () => {
    const h = histogramOf([0, 0, 0, 8]);
    // Rank ⌈0.5·4⌉ = 2 is a zero; rank ⌈0.9·4⌉ = 4 is 8.
    expect(h.quantile(0.5)).toBe(0);
    expectWithinOnePercent(h.quantile(0.9), 8);
  });

  it('picks rank ⌈q·n⌉, not the rank after it, on a set where they differ by far more than 1 %', () => {
    // n = 10: p50 is rank 5 (value 5), p90 is rank 9 (value 9); neighbours differ by ≥ 10 %.
    const h = histogramOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expectWithinOnePercent(h.quantile(0.5), 5);
    expectWithinOnePercent(h.quantile(0.9), 9);
    expectWithinOnePercent(h.quantile(0.99), 10);
  });

  it('answers 0 for every quantile and the mean when empty', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.mean).toBe(0);
    for (const { q } of QUANTILES) expect(h.quantile(q)).toBe(0);
  });
});

describe('LatencyHistogram.reset', () => {
  it('forgets every sample, zeros included, and the extremes', () => {
    const h = new LatencyHistogram();
    // Old data far from the new: 500 zeros and 500 values near 1e6 ms.
    for (let i = 0; i < 500; i++) h.record(0);
    for (let i = 0; i < 500; i++) h.record(1e6 + i);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.sum).toBe(0);
    expect(h.mean).toBe(0);
    expect(h.max).toBe(0);
    expect(h.min).toBe(Number.POSITIVE_INFINITY);
    expect(h.quantile(0.5)).toBe(0);

    const fresh = [10, 20, 30, 40, 50];
    for (const v of fresh) h.record(v);
    expect(h.count).toBe(5);
    expect(h.min).toBe(10);
    expect(h.max).toBe(50);
    expect(h.mean).toBe(30);
    // Had the zeros survived, p50 would be 0; had the 1e6 buckets survived, p90 would be ~1e6.
    expectWithinOnePercent(h.quantile(0.5), 30); // rank ⌈2.5⌉ = 3
    expectWithinOnePercent(h.quantile(0.9), 50); // rank ⌈4.5⌉ = 5
    expectWithinOnePercent(h.quantile(0.2), 10); // rank 1
  });

  it('clears every used bucket, so later samples above the old range are not preceded by stale counts', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 500; i++) h.record(1e6 + i); // the old data's top bucket is near 1e6
    h.reset();
    for (const v of [10, 3e6, 3e6, 3e6, 3e6]) h.record(v);
    // Rank ⌈0.5·5⌉ = 3 is 3e6; a stale count near 1e6 would be reached first and answer ~1e6.
    expectWithinOnePercent(h.quantile(0.5), 3e6);
    expectWithinOnePercent(h.quantile(0.2), 10);
  });
});

describe('LatencyHistogram memory', () => {
  it('keeps one fixed bucket array whatever the number of samples', () => {
    const h = new LatencyHistogram();
    const internals = h as unknown as { counts: Float64Array };
    const array = internals.counts;
    const length = array.length;
    expect(array).toBeInstanceOf(Float64Array);
    expect(length).toBeGreaterThan(0);
    const rng = mulberry32(11);
    // 1e6 samples over the whole supported range, 1e-6 .. 1e10 ms, and beyond it at both ends.
    let belowOneNanosecond = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const v = 10 ** (18 * rng() - 7);
      if (v < 1e-6) belowOneNanosecond++;
      h.record(v);
    }
    expect(h.count).toBe(1_000_000);
    expect(internals.counts).toBe(array);
    expect(internals.counts.length).toBe(length);
    // Every sample is counted once: in a bucket, or among the zeros when under 1 ns (1e-6 ms).
    let bucketed = 0;
    for (const c of internals.counts) bucketed += c;
    expect(bucketed).toBe(1_000_000 - belowOneNanosecond);
  });
});

describe('Timeline', () => {
  it('puts a completion at exactly 1000 ms into the second 1 s bucket', () => {
    const t = new Timeline(1000);
    t.record(999.999, 5, false);
    t.record(1000, 7, true);
    t.finish(2000);
    expect(t.points.map((p) => [p.tMs, p.requests, p.errors])).toEqual([
      [0, 1, 0],
      [1000, 1, 1],
    ]);
  });

  it('emits empty buckets between busy ones, with zeros', () => {
    const t = new Timeline(1000);
    t.record(500, 10, false);
    t.record(3500, 20, true);
    t.finish(5000);
    expect(t.points).toEqual([
      { tMs: 0, requests: 1, errors: 0, ejectedHosts: 0, p99Ms: 10 },
      { tMs: 1000, requests: 0, errors: 0, ejectedHosts: 0, p99Ms: 0 },
      { tMs: 2000, requests: 0, errors: 0, ejectedHosts: 0, p99Ms: 0 },
      { tMs: 3000, requests: 1, errors: 1, ejectedHosts: 0, p99Ms: 20 },
      { tMs: 4000, requests: 0, errors: 0, ejectedHosts: 0, p99Ms: 0 },
    ]);
  });

  it('finish() closes the buckets up to the end of the run even with no traffic', () => {
    const t = new Timeline(1000);
    t.finish(2500); // 0–1 s, 1–2 s and the partial 2–2.5 s bucket
    expect(t.points.map((p) => [p.tMs, p.requests])).toEqual([
      [0, 0],
      [1000, 0],
      [2000, 0],
    ]);
  });

  it('finish() closes the trailing bucket of requests that completed after the end (drain)', () => {
    const t = new Timeline(1000);
    t.record(100, 1, false);
    t.record(4200, 3, true); // answered during the drain after a 4 s run
    t.finish(4000);
    expect(t.points).toHaveLength(5);
    expect(t.points[4]).toEqual({ tMs: 4000, requests: 1, errors: 1, ejectedHosts: 0, p99Ms: 3 });
  });

  it('finish() does not add a bucket after the last one closed at the end', () => {
    const t = new Timeline(1000);
    t.record(1999, 1, false);
    t.finish(2000);
    expect(t.points.map((p) => p.tMs)).toEqual([0, 1000]);
  });

  it("computes each bucket's p99 from that bucket's latencies only", () => {
    const t = new Timeline(1000);
    // Bucket 0: latencies 1..100 ms, so p99 is rank 99 = 99 ms (within the histogram's 0.5 %).
    for (let i = 1; i <= 100; i++) t.record(i * 5, i, false);
    // Bucket 1: a single 2 ms request; a leak from bucket 0 would raise its p99 far above 2.
    t.record(1500, 2, false);
    t.finish(2000);
    const [first, second] = t.points;
    expect(first?.requests).toBe(100);
    expect(Math.abs(first!.p99Ms - 99)).toBeLessThanOrEqual(0.01 * 99);
    expect(second?.p99Ms).toBe(2);
  });
});

/**
 * histogram.ts `quantile` computes the rank as `Math.ceil(q * this.count)` in floating point. When q·n
 * is an integer that the product overshoots (0.07 × 100 = 7.000000000000001), the rank comes out one
 * too high, against its own contract "the value at rank ⌈q·n⌉". No effect on the report's p50/p90/p99/
 * p999 (those products are exact for every n up to 2·10^5, checked), but any other q can be a whole
 * rank off. A fix: drop a few ulps before the ceiling, e.g. `Math.ceil(q * n * (1 - 1e-12))`.
 */
describe('LatencyHistogram.quantile: nearest rank when q·n is an integer in exact arithmetic', () => {
  it('q = 0.07 of 1..100 is rank 7 (value 7), not rank 8', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    // 7 and 8 differ by 14 %, far beyond the histogram's 0.5 % bucket error.
    expect(Math.abs(h.quantile(0.07) - 7)).toBeLessThanOrEqual(0.01 * 7);
  });
});

/**
 * histogram.ts documents `quantile` as "exact at the extremes". q = 1 is (it returns max), but the
 * lowest rank is not: quantile(0) (rank 1) returns the bucket estimate clamped to at least min, which
 * can be up to 0.5 % above the minimum. Minor; either return `this.min` for rank 1 or drop the claim.
 */
describe('LatencyHistogram.quantile is exact at the low extreme, as documented', () => {
  it('quantile(0) is the minimum', () => {
    const h = new LatencyHistogram();
    h.record(1.001);
    h.record(5);
    expect(h.quantile(0)).toBe(h.min); // returns 1.005, the estimate of 1.001's bucket
  });
});
