import type { CompareDifference, CompareReport } from '../compare/compare.js';
import { METRICS, type MetricDefinition } from '../compare/metrics.js';
import type { SweepReport } from '../compare/sweep.js';
import { printable } from '../config/resources/printable.js';
import { TextTable, wrapParagraph } from '../explain/text-layout.js';

const table = (head: string[]) => new TextTable(head);

/** A value in its metric's unit: shares as percentages, milliseconds, counts. */
export function value(unit: MetricDefinition['unit'], x: number): string {
  if (unit === 'pct') return `${(100 * x).toFixed(2)} %`;
  if (unit === 'ms') return `${x.toFixed(2)} ms`;
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A difference: percentage points for shares, signed. */
export function delta(unit: MetricDefinition['unit'], x: number): string {
  const sign = x > 0 ? '+' : x < 0 ? '−' : '±';
  const abs = Math.abs(x);
  if (unit === 'pct') return `${sign}${(100 * abs).toFixed(2)} pp`;
  if (unit === 'ms') return `${sign}${abs.toFixed(2)} ms`;
  return `${sign}${Number.isInteger(abs) ? abs : abs.toFixed(2)}`;
}

export function verdict(d: CompareDifference): string {
  if (d.halfWidth === 0 && d.meanDiff === 0) return 'identical on every seed';
  if (d.winner !== null) return `${d.winner} better`;
  if (d.direction !== 'same') return `${d.variant} ${d.direction}`;
  return 'no difference shown';
}

/** The compare report as a table: per metric, each variant's mean, the paired difference and its interval. */
export function formatCompareTable(report: CompareReport): string {
  const [baseline, ...others] = report.variants as [string, ...string[]];
  const seeds = report.seeds[baseline]!;
  const level = `${Math.round(report.level * 100)} %`;
  const out = [
    ...wrapParagraph(
      `meshsim compare: scenario ${report.scenario}, ${seeds.length} seeds (${seeds[0]}…${seeds[seeds.length - 1]}), ` +
        (report.pairing === 'common'
          ? 'common random numbers (every variant meets the same arrivals and endpoint failures)'
          : 'independent seeds (variant j on seed + 10000·j)'),
    ),
    '',
  ];
  for (const variant of others) {
    const t = table([
      'metric',
      baseline,
      variant,
      `${variant} − ${baseline}`,
      `${level} interval`,
      'verdict',
    ]);
    for (const m of report.metrics) {
      const d = m.differences.find((x) => x.variant === variant)!;
      t.push([
        m.label,
        value(m.unit, m.means[baseline]!),
        value(m.unit, m.means[variant]!),
        delta(m.unit, d.meanDiff),
        `${delta(m.unit, d.low)} … ${delta(m.unit, d.high)}`,
        verdict(d),
      ]);
    }
    out.push(t.toString());
  }
  out.push(
    '',
    ...wrapParagraph(
      `Intervals: mean paired difference ± t(${(1 + report.level) / 2}, n−1)·sd/√n over the seeds; a variant is better where the interval excludes zero and lower (or higher) is better.`,
    ),
  );
  return printable(`${out.join('\n')}\n`);
}

/** The sweep as a table: one row per value, the mean of every metric over the seeds. */
export function formatSweepTable(report: SweepReport): string {
  const seeds = report.seeds === null ? "the Scenario's seed" : `mean of ${report.seeds.length} seeds`;
  const t = table(['value', ...METRICS.map((m) => m.label)]);
  for (const row of report.rows)
    t.push([String(row.value), ...METRICS.map((m) => value(m.unit, row.means[m.name]!))]);
  const title = wrapParagraph(`meshsim sweep: scenario ${report.scenario}, ${report.field} (${seeds})`);
  return printable(`${[...title, t.toString()].join('\n')}\n`);
}
