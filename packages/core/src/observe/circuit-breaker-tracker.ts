import { BREAKER_GAUGES, type Breaker, type BreakerGauge } from '../envoy/circuit-breakers.js';
import { round3 } from './rounding.js';

/** How one circuit_breakers.default.*_open gauge of a cluster behaved over the run. */
export interface BreakerOpenReport {
  /** Total time the gauge was 1, in ms (up to the end of the run, drain included). */
  openMs: number;
  /** How many times it went from 0 to 1. */
  openings: number;
  /** Still 1 when the run ended. */
  openAtEnd: boolean;
}

/** Where the timeline hears of a gauge flip, to report the share of each bucket it was open. */
export interface BreakerTimeline {
  setBreakerOpen(atMs: number, breaker: Breaker, open: boolean): void;
}

/**
 * Watches one cluster's circuit-breaker gauges (Envoy sets each to 1 while its resource is at or over its
 * max): total time open and number of openings, for the cluster report.
 */
export class CircuitBreakerTracker {
  private readonly openSinceMs = new Float64Array(BREAKER_GAUGES.length).fill(-1);
  private readonly openMs = new Float64Array(BREAKER_GAUGES.length);
  private readonly openings = new Int32Array(BREAKER_GAUGES.length);

  constructor(
    private readonly clock: { readonly nowMs: number },
    private readonly timeline: BreakerTimeline | null,
  ) {}

  onBreakerChange(breaker: Breaker, open: boolean): void {
    const now = this.clock.nowMs;
    if (open) {
      this.openSinceMs[breaker] = now;
      this.openings[breaker]!++;
    } else {
      this.openMs[breaker]! += now - this.openSinceMs[breaker]!;
      this.openSinceMs[breaker] = -1;
    }
    this.timeline?.setBreakerOpen(now, breaker, open);
  }

  /** The gauges that were ever 1, by Envoy's name; absent ones never opened. */
  report(endMs: number): Partial<Record<BreakerGauge, BreakerOpenReport>> {
    const out: Partial<Record<BreakerGauge, BreakerOpenReport>> = {};
    BREAKER_GAUGES.forEach((gauge, b) => {
      if (this.openings[b] === 0) return;
      const since = this.openSinceMs[b]!;
      const openAtEnd = since >= 0;
      out[gauge] = {
        openMs: round3(this.openMs[b]! + (openAtEnd ? endMs - since : 0)),
        openings: this.openings[b]!,
        openAtEnd,
      };
    });
    return out;
  }
}
