/**
 * The tune page's script: draws each chart with uPlot from the embedded data (scatters in uPlot's
 * faceted mode, the surface's lines in its aligned mode) and lists them on `window.meshsimCharts`
 * (title and points drawn), which the browser test reads.
 */
export const TUNE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('meshsim-data').textContent);
  const charts = [];
  window.meshsimCharts = charts;
  const width = () => Math.max(480, Math.min(1120, document.body.clientWidth - 10));
  const fmt = (unit) => (u, vals) => vals.map((v) => unit === 'pct' ? (100 * v).toFixed(2) + ' %' : unit === 'ms' ? v.toFixed(1) + ' ms' : String(v));
  const axisTicks = (axis) => axis.ticks ? { values: (u, vals) => vals.map((v) => Number.isInteger(v) && axis.ticks[v] !== undefined ? axis.ticks[v] : '') } : {};
  // A little room around the points, so none sits on the frame; whole steps for integer axes.
  const padded = { time: false, range: (u, min, max) => { const pad = (max - min) * 0.04 || Math.abs(max) * 0.1 || 1; return [min - pad, max + pad]; } };
  const integerSteps = (axis) => axis && !axis.ticks && axis.positions.every(Number.isInteger) ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {};
  const count = (rows) => rows.reduce((n, r) => n + r[0].length, 0);
  function scatter(id, title, xLabel, yLabel, yUnit, xAxis, sets, xUnit) {
    const el = document.getElementById(id);
    if (!el) return;
    const u = new uPlot({
      mode: 2,
      title,
      width: width(),
      height: 260,
      legend: { live: false },
      scales: { x: padded, y: padded },
      axes: [{ label: xLabel, ...integerSteps(xAxis), ...(xAxis ? axisTicks(xAxis) : { values: fmt(xUnit) }) }, { label: yLabel, size: 80, values: fmt(yUnit) }],
      series: [
        {},
        ...sets.map((s) => ({
          label: s.label,
          stroke: s.color,
          ...(s.line ? {} : { fill: s.color }),
          paths: s.line ? uPlot.paths.linear() : uPlot.paths.points(),
          points: { show: true, size: s.size || 7, fill: s.color, stroke: s.color },
        })),
      ],
    }, [null, ...sets.map((s) => s.points)], el);
    charts.push({ id, title, points: count(sets.map((s) => s.points)), u });
  }
  function lines(id, title, xLabel, yLabel, yUnit, xAxis, xs, series) {
    const el = document.getElementById(id);
    const palette = ['#268bd2', '#dc322f', '#859900', '#b58900', '#6c71c4', '#2aa198', '#d33682', '#cb4b16'];
    const u = new uPlot({
      title,
      width: width(),
      height: 260,
      legend: { live: false },
      scales: { x: padded },
      axes: [{ label: xLabel, ...integerSteps(xAxis), ...axisTicks(xAxis) }, { label: yLabel, size: 80, values: fmt(yUnit) }],
      series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true, points: { show: true } }))],
    }, [xs, ...series.map((s) => s.values)], el);
    const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
    charts.push({ id, title, points, u });
  }
  data.objectives.forEach((o, k) => {
    o.byAxis.forEach((set, i) => {
      const axis = data.axes[i];
      const xLabel = axis.name + (axis.unit ? ' (' + axis.unit + ')' : '');
      scatter('chart-' + k + '-axis-' + i, o.metric + ' against ' + axis.name, xLabel, o.metric, o.unit, axis, [
        { label: 'dropped at an earlier rung', color: 'rgba(120,120,120,0.55)', points: set.dropped },
        { label: 'last rung', color: '#268bd2', points: set.last },
        { label: 'winner', color: '#dc322f', size: 11, points: set.winner },
      ]);
    });
    if (o.surface) {
      const a = data.axes[0];
      lines('chart-' + k + '-surface', o.metric + ' over ' + a.name + ' and ' + data.axes[1].name + ' (mean over the other fields)', a.name + (a.unit ? ' (' + a.unit + ')' : ''), o.metric, o.unit, a, o.surface.xs, o.surface.lines);
    }
  });
  if (data.pareto) {
    const [m1, m2] = data.pareto.metrics;
    const unit = (m) => data.objectives.find((o) => o.metric === m).unit;
    scatter('chart-pareto', 'Pareto front: ' + m1 + ' against ' + m2, m1, m2, unit(m2), null, [
      { label: 'last rung', color: 'rgba(120,120,120,0.6)', points: data.pareto.last },
      { label: 'Pareto front', color: '#268bd2', size: 9, line: true, points: data.pareto.front },
      { label: 'winner', color: '#dc322f', size: 12, points: data.pareto.winner },
    ], unit(m1));
  }
})();
`;
