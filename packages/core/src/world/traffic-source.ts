import type { Rng } from '../kernel/random-streams.js';

/** Where one stream of the application's requests goes (the Scenario's `traffic[i]`). */
export interface TrafficTarget {
  host: string;
  port: number;
  path: string;
  method: string;
}

/** Open-loop arrivals at `rps`: Poisson (drawn from the source's own stream) or evenly spaced. */
export class PoissonSource {
  private meanGapMs: number;
  /** The pending arrival event, or -1 while the rate is 0. */
  nextArrival = -1;

  constructor(
    readonly index: number,
    readonly target: TrafficTarget,
    public rps: number,
    private readonly rng: Rng,
    private readonly constant = false,
  ) {
    this.meanGapMs = rps > 0 ? 1000 / rps : Number.POSITIVE_INFINITY;
  }

  /** A new rate; the caller redraws the next arrival (Poisson arrivals are memoryless). */
  setRate(rps: number): void {
    this.rps = rps;
    this.meanGapMs = rps > 0 ? 1000 / rps : Number.POSITIVE_INFINITY;
  }

  /** Time from one arrival to the next, in ms. */
  nextGapMs(): number {
    if (this.constant) return this.meanGapMs;
    return -this.meanGapMs * Math.log(1 - this.rng());
  }
}
