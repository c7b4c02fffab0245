import type { CompareReport } from '../compare/compare.js';
import { METRICS, type MetricDefinition } from '../compare/metrics.js';
import type { SweepReport } from '../compare/sweep.js';
import { escapeHtml, scriptJson, tableHtml, uplotBundle } from '../render/html-report.js';
import { HTML_STYLE } from '../render/html-template.js';
import { delta, value, verdict } from './format-compare.js';

/** One chart of the page: a value per x position and series, x labelled by `xLabels`. */
interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  xLabels: string[];
  yLabel: string;
  /** Shares are drawn in percent, on an axis from 0. */
  percent: boolean;
  series: Array<{ label: string; values: number[] }>;
}

const unitLabel = (m: MetricDefinition): string =>
  m.unit === 'pct' ? '%' : m.unit === 'ms' ? 'ms' : 'count';

/** A metric's chart: over seeds (compare, one series per variant) or over values (sweep). */
function chart(
  id: string,
  m: MetricDefinition,
  xLabel: string,
  xLabels: string[],
  series: ChartSpec['series'],
) {
  return { id, title: m.label, xLabel, xLabels, yLabel: unitLabel(m), percent: m.unit === 'pct', series };
}

/**
 * Draws each chart with uPlot: points joined by lines, x at integer positions labelled from the data,
 * y from 0; lists them on `window.meshsimCharts` as the run report does.
 */
const CHART_SCRIPT = `
(() => {
  const charts = JSON.parse(document.getElementById('meshsim-data').textContent);
  const palette = ['#268bd2', '#dc322f', '#859900', '#b58900', '#6c71c4', '#2aa198', '#d33682', '#cb4b16'];
  const width = () => Math.max(480, Math.min(1120, document.body.clientWidth - 10));
  const drawn = charts.map((c) => {
    const scale = c.percent ? 100 : 1;
    const rows = [c.xLabels.map((_, i) => i), ...c.series.map((s) => s.values.map((v) => v * scale))];
    const u = new uPlot(
      {
        title: c.title,
        width: width(),
        height: 230,
        scales: { x: { time: false, range: [-0.5, c.xLabels.length - 0.5] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: [
          { label: c.xLabel, values: (u, splits) => splits.map((i) => (Number.isInteger(i) && c.xLabels[i] !== undefined ? c.xLabels[i] : '')) },
          { label: c.yLabel, size: 70, ...(c.percent ? { values: (u, splits) => splits.map((v) => v + ' %') } : {}) },
        ],
        series: [{ label: c.xLabel }, ...c.series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length], width: 1.5, points: { show: true, size: 6 } }))],
      },
      rows,
      document.getElementById(c.id),
    );
    return { id: c.id, title: c.title, u };
  });
  window.meshsimCharts = drawn.map(({ id, title, u }) => ({
    id,
    title,
    points: u.data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null && !Number.isNaN(v)).length, 0),
    get y() { return [u.scales.y.min, u.scales.y.max]; },
  }));
})();
`;

function page(title: string, subtitle: string, body: string, charts: ChartSpec[]): string {
  const { js, css } = uplotBundle();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style><style>${HTML_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">${escapeHtml(subtitle)}</div>
${body}
${charts.map((c) => `<div class="chart" id="${c.id}"></div>`).join('')}
<script id="meshsim-data" type="application/json">${scriptJson(charts)}</script>
<script>${js}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

/** The compare report as a page: per variant the table of differences, then per metric each seed's value per variant. */
export function formatCompareHtml(report: CompareReport): string {
  const [baseline, ...others] = report.variants as [string, ...string[]];
  const seeds = report.seeds[baseline]!;
  const level = `${Math.round(report.level * 100)} %`;
  const tables = others.map((variant) => {
    const rows = report.metrics.map((m) => {
      const d = m.differences.find((x) => x.variant === variant)!;
      return [
        m.label,
        value(m.unit, m.means[baseline]!),
        value(m.unit, m.means[variant]!),
        delta(m.unit, d.meanDiff),
        `${delta(m.unit, d.low)} … ${delta(m.unit, d.high)}`,
        verdict(d),
      ];
    });
    const head = ['metric', baseline, variant, `${variant} − ${baseline}`, `${level} interval`, 'verdict'];
    return `<h2>${escapeHtml(variant)} against ${escapeHtml(baseline)}</h2>${tableHtml(head, rows)}`;
  });
  const charts = METRICS.map((m, i) =>
    chart(
      `chart-${i}`,
      m,
      report.pairing === 'common' ? 'seed (every variant on the same one)' : 'run',
      seeds.map(String),
      report.variants.map((v) => ({ label: v, values: report.runs[v]!.map((r) => r[m.name]!) })),
    ),
  );
  const pairing =
    report.pairing === 'common'
      ? 'common random numbers (every variant meets the same arrivals and endpoint failures)'
      : 'independent seeds (variant j on seed + 10000·j)';
  const note = `<p class="muted">Intervals: mean paired difference ± t(${(1 + report.level) / 2}, n−1)·sd/√n over the seeds; a variant is better where the interval excludes zero and lower (or higher) is better.</p><h2>Each seed</h2>`;
  return page(
    `meshsim compare: ${report.scenario}`,
    `${seeds.length} seeds (${seeds[0]}…${seeds[seeds.length - 1]}), ${pairing}`,
    tables.join('\n') + note,
    charts,
  );
}

/** The sweep as a page: the table of means, then per metric its mean over the swept values. */
export function formatSweepHtml(report: SweepReport): string {
  const seeds = report.seeds === null ? "the Scenario's seed" : `mean of ${report.seeds.length} seeds`;
  const rows = report.rows.map((r) => [
    String(r.value),
    ...METRICS.map((m) => value(m.unit, r.means[m.name]!)),
  ]);
  const values = report.rows.map((r) => String(r.value));
  const charts = METRICS.map((m, i) =>
    chart(`chart-${i}`, m, 'value', values, [
      { label: m.label, values: report.rows.map((r) => r.means[m.name]!) },
    ]),
  );
  return page(
    `meshsim sweep: ${report.scenario}`,
    `${report.field} (${seeds})`,
    tableHtml(['value', ...METRICS.map((m) => m.label)], rows),
    charts,
  );
}
