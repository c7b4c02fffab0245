import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../src/kernel/random-streams.js';
import { arrivalRate, type RateShapePlan } from '../src/world/rate-shape.js';
import { type OpenLoopChange, OpenLoopSource } from '../src/world/traffic-source.js';

/** Two-sided 99.9 % normal quantile: a Poisson count N with mean m is within m ± Z·√m. */
const Z_999 = 3.2905267314919255;
const TARGET = { host: 'a.io', port: 80, path: '/', method: 'GET' };

const source = (rps: number, shape: RateShapePlan | null, seed: number, constant = false) =>
  new OpenLoopSource(0, TARGET, rps, shape, new RandomStreams(seed).get('traffic/0'), constant);

/**
 * Every arrival before `untilMs`, as the engine draws them: each from the one before, and afresh
 * from a change's time when a timeline change comes first.
 */
function arrivals(
  s: OpenLoopSource,
  untilMs: number,
  changes: ReadonlyArray<{ atMs: number; change: OpenLoopChange }> = [],
): number[] {
  const out: number[] = [];
  let now = 0;
  let c = 0;
  for (;;) {
    const next = s.nextArrivalAfter(now);
    const pending = changes[c];
    if (pending !== undefined && pending.atMs <= next) {
      now = pending.atMs;
      s.change(pending.change, now);
      c++;
      continue;
    }
    if (!(next < untilMs)) return out;
    out.push(next);
    now = next;
  }
}

const countIn = (times: readonly number[], fromMs: number, toMs: number) =>
  times.filter((t) => t >= fromMs && t < toMs).length;

/** |count − mean| within the 99.9 % Poisson band. */
function expectPoisson(count: number, mean: number): void {
  expect(Math.abs(count - mean)).toBeLessThanOrEqual(Z_999 * Math.sqrt(mean));
}

const BURSTS: RateShapePlan = { kind: 'bursts', everyMs: 10_000, lengthMs: 2_000, rps: 500 };
const RAMP_0_100: RateShapePlan = { kind: 'ramp', to: 100, overMs: 60_000 };
const DIURNAL_1H: RateShapePlan = { kind: 'diurnal', periodMs: 3_600_000, amplitude: 0.5, peakMs: 0 };

describe('bursts: every 10 s, 2 s at 500 rps over a base of 50 rps, 60 s', () => {
  it('Poisson: the count is Poisson with mean ∫λ, in the bursts and between them', () => {
    const times = arrivals(source(50, BURSTS, 1), 60_000);
    // ∫λ = 60 s × 50 + 6 bursts × 2 s × (500 − 50) = 3 000 + 5 400 = 8 400.
    expectPoisson(times.length, 8_400);
    // Inside the six bursts [10k, 10k + 2) s: 6 × 2 × 500 = 6 000; between them 6 × 8 × 50 = 2 400.
    let inBursts = 0;
    for (let k = 0; k < 6; k++) inBursts += countIn(times, k * 10_000, k * 10_000 + 2_000);
    expectPoisson(inBursts, 6_000);
    expectPoisson(times.length - inBursts, 2_400);
  });

  it('constant: evenly spaced in Λ, so the gaps are 1/500 s in a burst and 1/50 s between', () => {
    const times = arrivals(source(50, BURSTS, 1, true), 60_000);
    // Λ(t) = n: the 1 000th arrival ends the first burst (2 s × 500); 400 more at 20 ms reach 10 s.
    expect(times[0]).toBeCloseTo(2, 9);
    expect(times[999]).toBeCloseTo(2_000, 6);
    expect(times[1000]).toBeCloseTo(2_020, 6);
    expect(times[1399]).toBeCloseTo(10_000, 6);
    expect(times[1400]).toBeCloseTo(10_002, 6);
    // 1 400 per 10 s period; the 8 400th falls on 60 s itself, the run's end (float: either side).
    expect(countIn(times, 0, 59_999)).toBe(8_399);
    expect(times.length === 8_399 || times.length === 8_400).toBe(true);
  });
});

describe('ramp: 0 → 100 rps over 60 s', () => {
  // Λ(t) = ∫₀ᵗ (100/60) s ds = (5/6) t² arrivals (t in seconds): 3 000 by 60 s; per 10 s window
  // (5/6)(b² − a²): 83.3, 250, 416.7, 583.3, 750, 916.7.
  const windows = [83 + 1 / 3, 250, 416 + 2 / 3, 583 + 1 / 3, 750, 916 + 2 / 3];

  it('Poisson: each 10 s window is Poisson with the linear integral as its mean', () => {
    const times = arrivals(source(0, RAMP_0_100, 2), 60_000);
    expectPoisson(times.length, 3_000);
    windows.forEach((mean, k) => {
      expectPoisson(countIn(times, k * 10_000, (k + 1) * 10_000), mean);
    });
  });

  it('constant: the n-th arrival is where (5/6) t² = n, t = √(6n/5) s', () => {
    const times = arrivals(source(0, RAMP_0_100, 2, true), 60_001);
    expect(times).toHaveLength(3_000);
    const off = times.map((t, i) => Math.abs(t - 1000 * Math.sqrt((6 * (i + 1)) / 5)));
    expect(Math.max(...off)).toBeLessThan(1e-6);
    // Exact window counts where Λ is not an integer at the window's end: ⌊83.3⌋ = 83, ⌊333.3⌋ − 83 = 250.
    expect(countIn(times, 0, 10_000)).toBe(83);
    expect(countIn(times, 10_000, 20_000)).toBe(250);
  });

  it('after the ramp the rate holds at `to`: 100 rps from 60 s to 70 s', () => {
    expectPoisson(countIn(arrivals(source(0, RAMP_0_100, 3), 70_000), 60_000, 70_000), 1_000);
  });

  it('a ramp down to 0 ends the arrivals where the rate does', () => {
    const down = arrivals(source(100, { kind: 'ramp', to: 0, overMs: 10_010 }, 4, true), 60_000);
    // Λ(10.01 s) = (100 + 0)/2 × 10.01 = 500.5: 500 arrivals, all before the ramp's end; none after.
    expect(down).toHaveLength(500);
    expect(down[499]).toBeLessThan(10_010);
  });
});

describe('diurnal: 10 rps, amplitude 0.5, a 1 h period peaking at 0', () => {
  // Λ over [a, b] = 10 (b − a) + 10 × 0.5 × 3600/(2π) × (sin(2πb/3600) − sin(2πa/3600)) (seconds):
  // the swing term is 9 000/π = 2 864.8; per quarter 9 000 ± 2 864.8: 11 864.8, 6 135.2, 6 135.2, 11 864.8.
  const swing = 9_000 / Math.PI;
  const quarters = [9_000 + swing, 9_000 - swing, 9_000 - swing, 9_000 + swing];

  it('Poisson: each quarter is Poisson with the cosine’s integral as its mean', () => {
    const times = arrivals(source(10, DIURNAL_1H, 5), 3_600_000);
    expectPoisson(times.length, 36_000);
    quarters.forEach((mean, q) => {
      expectPoisson(countIn(times, q * 900_000, (q + 1) * 900_000), mean);
    });
  });

  it('constant: the n-th arrival is where Λ = n; per quarter ⌊Λ⌋ arrivals', () => {
    const times = arrivals(source(10, DIURNAL_1H, 5, true), 2_700_000);
    const rate = arrivalRate(10, DIURNAL_1H, 0);
    const off = times.map((t, i) => Math.abs(rate.arrivalsBetween(0, t) - (i + 1)));
    expect(Math.max(...off)).toBeLessThan(1e-6);
    // Λ(900 s) = 11 864.8, Λ(1 800 s) = 18 000, Λ(2 700 s) = 24 135.2.
    expect(countIn(times, 0, 900_000)).toBe(11_864);
    expect(times.length).toBe(24_135);
  });

  it('amplitude 1 touches rate 0 at the trough, and arrivals go on past it', () => {
    const full: RateShapePlan = { kind: 'diurnal', periodMs: 60_000, amplitude: 1, peakMs: 0 };
    const times = arrivals(source(10, full, 6, true), 60_000);
    // Λ(60 s) = 600 (the cosine integrates to 0 over a period); the 600th falls on 60 s itself.
    expect(times.length === 599 || times.length === 600).toBe(true);
    // The trough at 30 s: 10 × (1 + cos π) = 0.
    expect(arrivalRate(10, full, 0).rpsAt(30_000)).toBeCloseTo(0, 12);
  });
});

describe('timeline changes', () => {
  it('a ramp set at 30 s starts from the rate in effect then: 50 → 150 rps over 20 s, then 150', () => {
    const times = arrivals(source(50, null, 7), 60_000, [
      { atMs: 30_000, change: { shape: { kind: 'ramp', to: 150, overMs: 20_000 } } },
    ]);
    // [0, 30) s: 50 × 30 = 1 500; [30, 50) s: (50 + 150)/2 × 20 = 2 000; [50, 60) s: 150 × 10 = 1 500.
    expectPoisson(countIn(times, 0, 30_000), 1_500);
    expectPoisson(countIn(times, 30_000, 50_000), 2_000);
    expectPoisson(countIn(times, 50_000, 60_000), 1_500);
  });

  it('a ramp leaves the source at the rate it reached: bursts set after it swing over that rate', () => {
    const s = source(10, { kind: 'ramp', to: 40, overMs: 10_000 }, 8);
    s.change({ shape: { kind: 'bursts', everyMs: 1_000, lengthMs: 100, rps: 400 } }, 5_000);
    // Halfway up the ramp: 10 + (40 − 10)/2 = 25 rps is the new base; the first burst starts at 5 s.
    expect([s.rpsAt(5_000), s.rpsAt(5_099), s.rpsAt(5_100), s.rpsAt(6_050)]).toEqual([400, 400, 25, 400]);
  });

  it('a new rps ends a ramp in progress and is the base of bursts, which keep their cycle', () => {
    const ramping = source(10, { kind: 'ramp', to: 40, overMs: 10_000 }, 9);
    ramping.change({ rps: 70 }, 5_000);
    expect([ramping.rpsAt(5_000), ramping.rpsAt(20_000)]).toEqual([70, 70]);
    const bursting = source(10, { kind: 'bursts', everyMs: 1_000, lengthMs: 100, rps: 400 }, 9);
    bursting.change({ rps: 20 }, 1_550);
    expect([bursting.rpsAt(1_600), bursting.rpsAt(2_000), bursting.rpsAt(2_100)]).toEqual([20, 400, 20]);
  });

  it('diurnal keeps the run’s clock: set at 15 min into a 1 h cycle peaking at 0, it starts mid-swing', () => {
    const s = source(10, null, 10);
    s.change({ shape: DIURNAL_1H }, 900_000);
    // cos(2π × 900/3600) = cos(π/2) = 0: rate 10 at 15 min, 5 at 30 min (cos π = −1).
    expect(s.rpsAt(900_000)).toBeCloseTo(10, 9);
    expect(s.rpsAt(1_800_000)).toBeCloseTo(5, 9);
  });

  it('arrivals alone changes the spacing, not the shape: a constant ramp keeps climbing', () => {
    const times = arrivals(source(0, RAMP_0_100, 11), 60_001, [
      { atMs: 30_000, change: { arrivals: 'constant' } },
    ]);
    // From 30 s, evenly spaced one unit of Λ apart from the change: Λ(30 s, t) = n, (5/6)(t² − 900) = n.
    const after = times.filter((t) => t >= 30_000);
    expect(after).toHaveLength(2_250);
    const off = after.map((t, i) => Math.abs(t - 1000 * Math.sqrt(900 + (6 * (i + 1)) / 5)));
    expect(Math.max(...off)).toBeLessThan(1e-6);
  });
});

describe('common random numbers and the inversion', () => {
  const shape = (): fc.Arbitrary<RateShapePlan | null> =>
    fc.oneof(
      fc.constant(null),
      fc
        .tuple(fc.integer({ min: 1, max: 60_000 }), fc.double({ min: 0.001, max: 1, noNaN: true }), rate())
        .map(([everyMs, share, rps]) => ({
          kind: 'bursts' as const,
          everyMs,
          lengthMs: Math.max(1, Math.floor(everyMs * share)),
          rps,
        })),
      fc
        .tuple(fc.oneof(fc.constant(0), rate()), fc.integer({ min: 1, max: 60_000 }))
        .map(([to, overMs]) => ({ kind: 'ramp' as const, to, overMs })),
      fc
        .tuple(
          fc.integer({ min: 1, max: 86_400_000 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 86_400_000 }),
        )
        .map(([periodMs, amplitude, peakMs]) => ({ kind: 'diurnal' as const, periodMs, amplitude, peakMs })),
    );
  function rate() {
    return fc.double({ min: 0.01, max: 500, noNaN: true });
  }

  it('every Poisson arrival spends exactly one draw: Λ between arrivals is −ln(1 − u) of the same stream', () => {
    fc.assert(
      fc.property(rate(), shape(), fc.nat(), (rps, plan, seed) => {
        const s = source(rps, plan, seed);
        const draws = new RandomStreams(seed).get('traffic/0');
        const r = arrivalRate(rps, plan, 0);
        let previous = 0;
        for (let k = 0; k < 50; k++) {
          const t = s.nextArrivalAfter(previous);
          const work = -Math.log(1 - draws());
          if (t === Number.POSITIVE_INFINITY) {
            // Only a ramp down to 0 runs out, and then the draw asked for more than is left.
            expect(plan?.kind === 'ramp' && plan.to === 0).toBe(true);
            return;
          }
          expect(t).toBeGreaterThanOrEqual(previous);
          expect(Math.abs(r.arrivalsBetween(previous, t) - work)).toBeLessThanOrEqual(
            1e-7 * Math.max(1, work),
          );
          previous = t;
        }
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('a steady source draws the same arrivals as before shapes existed: −(1000/rps) ln(1 − u) apart', () => {
    const times = arrivals(source(40, null, 12), 1_000);
    const draws = new RandomStreams(12).get('traffic/0');
    let t = 0;
    const expected: number[] = [];
    for (;;) {
      t += -(1000 / 40) * Math.log(1 - draws());
      if (t >= 1_000) break;
      expected.push(t);
    }
    expect(times).toEqual(expected);
  });
});
