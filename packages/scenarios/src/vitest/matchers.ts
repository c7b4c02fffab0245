import { type BreakerGauge, parseDurationMs, type Report } from '@meshsim/core';
import type { Invariant } from '../invariants/invariant.js';

/** What a matcher returns to `expect.extend`; vitest negates `pass` under `.not` itself. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

type MatcherThis = { isNot?: boolean };

/** `'250ms'`, `'2m'` or milliseconds. */
export type DurationInput = string | number;

/** The latency figures of `Report.client.latencyMs`. */
export type LatencyStat = 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max';

function asReport(received: unknown, matcher: string): Report {
  const client = (received as Partial<Report> | null)?.client;
  if (typeof received !== 'object' || received === null || typeof client?.errorRate !== 'number') {
    throw new TypeError(
      `${matcher} expects a meshsim Report (what simulate() returns), got ${typeof received}`,
    );
  }
  return received as Report;
}

function toMs(value: DurationInput, what: string): number {
  const ms = typeof value === 'number' ? value : parseDurationMs(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(
      `${what} must be a duration such as '250ms' or a number of milliseconds, got ${String(value)}`,
    );
  }
  return ms;
}

const percent = (x: number) => `${(100 * x).toFixed(3)} %`;
const not = (self: MatcherThis) => (self.isNot ? 'not ' : '');

/** `host` names an ejected host by address (`192.0.2.20`) or address and port (`192.0.2.20:80`). */
const sameHost = (host: string, reported: string) =>
  reported === host || reported.replace(/:\d+$/, '') === host;

export const meshsimMatchers = {
  /** The client's error rate (5xx and unanswered requests, `report.client.errorRate`) is under `max`. */
  toHaveErrorRateBelow(this: MatcherThis, received: unknown, max: number): MatcherResult {
    const report = asReport(received, 'toHaveErrorRateBelow');
    const { errorRate, total, byStatus } = report.client;
    return {
      pass: errorRate < max,
      message: () =>
        `expected the error rate ${not(this)}to be below ${percent(max)}: it is ${percent(errorRate)} of ${total} requests (by status ${JSON.stringify(byStatus)})`,
      actual: errorRate,
      expected: max,
    };
  },

  /** The client's latency figure `stat` (`p99`, `p50`, `max` …) is under `limit`. */
  toHaveLatencyBelow(
    this: MatcherThis,
    received: unknown,
    stat: LatencyStat,
    limit: DurationInput,
  ): MatcherResult {
    const report = asReport(received, 'toHaveLatencyBelow');
    const limitMs = toMs(limit, 'toHaveLatencyBelow limit');
    const value = report.client.latencyMs[stat];
    if (typeof value !== 'number')
      throw new TypeError(`toHaveLatencyBelow: no latency figure ${String(stat)}`);
    return {
      pass: value < limitMs,
      message: () =>
        `expected the client's ${stat} latency ${not(this)}to be below ${limitMs} ms: it is ${value} ms`,
      actual: value,
      expected: limitMs,
    };
  },

  /**
   * Outlier detection ejected `host` (an address, with or without its port): at least `times` times
   * (default 1), the first within `within` of the start, in `cluster` when given.
   */
  toEject(
    this: MatcherThis,
    received: unknown,
    host: string,
    options: { within?: DurationInput; times?: number; cluster?: string } = {},
  ): MatcherResult {
    const report = asReport(received, 'toEject');
    const withinMs = options.within === undefined ? Number.POSITIVE_INFINITY : toMs(options.within, 'within');
    const times = options.times ?? 1;
    const ejections = Object.entries(report.clusters)
      .filter(([name]) => options.cluster === undefined || name === options.cluster)
      .flatMap(([, c]) => c.ejections)
      .filter((e) => sameHost(host, e.host));
    const first = ejections.reduce((t, e) => Math.min(t, e.atMs), Number.POSITIVE_INFINITY);
    const wanted = `${times > 1 ? `${times} times` : ''}${options.within === undefined ? '' : ` within ${withinMs} ms`}`;
    return {
      pass: ejections.length >= times && first <= withinMs,
      message: () =>
        ejections.length === 0
          ? `expected ${host} ${not(this)}to be ejected${wanted}: it never was`
          : `expected ${host} ${not(this)}to be ejected${wanted}: ${ejections.length} ejection(s), the first at ${first} ms`,
      actual: ejections.map((e) => e.atMs),
    };
  },

  /** Some client requests ended with response flag `flag` (`UO`, `UF`, `URX` …), at least `atLeast` (default 1). */
  toHaveResponseFlag(
    this: MatcherThis,
    received: unknown,
    flag: string,
    options: { atLeast?: number } = {},
  ): MatcherResult {
    const report = asReport(received, 'toHaveResponseFlag');
    const atLeast = options.atLeast ?? 1;
    const count = Object.entries(report.client.byFlag)
      .filter(([flags]) => flags.split(',').includes(flag))
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      pass: count >= atLeast,
      message: () =>
        `expected ${not(this)}at least ${atLeast} request(s) with flag ${flag}: ${count} of ${report.client.total} (by flag ${JSON.stringify(report.client.byFlag)})`,
      actual: count,
      expected: atLeast,
    };
  },

  /**
   * A circuit breaker reached its limit: the `circuit_breakers.default.<gauge>` gauge (`cx_open`,
   * `rq_pending_open`, `rq_open`, `rq_retry_open`; any when absent) was 1, in `cluster` when given.
   */
  toOpenCircuitBreaker(
    this: MatcherThis,
    received: unknown,
    gauge?: BreakerGauge,
    options: { cluster?: string } = {},
  ): MatcherResult {
    const report = asReport(received, 'toOpenCircuitBreaker');
    const opened = Object.entries(report.clusters)
      .filter(([name]) => options.cluster === undefined || name === options.cluster)
      .flatMap(([name, c]) =>
        Object.entries(c.circuitBreakers ?? {})
          .filter(([g, b]) => (gauge === undefined || g === gauge) && (b?.openings ?? 0) > 0)
          .map(([g]) => `${name} ${g}`),
      );
    const which = gauge ?? 'any circuit breaker';
    return {
      pass: opened.length > 0,
      message: () =>
        `expected ${which} ${not(this)}to open${options.cluster === undefined ? '' : ` in ${options.cluster}`}: ${opened.length === 0 ? 'none did' : opened.join(', ')}`,
      actual: opened,
    };
  },

  /** Every invariant holds for the report or trace (`@meshsim/scenarios/invariants`). */
  toSatisfyInvariants(
    this: MatcherThis,
    received: unknown,
    ...invariants: Array<Invariant<never>>
  ): MatcherResult {
    const violations = invariants.flatMap((invariant) => invariant(received as never));
    const shown = violations.slice(0, 10).map((v) => `  ${v.invariant}: ${v.message}`);
    return {
      pass: violations.length === 0,
      message: () =>
        violations.length === 0
          ? 'expected an invariant to be violated: all held'
          : `${violations.length} invariant violation(s):\n${shown.join('\n')}${violations.length > 10 ? '\n  …' : ''}`,
      actual: violations,
    };
  },
};

/**
 * The matchers' types, as `expect(report).…` sees them once `@meshsim/scenarios/vitest` is imported; `T` is
 * the type of what `expect` was given.
 */
export interface MeshsimMatchers<T = unknown> {
  /** The client's error rate (5xx and unanswered, `report.client.errorRate`) is under `max` (0..1). */
  toHaveErrorRateBelow(max: number): void;
  /** The client's latency figure `stat` is under `limit` (`'250ms'` or milliseconds). */
  toHaveLatencyBelow(stat: LatencyStat, limit: DurationInput): void;
  /** `host` (address, with or without port) was ejected: `times` times at least, the first `within` the start. */
  toEject(host: string, options?: { within?: DurationInput; times?: number; cluster?: string }): void;
  /** At least `atLeast` (default 1) client requests ended with response flag `flag`. */
  toHaveResponseFlag(flag: string, options?: { atLeast?: number }): void;
  /** The circuit breaker `gauge` (any when absent) reached its limit, in `cluster` when given. */
  toOpenCircuitBreaker(gauge?: BreakerGauge, options?: { cluster?: string }): void;
  /** Every invariant holds for the report or the trace given to `expect`. */
  toSatisfyInvariants(...invariants: Array<Invariant<T>>): void;
}
