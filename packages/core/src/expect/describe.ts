import type { Expectation, ExpectationKind } from '../config/resources/schema/scenario-expect.js';

/** How a figure is measured: a share of requests (0..1), milliseconds, or a plain count. */
export type FigureUnit = 'share' | 'ms' | 'count';

export const UNIT_OF: Readonly<Record<ExpectationKind, FigureUnit>> = {
  errorRate: 'share',
  status: 'share',
  flag: 'share',
  latency: 'ms',
  ejections: 'count',
  firstEjection: 'ms',
  ejectedAtOnce: 'count',
  breakerOpen: 'ms',
  hostShare: 'share',
  counter: 'count',
};

/** A figure in its unit, as the report table writes them: `0.42 %`, `312.40 ms`, `3`. */
export function formatFigure(unit: FigureUnit, x: number): string {
  if (x === Number.POSITIVE_INFINITY) return 'never';
  if (unit === 'share') return `${(100 * x).toFixed(2)} %`;
  if (unit === 'ms') return x >= 10_000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(2)} ms`;
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

const inCluster = (e: Expectation): string =>
  e.select.cluster === undefined ? '' : ` in ${e.select.cluster}`;

/** What the expectation looks at, in words: `p99 latency`, `share of 503 answers`, `ejections of 192.0.2.20`. */
export function describeFigure(e: Expectation): string {
  const s = e.select;
  switch (e.kind) {
    case 'errorRate':
      return 'error rate (5xx or unanswered)';
    case 'status':
      return s.code === 0 ? 'share of requests unanswered (status 0)' : `share of ${s.code} answers`;
    case 'flag':
      return `share of requests flagged ${s.name}`;
    case 'latency':
      return s.percentile === 'mean' || s.percentile === 'max'
        ? `${s.percentile} latency`
        : `${s.percentile === 'p999' ? 'p99.9' : s.percentile} latency`;
    case 'ejections':
      return `outlier ejections${s.host === undefined ? '' : ` of ${s.host}`}${inCluster(e)}`;
    case 'firstEjection':
      return `time to the first ejection${s.host === undefined ? '' : ` of ${s.host}`}${inCluster(e)}`;
    case 'ejectedAtOnce':
      return `hosts ejected at once${inCluster(e)}`;
    case 'breakerOpen':
      return `time ${s.breaker ?? 'a circuit breaker'} was open${inCluster(e)}`;
    case 'hostShare':
      return `share of requests to ${s.host}${inCluster(e)}`;
    case 'counter':
      return `${s.name}${inCluster(e)}`;
  }
}

/** The bounds as written: `≤ 1%`, `≥ 1`, `between 1 and 3`. */
export function describeBounds(e: Expectation): string {
  if (e.min !== undefined && e.max !== undefined) return `between ${e.min.text} and ${e.max.text}`;
  if (e.max !== undefined) return `≤ ${e.max.text}`;
  return `≥ ${e.min!.text}`;
}

/** `p99 latency ≤ 250ms`, or the expectation's own name. */
export function describeExpectation(e: Expectation): string {
  return e.label ?? `${describeFigure(e)} ${describeBounds(e)}`;
}
