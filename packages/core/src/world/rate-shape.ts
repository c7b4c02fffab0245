/**
 * A source's rate shape as the engine runs it (the Scenario's `bursts`, `ramp` or `diurnal`), in
 * milliseconds and requests per second; the source's own `rps` is its base.
 */
export type RateShapePlan =
  | { kind: 'bursts'; everyMs: number; lengthMs: number; rps: number }
  | { kind: 'ramp'; to: number; overMs: number }
  | { kind: 'diurnal'; periodMs: number; amplitude: number; peakMs: number };

/**
 * An open-loop rate λ(t) over simulated time. Arrivals are drawn by inverting its integral Λ, so a
 * Poisson source spends exactly one draw per arrival whatever the shape (no thinning), and the
 * same draws meet the same work when only the shape differs.
 */
export interface ArrivalRate {
  /** λ(t), requests per second. */
  rpsAt(tMs: number): number;
  /** Λ(to) − Λ(from): the expected number of arrivals in [from, to). */
  arrivalsBetween(fromMs: number, toMs: number): number;
  /** The time s ≥ from at which Λ(s) − Λ(from) = `work` arrivals; Infinity if the rate never gets there. */
  reach(fromMs: number, work: number): number;
}

/** The rate of a source with base `rps` and `shape`, whose shape started at `startMs`. */
export function arrivalRate(rps: number, shape: RateShapePlan | null, startMs: number): ArrivalRate {
  if (shape === null) return new SteadyRate(rps);
  switch (shape.kind) {
    case 'bursts':
      return new BurstsRate(rps, shape.rps, shape.everyMs, shape.lengthMs, startMs);
    case 'ramp':
      return new RampRate(rps, shape.to, shape.overMs, startMs);
    case 'diurnal':
      return new DiurnalRate(rps, shape.amplitude, shape.periodMs, shape.peakMs);
  }
}

/** λ = rps throughout. */
export class SteadyRate implements ArrivalRate {
  /** Kept as the gap so a steady source draws its arrivals exactly as before shapes existed. */
  private readonly meanGapMs: number;

  constructor(private readonly rps: number) {
    this.meanGapMs = rps > 0 ? 1000 / rps : Number.POSITIVE_INFINITY;
  }

  rpsAt(): number {
    return this.rps;
  }

  arrivalsBetween(fromMs: number, toMs: number): number {
    return ((toMs - fromMs) * this.rps) / 1000;
  }

  reach(fromMs: number, work: number): number {
    return fromMs + this.meanGapMs * work;
  }
}

/** `burstRps` for the first `lengthMs` of every `everyMs` from `startMs`, `baseRps` the rest of the time. */
export class BurstsRate implements ArrivalRate {
  /** Arrivals per full period. */
  private readonly perPeriod: number;

  constructor(
    private readonly baseRps: number,
    private readonly burstRps: number,
    private readonly everyMs: number,
    private readonly lengthMs: number,
    private readonly startMs: number,
  ) {
    this.perPeriod = (burstRps * lengthMs + baseRps * (everyMs - lengthMs)) / 1000;
  }

  rpsAt(tMs: number): number {
    const phase = (tMs - this.startMs) % this.everyMs;
    return phase < this.lengthMs ? this.burstRps : this.baseRps;
  }

  /** Λ(t) − Λ(startMs). */
  private cumulative(tMs: number): number {
    const elapsed = tMs - this.startMs;
    const periods = Math.floor(elapsed / this.everyMs);
    const phase = elapsed - periods * this.everyMs;
    const inBurst = Math.min(phase, this.lengthMs);
    return periods * this.perPeriod + (this.burstRps * inBurst + this.baseRps * (phase - inBurst)) / 1000;
  }

  arrivalsBetween(fromMs: number, toMs: number): number {
    return this.cumulative(toMs) - this.cumulative(fromMs);
  }

  reach(fromMs: number, work: number): number {
    const target = this.cumulative(fromMs) + work;
    const periods = Math.floor(target / this.perPeriod);
    const rest = Math.max(0, target - periods * this.perPeriod);
    const burst = (this.burstRps * this.lengthMs) / 1000;
    let phase: number;
    if (rest <= burst) phase = (rest * 1000) / this.burstRps;
    else if (this.baseRps > 0) phase = this.lengthMs + ((rest - burst) * 1000) / this.baseRps;
    // No base rate: the rest is rounding at the burst's end.
    else phase = this.lengthMs;
    return Math.max(fromMs, this.startMs + periods * this.everyMs + phase);
  }
}

/** From `fromRps` at `startMs`, linearly to `toRps` over `overMs`, then `toRps`. */
export class RampRate implements ArrivalRate {
  /** Slope, requests per second per ms. */
  private readonly slope: number;
  /** Arrivals during the ramp itself. */
  private readonly duringRamp: number;

  constructor(
    private readonly fromRps: number,
    private readonly toRps: number,
    private readonly overMs: number,
    private readonly startMs: number,
  ) {
    this.slope = (toRps - fromRps) / overMs;
    this.duringRamp = ((fromRps + toRps) * overMs) / 2000;
  }

  rpsAt(tMs: number): number {
    const elapsed = tMs - this.startMs;
    return elapsed >= this.overMs ? this.toRps : this.fromRps + this.slope * elapsed;
  }

  /** Λ(t) − Λ(startMs). */
  private cumulative(tMs: number): number {
    const elapsed = tMs - this.startMs;
    if (elapsed >= this.overMs) return this.duringRamp + (this.toRps * (elapsed - this.overMs)) / 1000;
    return (this.fromRps * elapsed + (this.slope * elapsed * elapsed) / 2) / 1000;
  }

  arrivalsBetween(fromMs: number, toMs: number): number {
    return this.cumulative(toMs) - this.cumulative(fromMs);
  }

  reach(fromMs: number, work: number): number {
    const target = this.cumulative(fromMs) + work;
    let elapsed: number;
    if (target <= this.duringRamp) {
      // from·d + slope·d²/2 = 1000·target, the root written so it stays exact when the slope is ~0.
      const w = 1000 * target;
      const root = Math.sqrt(Math.max(0, this.fromRps * this.fromRps + 2 * this.slope * w));
      const denominator = this.fromRps + root;
      elapsed = denominator > 0 ? (2 * w) / denominator : 0;
    } else if (this.toRps > 0) {
      elapsed = this.overMs + ((target - this.duringRamp) * 1000) / this.toRps;
    } else {
      return Number.POSITIVE_INFINITY;
    }
    return Math.max(fromMs, this.startMs + elapsed);
  }
}

/** Largest Newton/bisection steps for one diurnal arrival: bisection alone halves a 24 h period to 1 ps in 57. */
const MAX_SOLVE_STEPS = 100;
/** Arrival times are solved to a picosecond. */
const SOLVE_TOLERANCE_MS = 1e-9;

/** λ(t) = rps × (1 + amplitude × cos(2π (t − peak) / period)), on the run's clock. */
export class DiurnalRate implements ArrivalRate {
  private readonly omega: number;
  /** Arrivals per full period: the cosine integrates to 0. */
  private readonly perPeriod: number;

  constructor(
    private readonly rps: number,
    private readonly amplitude: number,
    private readonly periodMs: number,
    private readonly peakMs: number,
  ) {
    this.omega = (2 * Math.PI) / periodMs;
    this.perPeriod = (rps * periodMs) / 1000;
  }

  rpsAt(tMs: number): number {
    return this.rps * (1 + this.amplitude * Math.cos(this.omega * (tMs - this.peakMs)));
  }

  /** The cosine's part of Λ from `fromMs` to `toMs`. */
  private swing(fromMs: number, toMs: number): number {
    const a = Math.sin(this.omega * (toMs - this.peakMs)) - Math.sin(this.omega * (fromMs - this.peakMs));
    return (this.rps * this.amplitude * a) / (1000 * this.omega);
  }

  arrivalsBetween(fromMs: number, toMs: number): number {
    return ((toMs - fromMs) * this.rps) / 1000 + this.swing(fromMs, toMs);
  }

  reach(fromMs: number, work: number): number {
    if (this.perPeriod <= 0) return Number.POSITIVE_INFINITY;
    // Whole periods add rps × period each; the rest is solved inside one period, where Λ is monotone.
    const periods = Math.floor(work / this.perPeriod);
    const rest = work - periods * this.perPeriod;
    const origin = fromMs + periods * this.periodMs;
    const sinOrigin = Math.sin(this.omega * (origin - this.peakMs));
    const swingScale = (this.rps * this.amplitude) / (1000 * this.omega);
    let lo = 0;
    let hi = this.periodMs;
    let d = Math.min(hi, (rest * 1000) / this.rps);
    for (let step = 0; step < MAX_SOLVE_STEPS; step++) {
      const swing = swingScale * (Math.sin(this.omega * (origin + d - this.peakMs)) - sinOrigin);
      const excess = (d * this.rps) / 1000 + swing - rest;
      if (excess === 0) break;
      if (excess < 0) lo = d;
      else hi = d;
      const rate = this.rpsAt(origin + d) / 1000;
      let next = rate > 0 ? d - excess / rate : Number.NaN;
      // Newton while it stays inside the bracket, bisection where λ is flat or Newton overshoots.
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      const moved = Math.abs(next - d);
      d = next;
      if (moved <= SOLVE_TOLERANCE_MS || hi - lo <= SOLVE_TOLERANCE_MS) break;
    }
    return origin + d;
  }
}
