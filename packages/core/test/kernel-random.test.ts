import { RandomStreams, type Rng } from '@meshsim/core/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = { numRuns: 200 };

const seedArb = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }));
const nameArb = fc.string({ maxLength: 16 });

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng());

/** Pearson correlation of two equally long samples. */
function correlation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('RandomStreams', () => {
  it('gives the same sequence for the same seed and name', () => {
    fc.assert(
      fc.property(seedArb, nameArb, (seed, name) => {
        const a = draw(new RandomStreams(seed).get(name), 50);
        const b = draw(new RandomStreams(seed).get(name), 50);
        expect(a).toEqual(b);
        expect(new Set(a).size).toBeGreaterThan(45); // not a constant or short cycle
      }),
      RUNS,
    );
  });

  it('continues a stream when get() is called again with its name', () => {
    const streams = new RandomStreams(7);
    const first = streams.get('arrivals')();
    const second = streams.get('arrivals')();
    expect([first, second]).toEqual(draw(new RandomStreams(7).get('arrivals'), 2));
  });

  it('gives different sequences for different names', () => {
    fc.assert(
      fc.property(seedArb, nameArb, nameArb, (seed, a, b) => {
        fc.pre(a !== b);
        const streams = new RandomStreams(seed);
        // Three equal 32-bit draws by chance: probability about 2^-96.
        expect(draw(streams.get(a), 3)).not.toEqual(draw(streams.get(b), 3));
      }),
      RUNS,
    );
  });

  it('gives different sequences for different seeds', () => {
    fc.assert(
      fc.property(seedArb, seedArb, nameArb, (s1, s2, name) => {
        // A seed is used through its string form, so 1 and '1' are the same seed by design.
        fc.pre(String(s1) !== String(s2));
        expect(draw(new RandomStreams(s1).get(name), 3)).not.toEqual(
          draw(new RandomStreams(s2).get(name), 3),
        );
      }),
      RUNS,
    );
  });

  it("a stream's draws do not depend on which other streams exist or were drawn from, or when", () => {
    const plan = fc.record({
      seed: seedArb,
      names: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 6 }),
      // Each step creates-or-reuses stream `pick % names.length` and draws `count` numbers from it.
      steps: fc.array(fc.record({ pick: fc.nat(), count: fc.nat(20) }), { maxLength: 60, size: 'max' }),
    });
    fc.assert(
      fc.property(plan, ({ seed, names, steps }) => {
        const shared = new RandomStreams(seed);
        const seen = new Map<string, number[]>();
        for (const { pick, count } of steps) {
          const name = names[pick % names.length]!;
          const got = seen.get(name) ?? [];
          got.push(...draw(shared.get(name), count));
          seen.set(name, got);
        }
        for (const [name, got] of seen) {
          // A fresh RandomStreams where this stream is the only one ever created.
          expect(got).toEqual(draw(new RandomStreams(seed).get(name), got.length));
        }
      }),
      RUNS,
    );
  });

  it('draws lie in [0, 1)', () => {
    fc.assert(
      fc.property(seedArb, nameArb, (seed, name) => {
        const draws = draw(new RandomStreams(seed).get(name), 1000);
        expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...draws)).toBeLessThan(1);
      }),
      RUNS,
    );
    // One long stream: the extremes, and the mean within 4σ/√n of 1/2 (σ = 1/√12 for U[0,1)).
    const rng = new RandomStreams(42).get('long');
    const n = 1_000_000;
    let min = 1;
    let max = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const u = rng();
      if (u < min) min = u;
      if (u > max) max = u;
      sum += u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // P(min > 20/n) = (1 − 20/n)^n ≈ e^−20, likewise for the max.
    expect(min).toBeLessThan(20 / n);
    expect(max).toBeGreaterThan(1 - 20 / n);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 / Math.sqrt(12 * n));
  });

  it('pairs of streams are uncorrelated: |r| < 4/√n over 100,000 paired draws', () => {
    // For independent streams r is approximately N(0, 1/n), so 4/√n is a 4σ bound.
    const n = 100_000;
    const bound = 4 / Math.sqrt(n);
    const sample = (seed: number | string, name: string) => {
      const rng = new RandomStreams(seed).get(name);
      return Float64Array.from({ length: n }, () => rng());
    };
    const pairs: Array<[Float64Array, Float64Array]> = [
      [sample(42, 'arrivals'), sample(42, 'endpoint-failures')],
      // Names and seeds one character apart are where a weak seed hash would show.
      [sample(42, 'endpoint/198.51.100.1'), sample(42, 'endpoint/198.51.100.2')],
      [sample(1, 'arrivals'), sample(2, 'arrivals')],
      [sample('a', 'x'), sample('b', 'x')],
    ];
    for (const [x, y] of pairs) expect(Math.abs(correlation(x, y))).toBeLessThan(bound);
    // The bound is tight enough to catch real dependence: a stream against itself shifted by one
    // draw is still independent (lag-1), but against a 90/10 blend with the other it is not.
    const [x, y] = pairs[0]!;
    expect(Math.abs(correlation(x.subarray(1), x.subarray(0, n - 1)))).toBeLessThan(bound);
    const blend = x.map((v, i) => 0.9 * y[i]! + 0.1 * v);
    expect(Math.abs(correlation(x, blend))).toBeGreaterThan(bound);
  });
});
