/** Sum in array order, from the first element (a mean of one -0 stays -0). */
function sumOf(xs: readonly number[]): number {
  let sum = xs[0]!;
  for (let i = 1; i < xs.length; i++) sum += xs[i]!;
  return sum;
}

const meanOf = (xs: readonly number[]): number => sumOf(xs) / xs.length;

/** Sample standard deviation (n − 1): the two-pass formula, squares of deviations from the mean. */
function sampleSd(xs: readonly number[]): number {
  const mean = meanOf(xs);
  let squares = (xs[0]! - mean) * (xs[0]! - mean);
  for (let i = 1; i < xs.length; i++) squares += (xs[i]! - mean) * (xs[i]! - mean);
  return Math.sqrt(squares / (xs.length - 1));
}

/**
 * P(|T| ≤ t) for Student's t with an integer number of degrees of freedom ν, by the closed forms of
 * Abramowitz & Stegun 26.7.3–26.7.4 (θ = atan(t/√ν)):
 *   ν odd:  (2/π)·[θ + sin θ·(cos θ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2))·cos^(ν−2)θ)]
 *   ν even: sin θ·[1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2))·cos^(ν−2)θ]
 * Exact up to rounding: no series is truncated.
 */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`degrees of freedom must be an integer ≥ 1, got ${df}`);
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 1) {
    let term = Math.cos(theta);
    let sum = df === 1 ? 0 : term;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return s * sum;
}

/** The t with P(|T| ≤ t) = `level` (e.g. 0.95 → the 97.5th percentile), by bisection on the exact CDF. */
export function studentTCritical(level: number, df: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSided(hi, df) < level) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSided(mid, df) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The paired difference b − a over seeds, with its Student-t confidence interval. */
export interface PairedInterval {
  /** Number of pairs (seeds). */
  n: number;
  meanA: number;
  meanB: number;
  /** Mean of b − a. */
  meanDiff: number;
  /** Sample standard deviation of b − a (n − 1 in the denominator). */
  sdDiff: number;
  /** t(level, n − 1) · sd / √n; the interval is meanDiff ± halfWidth. */
  halfWidth: number;
  low: number;
  high: number;
  level: number;
}

/**
 * Mean difference of paired samples and its interval: d̄ ± t(1−α/2, n−1)·s_d/√n, the pairs being runs of
 * two variants on the same seed. Needs at least two pairs.
 */
export function pairedInterval(a: readonly number[], b: readonly number[], level = 0.95): PairedInterval {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in length: ${a.length} and ${b.length}`);
  const n = a.length;
  if (n < 2) throw new RangeError(`a confidence interval needs at least 2 pairs, got ${n}`);
  // A mean and a standard deviation need no statistics library (loading one took seconds per process).
  const d = b.map((value, i) => value - a[i]!);
  const meanDiff = meanOf(d);
  const sdDiff = sampleSd(d);
  const halfWidth = (studentTCritical(level, n - 1) * sdDiff) / Math.sqrt(n);
  return {
    n,
    meanA: meanOf(a),
    meanB: meanOf(b),
    meanDiff,
    sdDiff,
    halfWidth,
    low: meanDiff - halfWidth,
    high: meanDiff + halfWidth,
    level,
  };
}
