import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { checkReport } from '../config/resources/argument-checks.js';
import { printable } from '../config/resources/printable.js';
import { BREAKER_GAUGES } from '../envoy/circuit-breakers.js';
import { type FlagName, responseFlagMeaning } from '../envoy/response-flags.js';
import { clockText, notableEvents } from '../explain/notable-events.js';
import type { ReportContext } from '../explain/report-context.js';
import { whyNotes } from '../explain/why-notes.js';
import { hostFailures, hostRequests, type Report } from '../observe/report.js';

import { HTML_SCRIPT, HTML_STYLE } from './html-template.js';

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | undefined;

/** uPlot's minified bundle and stylesheet, read once from the installed package and inlined. */
export function uplotBundle(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

export const escapeHtml = (text: string): string =>
  printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element: no `</script>` or `<!--` can close or confuse it. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/** The series the page's charts draw, one value per timeline bucket (null where not sampled). */
export function chartData(report: Report) {
  const points = report.timeline;
  const bucketMs = report.timelineBucketMs ?? (points.length > 1 ? points[1]!.tMs - points[0]!.tMs : 1000);
  const perSecond = 1000 / bucketMs;
  const flags = [...new Set(points.flatMap((p) => Object.keys(p.byFlag ?? {})))].sort();
  const share = (n: number, of: number) => (of > 0 ? n / of : 0);
  const endMs = Math.max(report.durationMs, ...points.map((p) => p.tMs + bucketMs));
  // Per host the application's requests and failures, as the table report counts them (tcp-proxied too).
  const hosts = Object.values(report.clusters).flatMap((c) =>
    c.hosts.map((h) => ({ address: h.address, requests: hostRequests(c, h), failures: hostFailures(c, h) })),
  );
  const ejections = Object.values(report.clusters).flatMap((c) => c.ejections);
  const laneHosts = [...new Set(ejections.map((e) => e.host))];
  const gauges = BREAKER_GAUGES.filter((g) => points.some((p) => p.breakersOpen?.[g] !== undefined));
  return {
    t: points.map((p) => p.tMs / 1000),
    series: {
      requestRate: points.map((p) => p.requests * perSecond),
      errorRate: points.map((p) => share(p.errors, p.requests)),
      byFlag: Object.fromEntries(
        flags.map((f) => [f, points.map((p) => share(p.byFlag?.[f] ?? 0, p.requests))]),
      ),
      p99: points.map((p) => p.p99Ms),
      ejected: points.map((p) => p.ejectedHosts),
      rqActive: points.map((p) => p.rqActive ?? null),
      rqPending: points.map((p) => p.rqPending ?? null),
      cxActive: points.map((p) => p.cxActive ?? null),
      // Per gauge that ever opened: the share of each bucket it was 1 in some cluster (0 when closed all along).
      breakersOpen: Object.fromEntries(gauges.map((g) => [g, points.map((p) => p.breakersOpen?.[g] ?? 0)])),
    },
    hosts,
    // Lane i sits at height i + 1 while its host is ejected during a bucket, and is absent otherwise.
    lanes: laneHosts.map((host, i) => ({
      host,
      values: points.map((p) =>
        ejections.some((e) => e.host === host && e.atMs < p.tMs + bucketMs && (e.untilMs ?? endMs) > p.tMs)
          ? i + 1
          : null,
      ),
    })),
    // The Scenario timeline's phases: a labelled line where each starts.
    phases: (report.phases ?? []).map((p) => ({ atS: p.atMs / 1000, label: p.label })),
    // Shaded on every time chart: the drain after the traffic stopped, and each ejection.
    bands: [
      ...(endMs > report.durationMs
        ? [{ kind: 'drain', fromS: report.durationMs / 1000, toS: endMs / 1000, label: 'drain' }]
        : []),
      ...ejections.map((e) => ({
        kind: 'ejected',
        fromS: e.atMs / 1000,
        toS: (e.untilMs ?? endMs) / 1000,
        label: `${e.host} ejected`,
      })),
    ],
  };
}

export function tableHtml(head: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number, tag: string) =>
    `<${tag}${typeof v === 'number' ? ' class="n"' : ''}>${escapeHtml(String(v))}</${tag}>`;
  return `<table><tr>${head.map((h) => cell(h, 'th')).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`)
    .join('')}</table>`;
}

/**
 * The report as one self-contained HTML page: uPlot's bundle and the data are inlined, nothing is
 * fetched. Charts over simulated time (request rate, error rate by flag, p99, ejected hosts, pool
 * occupancy, circuit breakers open against the 5xx rate) with the drain and the ejections shaded, the
 * time each breaker was open per cluster, per-host charts, the events and the "why".
 */
export function formatReportHtml(report: Report, context?: ReportContext): string {
  checkReport('formatReportHtml(report)', report);
  const { js, css } = uplotBundle();
  const c = report.client;
  const title = `meshsim: ${report.scenario}`;
  const hostRows = Object.entries(report.clusters).flatMap(([name, cluster]) => {
    const total = cluster.hosts.reduce((s, h) => s + hostRequests(cluster, h), 0);
    return cluster.hosts.map((h) => [
      name,
      h.address,
      hostRequests(cluster, h),
      pct(hostRequests(cluster, h) / Math.max(1, total)),
      hostFailures(cluster, h),
      h.ejections,
      clockText(h.ejectedMs),
    ]);
  });
  const flagRows = Object.entries(c.byFlag).map(([f, n]) => [
    f,
    n,
    f
      .split(',')
      .map((x) => responseFlagMeaning[x as FlagName | '-'] ?? 'unknown flag')
      .join('; '),
  ]);
  const events = notableEvents(report, context);
  const notes = context === undefined ? [] : whyNotes(report, context);
  const breakerRows = Object.entries(report.clusters).flatMap(([name, cluster]) =>
    BREAKER_GAUGES.flatMap((gauge) => {
      const b = cluster.circuitBreakers?.[gauge];
      return b === undefined
        ? []
        : [
            [
              name,
              `circuit_breakers.default.${gauge}`,
              `${(b.openMs / 1000).toFixed(3)} s`,
              b.openings,
              b.openAtEnd ? 'open' : 'closed',
            ],
          ];
    }),
  );
  const l = c.latencyMs;
  const chart = (id: string) => `<div class="chart" id="${id}"></div>`;
  const data = chartData(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style><style>${HTML_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">seed ${report.seed}, ${clockText(report.durationMs)} simulated, ${clockText(data.t.length > 1 ? (data.t[1]! - data.t[0]!) * 1000 : 1000)} buckets</div>
${report.partial === undefined ? '' : `<p class="partial" style="border-left: 4px solid #dc322f; padding: 6px 10px; background: #fdf0ef"><b>Partial report (${escapeHtml(report.partial.cause)})</b>: the run stopped at ${escapeHtml(clockText(report.partial.atMs))}; everything here counts only until then. ${escapeHtml(report.partial.message)}${report.partial.field === undefined ? '' : ` <code>${escapeHtml(report.partial.field)}</code>`}</p>\n`}<p class="summary"><span><b>${c.total}</b> requests</span><span>error rate <b>${pct(c.errorRate)}</b> (5xx)</span><span>p50 <b>${l.p50} ms</b></span><span>p99 <b>${l.p99} ms</b></span><span>max ${l.max} ms</span></p>
<h2>Client</h2>
${tableHtml(
  ['status', 'requests', 'share'],
  Object.entries(c.byStatus).map(([s, n]) => [s, n, pct(n / Math.max(1, c.total))]),
)}
${tableHtml(['flags', 'requests', 'meaning'], flagRows)}
<h2>Over time</h2>
<div class="legend-note">Shaded: <span class="swatch" style="background:rgba(220,50,47,0.25)"></span>a host ejected <span class="swatch" style="background:rgba(120,120,120,0.3)"></span>drain (traffic stopped, requests in flight finishing)</div>
${chart('chart-rate')}${chart('chart-errors')}${chart('chart-p99')}${data.series.ejected.some((n) => n > 0) ? chart('chart-ejected') : '<p class="muted">Ejected hosts: none at any time.</p>'}${chart('chart-pool')}
<h2>Circuit breakers</h2>
${
  breakerRows.length === 0
    ? '<p class="muted">No circuit breaker reached its limit: every circuit_breakers.default.*_open gauge stayed 0.</p>'
    : `${chart('chart-breakers')}${tableHtml(['cluster', 'circuit breaker open', 'for', 'openings', 'at the end'], breakerRows)}`
}
<h2>Hosts</h2>
${tableHtml(['cluster', 'host', 'requests', 'share', 'failed', 'ejections', 'time ejected'], hostRows)}
${chart('chart-hosts')}${data.lanes.length > 0 ? chart('chart-lanes') : '<p class="muted">No host was ejected.</p>'}
<h2>Events</h2>
${events.length === 0 ? '<p class="muted">None.</p>' : `<ul class="events">${events.map((e) => `<li>${escapeHtml(clockText(e.atMs))} ${escapeHtml(e.text)}</li>`).join('')}</ul>`}
${notes.length === 0 ? '' : `<h2>Why</h2><ul>${notes.map((n) => `<li>${escapeHtml(n.text)}${n.at !== undefined ? `<br><code>${escapeHtml(n.at)}</code>` : ''}</li>`).join('')}</ul>`}
${report.warnings.length === 0 ? '' : `<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li><code>${escapeHtml(w)}</code></li>`).join('')}</ul>`}
<script id="meshsim-data" type="application/json">${scriptJson(data)}</script>
<script>${js}</script>
<script>${HTML_SCRIPT}</script>
</body></html>
`;
}
