import { metricNamed } from '../compare/metrics.js';

/** A metric's value in its unit: shares as percentages, milliseconds, counts. */
export function metricText(metric: string, x: number): string {
  const unit = metricNamed(metric).unit;
  if (unit === 'pct') return `${(100 * x).toFixed(2)} %`;
  if (unit === 'ms') return `${x.toFixed(2)} ms`;
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A signed difference in the metric's unit: percentage points for shares. */
export function metricDelta(metric: string, x: number): string {
  const unit = metricNamed(metric).unit;
  const sign = x > 0 ? '+' : x < 0 ? '−' : '±';
  const abs = Math.abs(x);
  if (unit === 'pct') return `${sign}${(100 * abs).toFixed(2)} pp`;
  if (unit === 'ms') return `${sign}${abs.toFixed(2)} ms`;
  return `${sign}${Number.isInteger(abs) ? abs : abs.toFixed(2)}`;
}
