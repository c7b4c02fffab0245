import { LatencyHistogram } from './histogram.js';

/** One bucket of the report's timeline. */
export interface TimelinePoint {
  tMs: number;
  requests: number;
  errors: number;
  ejectedHosts: number;
  p99Ms: number;
}

/**
 * Client results per fixed bucket of simulated time, closed in time order (events fire in time
 * order, so a bucket never reopens). One histogram is reused for every bucket's p99.
 */
export class Timeline {
  readonly points: TimelinePoint[] = [];
  private readonly histogram = new LatencyHistogram();
  private current = 0;
  private requests = 0;
  private errors = 0;
  /** Hosts ejected at the end of the bucket; set by the outlier detector once it exists. */
  ejectedHosts = 0;

  constructor(readonly bucketMs: number) {}

  record(completedAtMs: number, latencyMs: number, isError: boolean): void {
    const bucket = Math.floor(completedAtMs / this.bucketMs);
    while (this.current < bucket) this.close();
    this.requests++;
    if (isError) this.errors++;
    this.histogram.record(latencyMs);
  }

  /** Closes every bucket up to `endMs`, and the open one if requests finished after it (drain). */
  finish(endMs: number): void {
    const last = Math.max(Math.ceil(endMs / this.bucketMs), this.requests > 0 ? this.current + 1 : 0);
    while (this.current < last) this.close();
  }

  private close(): void {
    this.points.push({
      tMs: this.current * this.bucketMs,
      requests: this.requests,
      errors: this.errors,
      ejectedHosts: this.ejectedHosts,
      p99Ms: round3(this.histogram.quantile(0.99)),
    });
    this.current++;
    this.requests = 0;
    this.errors = 0;
    this.histogram.reset();
  }
}

/** Microsecond precision is what a report needs; it also keeps JSON short. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
