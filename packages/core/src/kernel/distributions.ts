import type { Rng } from './random-streams.js';

/** A distribution of non-random shape, sampled with a caller-owned stream. */
export interface Distribution {
  sample(rng: Rng): number;
  /** Exact mean where it exists in closed form. */
  readonly mean: number;
  /** Short human description for reports and errors. */
  readonly description: string;
}

/** z such that P(Z ≤ z) = 0.99 for a standard normal. */
export const Z_99 = 2.3263478740408408;

export class Constant implements Distribution {
  readonly description: string;
  constructor(readonly value: number) {
    if (!Number.isFinite(value)) throw new RangeError(`constant: value must be finite, got ${value}`);
    this.description = `constant ${value}`;
  }
  get mean(): number {
    return this.value;
  }
  sample(_rng: Rng): number {
    return this.value;
  }
}

export class Uniform implements Distribution {
  readonly description: string;
  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!Number.isFinite(min) || !Number.isFinite(max))
      throw new RangeError(`uniform: bounds must be finite`);
    if (!(max >= min)) throw new RangeError(`uniform: max ${max} is below min ${min}`);
    this.description = `uniform [${min}, ${max})`;
  }
  get mean(): number {
    return (this.min + this.max) / 2;
  }
  sample(rng: Rng): number {
    return this.min + (this.max - this.min) * rng();
  }
}

export class Exponential implements Distribution {
  readonly description: string;
  constructor(readonly mean: number) {
    if (!(mean > 0 && Number.isFinite(mean)))
      throw new RangeError(`exponential: mean must be finite and > 0, got ${mean}`);
    this.description = `exponential mean ${mean}`;
  }
  sample(rng: Rng): number {
    // 1 − u lies in (0, 1], so the log is finite.
    return -this.mean * Math.log(1 - rng());
  }
}

/** Box–Muller without the cached spare, so a draw never depends on an earlier call's leftover. */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export class Normal implements Distribution {
  readonly description: string;
  constructor(
    readonly mean: number,
    readonly stdDev: number,
  ) {
    if (!Number.isFinite(mean)) throw new RangeError(`normal: mean must be finite, got ${mean}`);
    if (!(stdDev >= 0 && Number.isFinite(stdDev)))
      throw new RangeError(`normal: stdDev must be finite and ≥ 0, got ${stdDev}`);
    this.description = `normal mean ${mean} sd ${stdDev}`;
  }
  sample(rng: Rng): number {
    return this.mean + this.stdDev * standardNormal(rng);
  }
}

/** Lognormal fixed by its median and 99th percentile: μ = ln median, σ = (ln p99 − μ) / z₀.₉₉. */
export class LogNormal implements Distribution {
  readonly mu: number;
  readonly sigma: number;
  readonly description: string;
  constructor(
    readonly median: number,
    readonly p99: number,
  ) {
    if (!(median > 0)) throw new RangeError(`lognormal: median must be > 0, got ${median}`);
    if (!Number.isFinite(median) || !Number.isFinite(p99))
      throw new RangeError('lognormal: median and p99 must be finite');
    if (!(p99 >= median)) throw new RangeError(`lognormal: p99 ${p99} is below the median ${median}`);
    this.mu = Math.log(median);
    this.sigma = (Math.log(p99) - this.mu) / Z_99;
    this.description = `lognormal median ${median} p99 ${p99}`;
  }
  get mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }
  sample(rng: Rng): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }
}

/** 1 with probability p, else 0. */
export class Bernoulli implements Distribution {
  readonly description: string;
  constructor(readonly p: number) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must be in [0, 1], got ${p}`);
    this.description = `bernoulli p ${p}`;
  }
  get mean(): number {
    return this.p;
  }
  sample(rng: Rng): number {
    return rng() < this.p ? 1 : 0;
  }
}

/**
 * An empirical distribution given as a percentile table, e.g. [[0, 5], [50, 40], [99, 200], [100, 900]]:
 * inverse-CDF sampling with linear interpolation between the listed percentiles.
 */
export class Empirical implements Distribution {
  private readonly q: Float64Array;
  private readonly v: Float64Array;
  readonly description: string;
  readonly mean: number;

  constructor(table: ReadonlyArray<readonly [percentile: number, value: number]>) {
    if (table.length < 2) throw new RangeError('empirical: the table needs at least two rows');
    const first = table[0]!;
    const last = table[table.length - 1]!;
    if (first[0] !== 0 || last[0] !== 100) {
      throw new RangeError('empirical: the table must start at percentile 0 and end at 100');
    }
    this.q = new Float64Array(table.length);
    this.v = new Float64Array(table.length);
    let mean = 0;
    table.forEach(([pct, value], i) => {
      if (!Number.isFinite(value))
        throw new RangeError(`empirical: value ${value} in row ${i} is not finite`);
      if (i > 0) {
        const [prevPct, prevValue] = table[i - 1]!;
        if (!(pct > prevPct)) throw new RangeError(`empirical: percentiles must increase (row ${i})`);
        if (!(value >= prevValue)) throw new RangeError(`empirical: values must not decrease (row ${i})`);
        mean += ((pct - prevPct) / 100) * ((value + prevValue) / 2);
      }
      this.q[i] = pct / 100;
      this.v[i] = value;
    });
    this.mean = mean;
    this.description = `empirical ${table.map(([p, v]) => `p${p}=${v}`).join(' ')}`;
  }

  sample(rng: Rng): number {
    const u = rng();
    const q = this.q;
    let hi = 1;
    while (hi < q.length - 1 && q[hi]! <= u) hi++;
    const q0 = q[hi - 1]!;
    const q1 = q[hi]!;
    const v0 = this.v[hi - 1]!;
    return v0 + ((u - q0) / (q1 - q0)) * (this.v[hi]! - v0);
  }
}
