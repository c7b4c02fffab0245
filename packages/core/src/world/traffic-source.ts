import type { Rng } from '../kernel/random-streams.js';

/** Where one stream of the application's requests goes (the Scenario's `traffic[i]`). */
export interface TrafficTarget {
  host: string;
  port: number;
  path: string;
  method: string;
}

/** Open-loop Poisson arrivals at `rps`, drawn from the source's own stream. */
export class PoissonSource {
  private readonly meanGapMs: number;

  constructor(
    readonly index: number,
    readonly target: TrafficTarget,
    readonly rps: number,
    private readonly rng: Rng,
  ) {
    this.meanGapMs = 1000 / rps;
  }

  /** Time from one arrival to the next, in ms. */
  nextGapMs(): number {
    return -this.meanGapMs * Math.log(1 - this.rng());
  }
}
