import { METRICS, type MetricDefinition } from '../compare/metrics.js';
import { parseDurationMs } from '../config/resources/durations.js';

/** What a tune optimizes: one metric of compare's, its mean over the seeds, one way. */
export interface TuneObjective {
  metric: string;
  direction: 'minimize' | 'maximize';
}

/** A bound the mean of a metric must keep for a config to count: `p99 < 300ms` is `p99Ms < 300`. */
export interface TuneConstraint {
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  /** In the metric's own unit: a share (0..1), milliseconds or a count. */
  value: number;
  /** As written, for messages and the report. */
  text: string;
}

/** Short names a person types, beside compare's metric names. */
const ALIASES: Record<string, string> = {
  p50: 'p50Ms',
  p99: 'p99Ms',
  mean: 'meanMs',
  meanLatency: 'meanMs',
  errors: 'errorRate',
  uo: 'overflows',
};

/** A problem with an objective or a constraint as written; the CLI prints it in one line. */
export class TuneSpecError extends Error {}

function metricOf(name: string, where: string): MetricDefinition {
  const metric = METRICS.find((m) => m.name === (ALIASES[name] ?? name));
  if (metric === undefined) {
    const known = [...METRICS.map((m) => m.name), ...Object.keys(ALIASES)].join(', ');
    throw new TuneSpecError(`${where}: unknown metric "${name}"; known: ${known}`);
  }
  return metric;
}

/** `minimize errorRate`, `maximize requests`; `min`/`max` are accepted too. */
export function parseObjective(text: string): TuneObjective {
  const match = /^\s*(minimize|maximize|min|max)\s+(\S+)\s*$/i.exec(text);
  if (match === null) {
    throw new TuneSpecError(`objective "${text}": write it as "minimize METRIC" or "maximize METRIC"`);
  }
  const metric = metricOf(match[2]!, `objective "${text}"`);
  const direction = match[1]!.toLowerCase().startsWith('min') ? 'minimize' : 'maximize';
  return { metric: metric.name, direction };
}

/** A bound in the metric's unit: `300ms` or `1.5s` for latencies, `0.5%` or `0.005` for shares. */
function boundValue(metric: MetricDefinition, text: string, where: string): number {
  if (metric.unit === 'ms') {
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    const ms = parseDurationMs(text);
    if (ms === undefined) throw new TuneSpecError(`${where}: "${text}" is not a duration (e.g. 300ms, 1.5s)`);
    return ms;
  }
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (pct !== null && metric.unit === 'pct') return Number(pct[1]) / 100;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unit = metric.unit === 'pct' ? 'a share, e.g. 0.5% or 0.005' : 'a number';
  throw new TuneSpecError(`${where}: "${text}" is not ${unit}`);
}

/** `p99 < 300ms`, `errorRate <= 0.5%`, `requests >= 1000`. */
export function parseConstraint(text: string): TuneConstraint {
  const match = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(<=|>=|<|>)\s*(\S+)\s*$/.exec(text);
  const where = `constraint "${text}"`;
  if (match === null) throw new TuneSpecError(`${where}: write it as METRIC < VALUE (or <=, >, >=)`);
  const metric = metricOf(match[1]!, where);
  return {
    metric: metric.name,
    op: match[2] as TuneConstraint['op'],
    value: boundValue(metric, match[3]!, where),
    text: text.trim(),
  };
}

export function meetsConstraint(c: TuneConstraint, x: number): boolean {
  if (c.op === '<') return x < c.value;
  if (c.op === '<=') return x <= c.value;
  if (c.op === '>') return x > c.value;
  return x >= c.value;
}

/** How far x is past the bound, relative to it (0 when met), to order configs that all miss it. */
export function violation(c: TuneConstraint, x: number): number {
  if (meetsConstraint(c, x)) return 0;
  return Math.abs(x - c.value) / Math.max(Math.abs(c.value), 1e-12);
}

/** Lower is better for the objective: the mean itself when minimizing, its negation when maximizing. */
export const signed = (o: TuneObjective, mean: number): number => (o.direction === 'minimize' ? mean : -mean);
