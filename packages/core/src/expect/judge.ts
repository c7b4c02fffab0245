import { pairedInterval } from '../compare/paired-stats.js';
import type { Expectation } from '../config/resources/schema/scenario-expect.js';
import { type FigureUnit, formatFigure } from './describe.js';

/** `pass`: the bounds hold; `fail`: they do not; `inconclusive`: the interval straddles a bound. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** The mean of a figure over seeds and its Student-t interval (the one compare draws). */
export interface FigureInterval {
  n: number;
  mean: number;
  sd: number;
  low: number;
  high: number;
  level: number;
}

export interface Judgement {
  verdict: Verdict;
  /** The figure: the run's, or the mean over the runs. */
  value: number;
  /** With replications: the interval the verdict rests on. */
  interval?: FigureInterval;
  /** What was measured, in words: `312.40 ms`, `mean 0.42 % (95 % interval 0.31 % … 0.53 %, 10 seeds)`. */
  got: string;
  /** Why the verdict, in one sentence. */
  reason: string;
}

const within = (e: Expectation, x: number): boolean =>
  (e.min === undefined || x >= e.min.value) && (e.max === undefined || x <= e.max.value);

/** Judged on one run: the figure itself against the bounds. */
export function judgeOne(e: Expectation, unit: FigureUnit, value: number, seed: number): Judgement {
  const pass = within(e, value);
  const got = formatFigure(unit, value);
  const side = e.max !== undefined && value > e.max.value ? `over ${e.max.text}` : `under ${e.min?.text}`;
  return {
    verdict: pass ? 'pass' : 'fail',
    value,
    got,
    reason: pass ? `${got} on seed ${seed}` : `${got} on seed ${seed}: ${side}`,
  };
}

const pct = (level: number): string => `${+(level * 100).toFixed(1)} %`;

/** Replications that would make the interval narrow enough to clear the nearest bound (it shrinks as 1/√n). */
function replicationsToSettle(e: Expectation, interval: FigureInterval): number | null {
  const bounds = [e.min?.value, e.max?.value].filter((b): b is number => b !== undefined);
  const gap = Math.min(...bounds.map((b) => Math.abs(interval.mean - b)));
  const half = (interval.high - interval.low) / 2;
  if (gap === 0 || half === 0) return null;
  return Math.ceil(interval.n * (half / gap) ** 2);
}

/** Where the interval stands against the bounds: wholly inside, wholly outside one, or across one. */
function placement(
  e: Expectation,
  i: FigureInterval,
): { verdict: Verdict; crossed?: string; beyond?: string } {
  if (within(e, i.low) && within(e, i.high)) return { verdict: 'pass' };
  if (e.max !== undefined && i.low > e.max.value) return { verdict: 'fail', beyond: `over ${e.max.text}` };
  if (e.min !== undefined && i.high < e.min.value) return { verdict: 'fail', beyond: `under ${e.min.text}` };
  const crossed = e.max !== undefined && i.high > e.max.value ? e.max.text : e.min!.text;
  return { verdict: 'inconclusive', crossed };
}

/**
 * Judged over N seeds: the mean's Student-t interval at `level` (compare's paired statistics, paired
 * with zero) must lie within the bounds to pass, and wholly beyond one to fail; across one it is not
 * shown either way, which fails the expectation too: a gate passes only what it can show.
 */
export function judgeMany(
  e: Expectation,
  unit: FigureUnit,
  runs: readonly number[],
  level: number,
  censorAtMs: number,
): Judgement {
  const never = runs.filter((v) => v === Number.POSITIVE_INFINITY).length;
  if (never > 0 && e.max !== undefined) {
    return {
      verdict: 'fail',
      value: Number.POSITIVE_INFINITY,
      got: `never on ${never} of ${runs.length} seeds`,
      reason: `${never} of ${runs.length} runs never got there, so the mean is over ${e.max.text}`,
    };
  }
  // Against a lower bound a run that never got there counts as the run's end: less than it was, so safe.
  const values = runs.map((v) => (v === Number.POSITIVE_INFINITY ? censorAtMs : v));
  const stats = pairedInterval(
    values.map(() => 0),
    values,
    level,
  );
  const interval: FigureInterval = {
    n: stats.n,
    mean: stats.meanDiff,
    sd: stats.sdDiff,
    low: stats.low,
    high: stats.high,
    level,
  };
  const f = (x: number) => formatFigure(unit, x);
  const range = `${f(interval.low)} … ${f(interval.high)}`;
  const censored = never === 0 ? '' : `; ${never} never, counted as the run's end`;
  const got = `mean ${f(interval.mean)} (${pct(level)} interval ${range}, ${values.length} seeds${censored})`;
  const { verdict, crossed, beyond } = placement(e, interval);
  let reason: string;
  if (verdict === 'pass')
    reason = `holds with ${pct(level)} confidence: the interval ${range} is within the bounds`;
  else if (verdict === 'fail')
    reason = `fails with ${pct(level)} confidence: the interval ${range} is wholly ${beyond}`;
  else {
    const more = replicationsToSettle(e, interval);
    reason = `not shown at ${pct(level)} confidence: the interval ${range} straddles ${crossed}${more === null ? '' : `; about ${more} replications would settle it`}`;
  }
  return { verdict, value: interval.mean, interval, got, reason };
}
