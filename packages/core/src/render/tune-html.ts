import { metricDelta, metricText } from '../tune/metric-text.js';
import { goalText, type TuneReport } from '../tune/report.js';
import { uplotBundle } from './html-report.js';
import { HTML_STYLE } from './html-template.js';
import { tuneChartData } from './tune-data.js';
import { TUNE_SCRIPT } from './tune-script.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function bestTable(r: TuneReport): string {
  const level = `${Math.round(r.level * 100)} %`;
  const head = [
    'rank',
    'config',
    ...r.objectives.flatMap((o) => [o.metric, `${level} interval`, '− winner (paired)']),
    ...r.constraints.map((c) => c.text),
  ];
  const rows = r.best.map((b) => [
    String(b.rank),
    b.label,
    ...b.objectives.flatMap((o) => [
      metricText(o.metric, o.mean),
      `${metricText(o.metric, o.low)} … ${metricText(o.metric, o.high)}`,
      b.rank === 1
        ? '—'
        : o.vsWinner.low === 0 && o.vsWinner.high === 0
          ? 'same on every seed'
          : `${metricDelta(o.metric, o.vsWinner.low)} … ${metricDelta(o.metric, o.vsWinner.high)}`,
    ]),
    ...b.constraints.map(
      (c) =>
        `${metricText(c.metric, c.mean)} ${c.certain ? 'met' : c.met ? 'met (interval crosses)' : 'missed'}`,
    ),
  ]);
  const cells = (row: string[], tag: string) => row.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join('');
  return `<table><tr>${cells(head, 'th')}</tr>${rows.map((row) => `<tr>${cells(row, 'td')}</tr>`).join('')}</table>`;
}

function rungList(r: TuneReport): string {
  const items = r.rungs.map(
    (g) =>
      `<li>rung ${g.rung + 1}: ${g.configs} config(s) on ${g.seeds} seeds${g.kept === null ? '' : `, the best ${g.kept} kept`}</li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

/**
 * The tune as one self-contained page (uPlot inlined, nothing fetched): each objective against each
 * varied field (every config that ran, the last rung's apart, the winner marked), the response
 * surface over the first two fields, the Pareto front of two objectives, the best configs with their
 * intervals and the winner's YAML.
 */
export function formatTuneHtml(report: TuneReport): string {
  const { js, css } = uplotBundle();
  const title = `meshsim tune: ${report.scenario}`;
  const data = tuneChartData(report);
  const charts = data.objectives.flatMap((o, k) => [
    ...o.byAxis.map((_, i) => `<div class="chart" id="chart-${k}-axis-${i}"></div>`),
    ...(o.surface === null ? [] : [`<div class="chart" id="chart-${k}-surface"></div>`]),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style><style>${HTML_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">${escapeHtml(goalText(report))}; ${report.search.configs} configs, ${report.runs} runs on seeds ${report.seeds[0]}…${report.seeds[report.seeds.length - 1]} (common random numbers)</div>
${rungList(report)}
<h2>The best configs</h2>
${bestTable(report)}
<h2>Response surface</h2>
<div class="legend-note">Each point is a config's mean over the seeds of the last rung it ran in; grey ones were dropped by successive halving after fewer seeds.</div>
${charts.join('')}
${data.pareto === null ? '' : '<h2>Pareto front</h2><div class="chart" id="chart-pareto"></div>'}
<h2>Winner</h2>
${report.winner === null ? '<p>No config meets every constraint.</p>' : `<p>${escapeHtml(report.winner.label)}: apply with <code>kubectl apply -f</code>, or check with <code>meshsim compare --vary winner=FILE</code>.</p><pre>${escapeHtml(report.winner.patch)}</pre>`}
<script id="meshsim-data" type="application/json">${scriptJson(data)}</script>
<script>${js}</script>
<script>${TUNE_SCRIPT}</script>
</body></html>
`;
}
