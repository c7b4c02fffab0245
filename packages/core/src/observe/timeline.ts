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
  /** Hosts ejected now, over every cluster, and the most at once during the open bucket. */
  private ejectedNow = 0;
  private ejectedMax = 0;

  constructor(readonly bucketMs: number) {}

  record(completedAtMs: number, latencyMs: number, isError: boolean): void {
    this.advanceTo(completedAtMs);
    this.requests++;
    if (isError) this.errors++;
    this.histogram.record(latencyMs);
  }

  /** The number of ejected hosts changed at `atMs`; a bucket reports the most ejected at once. */
  setEjectedHosts(atMs: number, ejected: number): void {
    this.advanceTo(atMs);
    this.ejectedNow = ejected;
    if (ejected > this.ejectedMax) this.ejectedMax = ejected;
  }

  private advanceTo(atMs: number): void {
    const bucket = Math.floor(atMs / this.bucketMs);
    while (this.current < bucket) this.close();
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
      ejectedHosts: this.ejectedMax,
      p99Ms: round3(this.histogram.quantile(0.99)),
    });
    this.current++;
    this.requests = 0;
    this.errors = 0;
    this.ejectedMax = this.ejectedNow;
    this.histogram.reset();
  }
}

/** Microsecond precision is what a report needs; it also keeps JSON short. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
