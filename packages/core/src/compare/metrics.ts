import { checkReport } from '../config/resources/argument-checks.js';
import type { Report } from '../observe/report.js';

/** Which way a metric is better; `null` when neither is (more ejections is not a win by itself). */
export type Better = 'lower' | 'higher' | null;

export interface MetricDefinition {
  name: string;
  /** How the compare table labels it. */
  label: string;
  better: Better;
  /** `pct` values are shares (0..1) printed as percentages; `ms` are milliseconds; `count` plain numbers. */
  unit: 'pct' | 'ms' | 'count';
  of(report: Report): number;
}

const sumOverClusters = (report: Report, stat: string): number =>
  Object.values(report.clusters).reduce((s, c) => s + (c.stats[stat] ?? 0), 0);

const flagged = (report: Report, flag: string): number =>
  Object.entries(report.client.byFlag).reduce((s, [f, n]) => (f.split(',').includes(flag) ? s + n : s), 0);

/** The figures `compare` and `sweep` follow, each taken from one run's report. */
export const METRICS: readonly MetricDefinition[] = [
  {
    name: 'errorRate',
    label: 'error rate (5xx)',
    better: 'lower',
    unit: 'pct',
    of: (r) => r.client.errorRate,
  },
  { name: 'p50Ms', label: 'p50 latency', better: 'lower', unit: 'ms', of: (r) => r.client.latencyMs.p50 },
  { name: 'p99Ms', label: 'p99 latency', better: 'lower', unit: 'ms', of: (r) => r.client.latencyMs.p99 },
  { name: 'meanMs', label: 'mean latency', better: 'lower', unit: 'ms', of: (r) => r.client.latencyMs.mean },
  {
    name: 'overflows',
    label: 'UO (circuit breaker) requests',
    better: 'lower',
    unit: 'count',
    of: (r) => flagged(r, 'UO'),
  },
  {
    name: 'retries',
    label: 'retries (upstream_rq_retry)',
    better: null,
    unit: 'count',
    of: (r) => sumOverClusters(r, 'upstream_rq_retry'),
  },
  {
    name: 'ejections',
    label: 'outlier ejections',
    better: null,
    unit: 'count',
    of: (r) => Object.values(r.clusters).reduce((s, c) => s + c.ejections.length, 0),
  },
  { name: 'requests', label: 'client requests', better: null, unit: 'count', of: (r) => r.client.total },
];

/** One run's figures, by metric name. */
export type MetricValues = Record<string, number>;

export function metricsOf(report: Report): MetricValues {
  checkReport('metricsOf(report)', report);
  return Object.fromEntries(METRICS.map((m) => [m.name, m.of(report)]));
}

export function metricNamed(name: string): MetricDefinition {
  const metric = METRICS.find((m) => m.name === name);
  if (metric === undefined) {
    throw new RangeError(`unknown metric ${name}; known: ${METRICS.map((m) => m.name).join(', ')}`);
  }
  return metric;
}
