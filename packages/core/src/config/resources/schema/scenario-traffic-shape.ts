import * as z from 'zod';
import { duration, numberIn, positiveNumber, stringMap } from './common.js';
import { describeValue } from './messages.js';

// How an open-loop source's arrivals are spread in time, and which requests it sends. Every field
// here is optional: a source without them is the Poisson stream of one request shape it always was.
// A rate shape makes the rate a function of time, rate(t): Poisson arrivals then come at that rate
// (a non-homogeneous Poisson process), constant ones one per unit of its integral (the n-th when
// ∫₀ᵗ rate = n).
//
// A timeline entry may set rps, arrivals, bursts, ramp or diurnal; what it leaves out keeps going:
// - `arrivals` alone changes the spacing; the rate and its shape go on.
// - `rps` is the new base rate: bursts and a diurnal swing go on around it; a ramp ends, at `rps`.
// - a shape replaces the source's shape (a source has at most one) and starts at the entry: the
//   first burst at once, a ramp from the entry's `rps`, or else from the base rate (where a ramp in
//   progress has got to), a diurnal swing on the run's clock (`peak` counts from the run's start).
// - a ramp's end holds: a later entry starts from `to`. A shape cannot be removed, only replaced.
// The next arrival is drawn afresh from the entry's time (a constant source: one unit of the
// integral after it).

export const requestPath = () =>
  z.string().startsWith('/', { error: (i) => `must start with /, got ${describeValue(i.input)}` });

/** `poisson`: exponential gaps (the default); `constant`: evenly spaced, one every 1/rps (with a shape, one per unit of its integral). */
export const ARRIVAL_PROCESSES = ['poisson', 'constant'] as const;
export type ArrivalProcess = (typeof ARRIVAL_PROCESSES)[number];

/**
 * Every `every`, for `length`, arrivals come at `rps` instead of the source's own rate; the first
 * burst starts with the run, or at the timeline entry that sets it.
 */
export const burstsSchema = z
  .strictObject({
    every: duration({ minMs: 1 }),
    length: duration({ minMs: 1 }),
    rps: positiveNumber(),
  })
  .superRefine((bursts, ctx) => {
    if (bursts.length.ms > bursts.every.ms) {
      const message = `must be at most every (${bursts.every.text}), got ${describeValue(bursts.length.text)}`;
      ctx.addIssue({ code: 'custom', path: ['length'], input: bursts.length.text, message });
    }
  });
export type Bursts = z.infer<typeof burstsSchema>;

/**
 * The rate moves linearly from the source's `rps` to `to` over `over`, then stays at `to`. It
 * starts with the run, or when a timeline entry sets it (from that entry's `rps` if it has one, else
 * from the rate the source is at). `to: 0` stops the source at the ramp's end.
 */
export const rampSchema = z.strictObject({
  to: numberIn(0, Number.POSITIVE_INFINITY),
  over: duration({ minMs: 1 }),
});
export type Ramp = z.infer<typeof rampSchema>;

/**
 * rate(t) = rps × (1 + amplitude × cos(2π (t − peak) / period)): a daily swing around `rps`, t the
 * run's clock (also when a timeline entry sets it).
 */
export const diurnalSchema = z.strictObject({
  period: duration({ minMs: 1 }).prefault('24h'),
  amplitude: numberIn(0, 1),
  /** When in the cycle the rate peaks; 0s: at the start of the run. */
  peak: duration().prefault('0s'),
});
export type Diurnal = z.infer<typeof diurnalSchema>;

/** One request shape of a mix; unset fields are the source's own. */
export const trafficRouteSchema = z.strictObject({
  path: requestPath().optional(),
  method: z.string().min(1).optional(),
  headers: stringMap().optional(),
  /** Share of the source's requests, relative to the other routes' weights. */
  weight: positiveNumber().default(1),
});
export type TrafficRoute = z.infer<typeof trafficRouteSchema>;

/** Fields a traffic source and a traffic patch share with these shapes. */
export const trafficShapeFields = {
  arrivals: z.enum(ARRIVAL_PROCESSES).optional(),
  bursts: burstsSchema.optional(),
  ramp: rampSchema.optional(),
  diurnal: diurnalSchema.optional(),
  /** A weighted mix of requests; absent: every request is the source's path, method and headers. */
  routes: z.array(trafficRouteSchema).min(1).optional(),
};

const RATE_SHAPES = ['bursts', 'ramp', 'diurnal'] as const;
const OPEN_LOOP_ONLY = ['arrivals', ...RATE_SHAPES] as const;

/** At most one rate shape, and none on a closed-loop source (its rate is set by its clients). */
export function checkTrafficShape(
  source: { clients?: number } & { [K in (typeof OPEN_LOOP_ONLY)[number]]?: unknown },
  ctx: z.core.$RefinementCtx<unknown>,
): void {
  const shapes = RATE_SHAPES.filter((key) => source[key] !== undefined);
  const second = shapes[1];
  if (second !== undefined) {
    const message = `only one of bursts, ramp or diurnal may be set; found ${shapes.join(' and ')}`;
    ctx.addIssue({ code: 'custom', path: [second], message });
  }
  if (source.clients === undefined) return;
  for (const key of OPEN_LOOP_ONLY) {
    if (source[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'applies only to rps (open loop), not clients' });
    }
  }
}
