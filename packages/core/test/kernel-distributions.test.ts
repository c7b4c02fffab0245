import {
  Bernoulli,
  Constant,
  type Distribution,
  Empirical,
  Exponential,
  LogNormal,
  Normal,
  RandomStreams,
  Uniform,
  Z_99,
} from '@meshsim/core/kernel';
import { describe, expect, it } from 'vitest';

/**
 * Every statistical check below uses a fixed seed, so it is deterministic; its tolerance is a 4σ bound
 * from the math (two-sided, about 6e-5 chance of a false alarm for a correct sampler on a fresh seed).
 */
const SEED = 20_240_601;

function sampleOf(d: Distribution, stream: string, n: number): Float64Array {
  const rng = new RandomStreams(SEED).get(stream);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sdOf(xs: Float64Array): number {
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** |sample mean − μ| < 4σ/√n (central limit theorem). */
function expectMeanNear(xs: Float64Array, mu: number, sigma: number): void {
  expect(Math.abs(meanOf(xs) - mu), `mean ${meanOf(xs)} vs ${mu}`).toBeLessThan(
    (4 * sigma) / Math.sqrt(xs.length),
  );
}

/**
 * The sample q-quantile is the order statistic of rank k = ⌈nq⌉. The number of draws below the true
 * quantile x_p is Binomial(n, p), so X₍ₖ₎ falls below x_(q−δ) or above x_(q+δ), with
 * δ = 4·√(q(1−q)/n), only when that count is about 4 binomial standard deviations off. The bound is
 * the rank interval mapped through the true quantile function.
 */
function expectQuantilesWithinRankBounds(
  xs: Float64Array,
  trueQuantile: (p: number) => number,
  qs: readonly number[],
): void {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  for (const q of qs) {
    const sampleQuantile = sorted[Math.ceil(n * q) - 1]!;
    const delta = 4 * Math.sqrt((q * (1 - q)) / n);
    const lo = trueQuantile(Math.max(q - delta, 0));
    const hi = trueQuantile(Math.min(q + delta, 1));
    expect(sampleQuantile, `p${q * 100} = ${sampleQuantile}, bounds [${lo}, ${hi}]`).toBeGreaterThanOrEqual(
      lo,
    );
    expect(sampleQuantile, `p${q * 100} = ${sampleQuantile}, bounds [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
  }
}

/** Standard normal quantile, P. J. Acklam's rational approximation (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const tail = (t: number) =>
    (((((c0 * t + c1) * t + c2) * t + c3) * t + c4) * t + c5) / ((((d0 * t + d1) * t + d2) * t + d3) * t + 1);
  const pLow = 0.02425;
  if (p < pLow) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - pLow) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

describe('Constant', () => {
  it('always returns its value, which is also its mean', () => {
    for (const value of [0, 12.5, -3]) {
      const d = new Constant(value);
      expect(d.mean).toBe(value);
      expect(new Set(sampleOf(d, 'constant', 1000))).toEqual(new Set([value]));
    }
  });
});

describe('Uniform', () => {
  const n = 100_000;
  const d = new Uniform(10, 30);
  const xs = sampleOf(d, 'uniform', n);

  it('stays in [min, max) and reaches both ends', () => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of xs) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(10);
    expect(max).toBeLessThan(30);
    // P(no draw within ε·width of an end) = (1 − ε)^n; ε = 20/n makes that e^−20.
    expect(min).toBeLessThan(10 + (20 * 20) / n);
    expect(max).toBeGreaterThan(30 - (20 * 20) / n);
  });

  it('has the mean and quantiles of U[10, 30)', () => {
    expect(d.mean).toBe(20);
    expectMeanNear(xs, 20, 20 / Math.sqrt(12)); // σ = (max − min)/√12
    expectQuantilesWithinRankBounds(xs, (p) => 10 + 20 * p, [0.1, 0.5, 0.9]);
  });

  it('with min = max is that constant', () => {
    expect(new Set(sampleOf(new Uniform(5, 5), 'uniform-degenerate', 100))).toEqual(new Set([5]));
  });
});

describe('Exponential', () => {
  it('has mean m within 4σ/√n (σ = m) and the quantiles −m·ln(1 − p)', () => {
    const n = 200_000;
    const m = 25;
    const d = new Exponential(m);
    expect(d.mean).toBe(m);
    const xs = sampleOf(d, 'exponential', n);
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expectMeanNear(xs, m, m);
    expectQuantilesWithinRankBounds(xs, (p) => -m * Math.log(1 - p), [0.1, 0.5, 0.9, 0.99, 0.999]);
  });
});

describe('Normal', () => {
  const n = 200_000;
  const mu = 100;
  const sigma = 15;
  const xs = sampleOf(new Normal(mu, sigma), 'normal', n);

  it('has mean μ within 4σ/√n and sd σ within 4σ/√(2(n−1))', () => {
    expectMeanNear(xs, mu, sigma);
    // For normal data Var(s) ≈ σ²/(2(n−1)).
    expect(Math.abs(sdOf(xs) - sigma)).toBeLessThan((4 * sigma) / Math.sqrt(2 * (n - 1)));
  });

  it('has normal quantiles μ + σ·Φ⁻¹(p)', () => {
    expectQuantilesWithinRankBounds(xs, (p) => mu + sigma * normalQuantile(p), [0.01, 0.16, 0.5, 0.84, 0.99]);
  });

  it('with sd 0 is its mean', () => {
    expect(new Set(sampleOf(new Normal(3, 0), 'normal-degenerate', 100))).toEqual(new Set([3]));
  });
});

describe('LogNormal', () => {
  const median = 40;
  const p99 = 200;
  const d = new LogNormal(median, p99);

  it('derives μ and σ from the median and p99', () => {
    // Z_99 is Φ⁻¹(0.99); the approximation is good to ~1e-9 relative.
    expect(Math.abs(Z_99 - normalQuantile(0.99))).toBeLessThan(1e-8);
    expect(d.mu).toBeCloseTo(Math.log(median), 12);
    expect(d.sigma).toBeCloseTo(Math.log(p99 / median) / Z_99, 12);
    expect(d.mean).toBeCloseTo(Math.exp(d.mu + d.sigma ** 2 / 2), 10);
  });

  it('has the median and p99 it was given, within order-statistic rank bounds', () => {
    const n = 200_000;
    const xs = sampleOf(d, 'lognormal', n);
    const trueQuantile = (p: number) => Math.exp(d.mu + d.sigma * normalQuantile(p));
    expect(trueQuantile(0.5)).toBeCloseTo(median, 9);
    expect(trueQuantile(0.99)).toBeCloseTo(p99, 6);
    expectQuantilesWithinRankBounds(xs, trueQuantile, [0.5, 0.99]);
    expectQuantilesWithinRankBounds(xs, trueQuantile, [0.1, 0.9, 0.999]);
    // Mean: sd of a lognormal is mean·√(e^{σ²} − 1).
    expectMeanNear(xs, d.mean, d.mean * Math.sqrt(Math.expm1(d.sigma ** 2)));
  });

  it('with p99 = median is that constant', () => {
    for (const x of sampleOf(new LogNormal(40, 40), 'lognormal-degenerate', 100))
      expect(x).toBeCloseTo(40, 10);
  });
});

describe('Bernoulli', () => {
  it('returns 1 with frequency p within 4·√(p(1−p)/n)', () => {
    const n = 100_000;
    for (const p of [0.3, 0.02]) {
      const d = new Bernoulli(p);
      expect(d.mean).toBe(p);
      const xs = sampleOf(d, `bernoulli-${p}`, n);
      expect(xs.every((x) => x === 0 || x === 1)).toBe(true);
      expect(Math.abs(meanOf(xs) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('with p = 0 never fires and with p = 1 always does', () => {
    expect(new Set(sampleOf(new Bernoulli(0), 'bernoulli-0', 10_000))).toEqual(new Set([0]));
    expect(new Set(sampleOf(new Bernoulli(1), 'bernoulli-1', 10_000))).toEqual(new Set([1]));
  });
});

describe('Empirical', () => {
  const table = [
    [0, 5],
    [50, 40],
    [90, 100],
    [99, 200],
    [100, 900],
  ] as const;
  const d = new Empirical(table);

  /** The table's quantile function, written independently: linear between listed percentiles. */
  const tableQuantile = (p: number): number => {
    for (let i = 1; i < table.length; i++) {
      const [q0, v0] = table[i - 1]!;
      const [q1, v1] = table[i]!;
      if (p <= q1 / 100) return v0 + ((p - q0 / 100) / ((q1 - q0) / 100)) * (v1 - v0);
    }
    return table[table.length - 1]![1];
  };

  /** Each segment is uniform on [a, b] with probability w: E[X] = Σ w(a+b)/2, E[X²] = Σ w(a²+ab+b²)/3. */
  const moments = () => {
    let m1 = 0;
    let m2 = 0;
    for (let i = 1; i < table.length; i++) {
      const [q0, a] = table[i - 1]!;
      const [q1, b] = table[i]!;
      const w = (q1 - q0) / 100;
      m1 += (w * (a + b)) / 2;
      m2 += (w * (a * a + a * b + b * b)) / 3;
    }
    return { mean: m1, sd: Math.sqrt(m2 - m1 * m1) };
  };

  it('has the analytic mean of its table', () => {
    // 0.5·(5+40)/2 + 0.4·(40+100)/2 + 0.09·(100+200)/2 + 0.01·(200+900)/2 = 11.25 + 28 + 13.5 + 5.5
    expect(d.mean).toBeCloseTo(58.25, 10);
    expect(moments().mean).toBeCloseTo(58.25, 10);
  });

  it('reproduces the table: sampled percentiles within rank bounds, the mean within 4σ/√n', () => {
    const n = 200_000;
    const xs = sampleOf(d, 'empirical', n);
    expect(xs.every((x) => x >= 5 && x <= 900)).toBe(true);
    expectQuantilesWithinRankBounds(xs, tableQuantile, [0.05, 0.25, 0.5, 0.7, 0.9, 0.95, 0.99, 0.995, 0.999]);
    const { mean, sd } = moments();
    expectMeanNear(xs, mean, sd);
  });

  it('with one value everywhere is that constant', () => {
    const flat = new Empirical([
      [0, 7],
      [100, 7],
    ]);
    expect(flat.mean).toBe(7);
    expect(new Set(sampleOf(flat, 'empirical-flat', 100))).toEqual(new Set([7]));
  });
});

describe('invalid parameters', () => {
  const cases: Array<[string, () => unknown]> = [
    ['uniform max < min', () => new Uniform(2, 1)],
    ['uniform NaN', () => new Uniform(Number.NaN, 1)],
    ['exponential mean 0', () => new Exponential(0)],
    ['exponential mean < 0', () => new Exponential(-1)],
    ['exponential NaN', () => new Exponential(Number.NaN)],
    ['normal sd < 0', () => new Normal(0, -1)],
    ['normal sd NaN', () => new Normal(0, Number.NaN)],
    ['lognormal median 0', () => new LogNormal(0, 10)],
    ['lognormal median < 0', () => new LogNormal(-1, 10)],
    ['lognormal p99 < median', () => new LogNormal(10, 5)],
    ['lognormal p99 NaN', () => new LogNormal(10, Number.NaN)],
    ['bernoulli p < 0', () => new Bernoulli(-0.1)],
    ['bernoulli p > 1', () => new Bernoulli(1.1)],
    ['bernoulli NaN', () => new Bernoulli(Number.NaN)],
    ['empirical no rows', () => new Empirical([])],
    ['empirical one row', () => new Empirical([[0, 1]])],
    [
      'empirical not starting at 0',
      () =>
        new Empirical([
          [1, 1],
          [100, 2],
        ]),
    ],
    [
      'empirical not ending at 100',
      () =>
        new Empirical([
          [0, 1],
          [99, 2],
        ]),
    ],
    [
      'empirical repeated percentile',
      () =>
        new Empirical([
          [0, 1],
          [50, 2],
          [50, 3],
          [100, 4],
        ]),
    ],
    [
      'empirical decreasing value',
      () =>
        new Empirical([
          [0, 5],
          [50, 4],
          [100, 6],
        ]),
    ],
  ];
  it.each(cases)('%s throws RangeError', (_label, make) => {
    expect(make).toThrow(RangeError);
  });

  // Non-finite parameters would yield NaN or infinite samples later; they are refused at construction.
  const nonFinite: Array<[string, () => unknown]> = [
    ['constant NaN', () => new Constant(Number.NaN)],
    ['uniform max Infinity', () => new Uniform(0, Number.POSITIVE_INFINITY)],
    ['exponential mean Infinity', () => new Exponential(Number.POSITIVE_INFINITY)],
    ['normal mean NaN', () => new Normal(Number.NaN, 1)],
    ['normal sd Infinity', () => new Normal(0, Number.POSITIVE_INFINITY)],
    ['lognormal p99 Infinity', () => new LogNormal(40, Number.POSITIVE_INFINITY)],
    [
      'empirical value Infinity',
      () =>
        new Empirical([
          [0, 1],
          [100, Number.POSITIVE_INFINITY],
        ]),
    ],
  ];
  it.each(nonFinite)('%s throws RangeError', (_label, make) => {
    expect(make).toThrow(RangeError);
  });
});
