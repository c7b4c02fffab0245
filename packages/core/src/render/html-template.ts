/** The page's style: plain, printable, readable without the charts. */
export const HTML_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 20px; color: #222; max-width: 1160px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 26px 0 8px; }
.muted { color: #666; } .summary span { margin-right: 22px; }
table { border-collapse: collapse; margin: 6px 0; } td, th { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { margin: 10px 0 18px; } .legend-note { font-size: 12px; color: #555; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin: 0 4px 0 10px; }
ul.events { font-family: ui-monospace, monospace; font-size: 13px; padding-left: 18px; }
code { font-size: 12px; }
`;

/**
 * The page's script: draws each chart with uPlot from the embedded data and lists them on
 * `window.meshsimCharts` (title and the number of points drawn), which the browser test reads.
 */
export const HTML_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('meshsim-data').textContent);
  const charts = [];
  const width = () => Math.max(480, Math.min(1120, document.body.clientWidth - 10));
  const shade = (u) => {
    const ctx = u.ctx;
    ctx.save();
    for (const b of data.bands) {
      const x0 = u.valToPos(b.fromS, 'x', true);
      const x1 = u.valToPos(b.toS, 'x', true);
      ctx.fillStyle = b.kind === 'drain' ? 'rgba(120,120,120,0.16)' : 'rgba(220,50,47,0.12)';
      ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
    }
    ctx.fillStyle = '#268bd2';
    ctx.font = '11px sans-serif';
    for (const p of data.phases) {
      const x = u.valToPos(p.atS, 'x', true);
      ctx.fillRect(x, u.bbox.top, 1, u.bbox.height);
      ctx.fillText(p.label, x + 3, u.bbox.top + 12);
    }
    ctx.restore();
  };
  const countPoints = (u) =>
    u.data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null && v !== undefined && !Number.isNaN(v)).length, 0);
  function mount(id, title, opts, rows) {
    const el = document.getElementById(id);
    const u = new uPlot({ title, width: width(), height: 230, ...opts }, rows, el);
    charts.push({ id, title, u });
  }
  function timeChart(id, title, yLabel, series, y = {}) {
    mount(
      id,
      title,
      {
        scales: { x: { time: false }, ...(y.range ? { y: { range: y.range } } : {}) },
        axes: [{ label: 'simulated time (s)' }, { label: yLabel, size: y.size || 70, ...(y.values ? { values: y.values } : {}) }],
        series: [
          { label: 't (s)' },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.width || 1.5,
            points: { show: false },
            // A bucket's value holds until the next bucket starts.
            ...(s.stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
            ...(s.fill ? { fill: s.fill } : {}),
          })),
        ],
        hooks: { drawClear: [shade] },
      },
      [data.t, ...series.map((s) => s.values)],
    );
  }
  const palette = ['#268bd2', '#dc322f', '#859900', '#b58900', '#6c71c4', '#2aa198', '#d33682', '#cb4b16'];
  const s = data.series;
  timeChart('chart-rate', 'Request rate', 'requests/s', [{ label: 'answered requests/s', color: palette[0], values: s.requestRate }]);
  timeChart('chart-errors', 'Error rate by response flag', 'share of requests', [
    { label: '5xx (any flag)', color: '#000', values: s.errorRate },
    ...Object.keys(s.byFlag).map((f, i) => ({ label: f, color: palette[(i + 1) % palette.length], values: s.byFlag[f] })),
  ]);
  timeChart('chart-p99', 'p99 latency', 'ms', [{ label: 'p99 (ms)', color: palette[3], values: s.p99 }]);
  timeChart('chart-ejected', 'Ejected hosts', 'hosts', [{ label: 'most ejected at once', color: palette[1], values: s.ejected }]);
  timeChart('chart-pool', 'Pool occupancy (at each bucket end)', 'count', [
    { label: 'active requests', color: palette[0], values: s.rqActive },
    { label: 'pending requests', color: palette[1], values: s.rqPending },
    { label: 'open connections', color: palette[2], values: s.cxActive },
  ]);
  // One fixed colour per gauge, so a gauge looks the same in every report.
  const gaugeColors = { cx_open: '#6c71c4', cx_pool_open: '#2aa198', rq_pending_open: '#b58900', rq_open: '#d33682', rq_retry_open: '#cb4b16' };
  if (document.getElementById('chart-breakers')) {
    timeChart(
      'chart-breakers',
      'Circuit breakers open (share of each bucket) against the 5xx rate',
      'share',
      [
        ...Object.keys(s.breakersOpen).map((g) => ({
          label: g,
          color: gaugeColors[g] || palette[0],
          fill: (gaugeColors[g] || palette[0]) + '2e',
          values: s.breakersOpen[g],
          stepped: true,
        })),
        // Last, so it is drawn over the breakers' fills.
        { label: '5xx (share of requests)', color: '#000', values: s.errorRate, stepped: true, width: 2 },
      ],
      { range: [0, 1.05] },
    );
  }
  const hosts = data.hosts;
  mount(
    'chart-hosts',
    'Requests and failures per host',
    {
      scales: { x: { time: false, range: [-0.5, hosts.length - 0.5] } },
      axes: [{ values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? (hosts[i] ? hosts[i].address : '') : '')), size: 40 }, { size: 70 }],
      series: [
        {},
        { label: 'requests', fill: palette[0], stroke: palette[0], paths: uPlot.paths.bars({ size: [0.35, 80], align: -1 }), points: { show: false } },
        { label: 'failed', fill: palette[1], stroke: palette[1], paths: uPlot.paths.bars({ size: [0.35, 80], align: 1 }), points: { show: false } },
      ],
    },
    [hosts.map((_, i) => i), hosts.map((h) => h.requests), hosts.map((h) => h.failures)],
  );
  if (data.lanes.length > 0) {
    timeChart(
      'chart-lanes',
      'When each host was ejected (one lane per host)',
      'host',
      data.lanes.map((l, i) => ({ label: l.host, color: palette[(i + 1) % palette.length], values: l.values, width: 8 })),
      {
        range: [0.5, data.lanes.length + 0.5],
        size: 130,
        values: (u, splits) => splits.map((v) => (Number.isInteger(v) && data.lanes[v - 1] ? data.lanes[v - 1].host : '')),
      },
    );
  }
  window.meshsimCharts = charts.map(({ id, title, u }) => ({ id, title, points: countPoints(u) }));
})();
`;
