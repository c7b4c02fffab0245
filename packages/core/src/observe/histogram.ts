/**
 * Log-bucketed latency histogram (DDSketch-style): bucket i holds values in (γ^(i−1), γ^i] with
 * γ = (1+α)/(1−α), and reports 2γ^i/(γ+1), so every quantile has relative error ≤ α. Memory is a
 * fixed Float64Array whatever the number of samples.
 */

const RELATIVE_ERROR = 0.005;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Smallest value kept apart from zero: 1 ns, in milliseconds. */
const MIN_VALUE_MS = 1e-6;
/** 1e-6 ms .. ~1e10 ms (115 days) covers any simulated latency. */
const MIN_INDEX = Math.floor(Math.log(MIN_VALUE_MS) / LOG_GAMMA);
const BUCKETS = Math.ceil(Math.log(1e10) / LOG_GAMMA) - MIN_INDEX + 1;

/**
 * The bucket `valueMs` falls in, or -1 below the smallest value kept apart from zero. The client's
 * histogram and the timeline's share one bucket per request, so the logarithm is taken once.
 */
export function histogramBucket(valueMs: number): number {
  if (valueMs < MIN_VALUE_MS) return -1;
  const i = Math.ceil(Math.log(valueMs) / LOG_GAMMA) - MIN_INDEX;
  return i >= BUCKETS ? BUCKETS - 1 : i;
}

export class LatencyHistogram {
  static readonly relativeError = RELATIVE_ERROR;
  private readonly counts = new Float64Array(BUCKETS);
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  private lowest = BUCKETS;
  private highest = -1;

  /** Records `valueMs`; `bucket` is `histogramBucket(valueMs)`, when the caller has it already. */
  record(valueMs: number, bucket = histogramBucket(valueMs)): void {
    this.count++;
    this.sum += valueMs;
    if (valueMs < this.min) this.min = valueMs;
    if (valueMs > this.max) this.max = valueMs;
    const i = bucket;
    if (i < 0) {
      this.zeros++;
      return;
    }
    this.counts[i]!++;
    if (i < this.lowest) this.lowest = i;
    if (i > this.highest) this.highest = i;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** The value at rank ⌈q·n⌉ (nearest-rank), within the relative error; q ≤ 0 and q ≥ 1 give the exact min and max. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (q >= 1) return this.max;
    if (q <= 0) return this.min;
    // The epsilon keeps 0.07 × 100 = 7.000000000000001 at rank 7.
    const rank = Math.max(1, Math.ceil(q * this.count - 1e-9));
    let seen = this.zeros;
    if (seen >= rank) return this.min;
    for (let i = this.lowest; i <= this.highest; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const estimate = (2 * GAMMA ** (i + MIN_INDEX)) / (GAMMA + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }

  /** Forgets every sample; touches only the buckets that were used. */
  reset(): void {
    if (this.highest >= this.lowest) this.counts.fill(0, this.lowest, this.highest + 1);
    this.zeros = 0;
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.lowest = BUCKETS;
    this.highest = -1;
  }
}
