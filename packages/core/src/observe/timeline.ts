import { BREAKER_GAUGES, type Breaker, type BreakerGauge } from '../envoy/circuit-breakers.js';
import { flagsText } from '../envoy/response-flags.js';
import type { BreakerTimeline } from './circuit-breaker-tracker.js';
import { histogramBucket, LatencyHistogram } from './histogram.js';
import { round3 } from './rounding.js';

/** One bucket of the report's timeline. */
export interface TimelinePoint {
  tMs: number;
  requests: number;
  errors: number;
  ejectedHosts: number;
  p99Ms: number;
  /** Requests answered in this bucket by response flags other than "-" (as `client.byFlag`); absent when none. */
  byFlag?: Record<string, number>;
  /**
   * Pool occupancy at the bucket's end, summed over clusters: Envoy's upstream_rq_active,
   * upstream_rq_pending_active and upstream_cx_active gauges. Absent for buckets after the traffic
   * stopped (the drain), which are not sampled.
   */
  rqActive?: number;
  rqPending?: number;
  cxActive?: number;
  /**
   * Share of the bucket (0–1) during which each circuit_breakers.default.*_open gauge was 1 in at least
   * one cluster; only gauges open at some point of the bucket appear, and the field is absent when none did.
   */
  breakersOpen?: Partial<Record<BreakerGauge, number>>;
}

/**
 * Client results per fixed bucket of simulated time, closed in time order (events fire in time
 * order, so a bucket never reopens). One histogram is reused for every bucket's p99; memory is one
 * small record per bucket.
 */
export class Timeline implements BreakerTimeline {
  readonly points: TimelinePoint[] = [];
  private readonly histogram = new LatencyHistogram();
  private current = 0;
  private requests = 0;
  private errors = 0;
  /** Requests of the open bucket by response-flag mask, for masks other than none. */
  private readonly flags = new Map<number, number>();
  /** Hosts ejected now, over every cluster, and the most at once during the open bucket. */
  private ejectedNow = 0;
  private ejectedMax = 0;
  /** The open bucket's occupancy sample, if taken: [rqActive, rqPending, cxActive]. */
  private occupancy: [number, number, number] | null = null;
  /** Per gauge: clusters where it is open now, since when one has been, and ms open in the open bucket. */
  private readonly breakerClusters = new Int32Array(BREAKER_GAUGES.length);
  private readonly breakerSinceMs = new Float64Array(BREAKER_GAUGES.length);
  private readonly breakerOpenMs = new Float64Array(BREAKER_GAUGES.length);

  constructor(readonly bucketMs: number) {}

  /** `flags` is the response-flag mask (0: none); `bucket` the latency's `histogramBucket`, if known. */
  record(
    completedAtMs: number,
    latencyMs: number,
    isError: boolean,
    flags = 0,
    bucket = histogramBucket(latencyMs),
  ): void {
    this.advanceTo(completedAtMs);
    this.requests++;
    if (isError) this.errors++;
    if (flags !== 0) this.flags.set(flags, (this.flags.get(flags) ?? 0) + 1);
    this.histogram.record(latencyMs, bucket);
  }

  /** The number of ejected hosts changed at `atMs`; a bucket reports the most ejected at once. */
  setEjectedHosts(atMs: number, ejected: number): void {
    this.advanceTo(atMs);
    this.ejectedNow = ejected;
    if (ejected > this.ejectedMax) this.ejectedMax = ejected;
  }

  /** A cluster's circuit-breaker gauge flipped at `atMs`. */
  setBreakerOpen(atMs: number, breaker: Breaker, open: boolean): void {
    this.advanceTo(atMs);
    const clusters = this.breakerClusters;
    if (open) {
      if (clusters[breaker]!++ === 0) this.breakerSinceMs[breaker] = atMs;
    } else if (--clusters[breaker]! === 0) {
      this.breakerOpenMs[breaker]! += atMs - this.breakerSinceMs[breaker]!;
    }
  }

  /** Pool gauges sampled at `atMs`, the end of the bucket they describe (or of the run, for the last one). */
  sampleOccupancy(atMs: number, rqActive: number, rqPending: number, cxActive: number): void {
    const bucket = Math.max(0, Math.ceil(atMs / this.bucketMs) - 1);
    if (bucket < this.current) {
      // A completion at exactly atMs already closed the bucket: the sample still belongs to it.
      const point = this.points[this.points.length - 1 - (this.current - 1 - bucket)];
      if (point !== undefined) Object.assign(point, { rqActive, rqPending, cxActive });
      return;
    }
    this.advanceTo(bucket * this.bucketMs);
    this.occupancy = [rqActive, rqPending, cxActive];
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
    const point: TimelinePoint = {
      tMs: this.current * this.bucketMs,
      requests: this.requests,
      errors: this.errors,
      ejectedHosts: this.ejectedMax,
      p99Ms: round3(this.histogram.quantile(0.99)),
    };
    if (this.flags.size > 0) {
      const byText = [...this.flags].map(([mask, n]): [string, number] => [flagsText(mask), n]);
      point.byFlag = Object.fromEntries(byText.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.flags.clear();
    }
    if (this.occupancy !== null) {
      [point.rqActive, point.rqPending, point.cxActive] = this.occupancy;
      this.occupancy = null;
    }
    this.closeBreakers(point);
    this.points.push(point);
    this.current++;
    this.requests = 0;
    this.errors = 0;
    this.ejectedMax = this.ejectedNow;
    this.histogram.reset();
  }

  /** Gauges still open carry on into the next bucket; each open one reports its share of this bucket. */
  private closeBreakers(point: TimelinePoint): void {
    const endMs = (this.current + 1) * this.bucketMs;
    let shares: Partial<Record<BreakerGauge, number>> | null = null;
    for (let b = 0; b < BREAKER_GAUGES.length; b++) {
      if (this.breakerClusters[b]! > 0) {
        this.breakerOpenMs[b]! += endMs - this.breakerSinceMs[b]!;
        this.breakerSinceMs[b] = endMs;
      }
      const openMs = this.breakerOpenMs[b]!;
      if (openMs === 0) continue;
      shares ??= {};
      shares[BREAKER_GAUGES[b]!] = round3(openMs / this.bucketMs);
      this.breakerOpenMs[b] = 0;
    }
    if (shares !== null) point.breakersOpen = shares;
  }
}
