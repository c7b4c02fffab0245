import type { Rng } from '../kernel/random-streams.js';
import { type ArrivalRate, arrivalRate, type RateShapePlan } from './rate-shape.js';

/** The calling application's pod address (useSourceIp hashing sees it): one client pod, one source IP. */
export const APPLICATION_ADDRESS = { ip: '10.244.0.10', port: 40_000 } as const;

/** Where one stream of the application's requests goes (the Scenario's `traffic[i]`). */
export interface TrafficTarget {
  host: string;
  port: number;
  path: string;
  method: string;
}

/** What a timeline entry changes in an open-loop source; absent fields keep their values. */
export interface OpenLoopChange {
  rps?: number;
  arrivals?: 'poisson' | 'constant';
  shape?: RateShapePlan;
}

/**
 * Open-loop arrivals at a rate λ(t) (the source's `rps`, shaped by bursts, a ramp or a diurnal
 * swing): Poisson, one draw from the source's own stream per arrival, or evenly spaced in the
 * integrated rate (the n-th arrival where Λ = n).
 */
export class OpenLoopSource {
  /** The pending arrival event, or -1 while none is due before the run ends. */
  nextArrival = -1;
  private rate: ArrivalRate;
  /** When the current shape started: the run's start, or the timeline entry that set it. */
  private shapeStartMs = 0;

  constructor(
    readonly index: number,
    readonly target: TrafficTarget,
    private rps: number,
    private shape: RateShapePlan | null,
    private readonly rng: Rng,
    private constant = false,
  ) {
    this.rate = arrivalRate(rps, shape, 0);
  }

  /** λ(t), requests per second. */
  rpsAt(tMs: number): number {
    return this.rate.rpsAt(tMs);
  }

  /** The expected number of arrivals in [from, to) at the current rate (planning's bound on the run's work). */
  arrivalsBetween(fromMs: number, toMs: number): number {
    return this.rate.arrivalsBetween(fromMs, toMs);
  }

  /** The next arrival after one at (or a change at) `nowMs`; Infinity if the rate never brings one. */
  nextArrivalAfter(nowMs: number): number {
    return this.rate.reach(nowMs, this.constant ? 1 : -Math.log(1 - this.rng()));
  }

  /**
   * A timeline change at `nowMs`; the caller then redraws the next arrival from `nowMs`. A ramp
   * leaves the source at the rate it reached; a new `rps` is the base bursts and diurnal swing around;
   * a new shape replaces the old and starts now.
   */
  change(change: OpenLoopChange, nowMs: number): void {
    if (change.arrivals !== undefined) this.constant = change.arrivals === 'constant';
    if (change.rps === undefined && change.shape === undefined) return;
    if (this.shape?.kind === 'ramp') {
      this.rps = this.rate.rpsAt(nowMs);
      this.shape = null;
    }
    if (change.rps !== undefined) this.rps = change.rps;
    if (change.shape !== undefined) {
      this.shape = change.shape;
      this.shapeStartMs = nowMs;
    }
    this.rate = arrivalRate(this.rps, this.shape, this.shapeStartMs);
  }
}
