import { metricNamed } from '../compare/metrics.js';
import { parseDurationMs } from '../config/resources/durations.js';
import type { TuneConfigResult, TuneReport } from '../tune/report.js';

/** An axis placed on a numeric scale: numbers as they are, durations in seconds, anything else by its rank. */
export interface PlacedAxis {
  name: string;
  /** Where each value of the axis sits on the chart's x scale. */
  positions: number[];
  /** Tick labels for category axes (null: the positions are the values). */
  ticks: string[] | null;
  unit: string;
}

export function placeAxis(name: string, values: readonly unknown[]): PlacedAxis {
  if (values.every((v) => typeof v === 'number')) {
    return { name, positions: values as number[], ticks: null, unit: '' };
  }
  const seconds = values.map((v) => (typeof v === 'string' ? parseDurationMs(v) : undefined));
  if (seconds.every((s) => s !== undefined)) {
    return { name, positions: seconds.map((ms) => ms! / 1000), ticks: null, unit: 's' };
  }
  return { name, positions: values.map((_, i) => i), ticks: values.map(String), unit: '' };
}

/** Series for a scatter (uPlot's faceted mode): x and y per point. */
type Points = [number[], number[]];

const points = (
  configs: readonly TuneConfigResult[],
  x: (c: TuneConfigResult) => number,
  y: (c: TuneConfigResult) => number,
): Points => {
  const sorted = [...configs].sort((a, b) => x(a) - x(b) || a.config - b.config);
  return [sorted.map(x), sorted.map(y)];
};

/** At most this many lines on the surface chart: more values of the second axis are grouped. */
const MAX_LINES = 8;

/**
 * The response surface over the first two axes: for each value (or group of values) of the second,
 * the objective's mean over the configs at each value of the first (aligned on the first axis's values).
 */
function surface(report: TuneReport, metric: string, a: PlacedAxis, b: PlacedAxis) {
  const xs = [...new Set(a.positions)].sort((p, q) => p - q);
  const groups = Math.min(MAX_LINES, b.positions.length);
  const groupOf = (valueIndex: number) => Math.floor((valueIndex * groups) / b.positions.length);
  const lines = Array.from({ length: groups }, (_, g) => {
    const members = b.positions.map((_, i) => i).filter((i) => groupOf(i) === g);
    const label = (b.ticks ?? b.positions.map(String))
      .filter((_, i) => members.includes(i))
      .map((t) => `${t}${b.unit}`);
    const values = xs.map((x) => {
      const cell = report.configs.filter(
        (c) =>
          a.positions[report.axes[0]!.values.indexOf(c.values[0])] === x &&
          members.includes(report.axes[1]!.values.indexOf(c.values[1])),
      );
      return cell.length === 0 ? null : cell.reduce((s, c) => s + c.means[metric]!, 0) / cell.length;
    });
    return {
      label: `${b.name} ${label.length > 2 ? `${label[0]}…${label[label.length - 1]}` : label.join(', ')}`,
      values,
    };
  });
  return { xs, lines };
}

/** Everything the tune page's charts draw. */
export function tuneChartData(report: TuneReport) {
  const axes = report.axes.map((a) => placeAxis(a.name, a.values));
  const lastRung = report.rungs.length - 1;
  const xOf = (axis: number) => (c: TuneConfigResult) =>
    axes[axis]!.positions[report.axes[axis]!.values.indexOf(c.values[axis])]!;
  const last = report.configs.filter((c) => c.rung === lastRung);
  const dropped = report.configs.filter((c) => c.rung < lastRung);
  const winner = report.configs.filter((c) => c.config === report.winner?.config);
  const front = report.pareto === null ? [] : report.configs.filter((c) => report.pareto!.includes(c.config));
  return {
    axes,
    objectives: report.objectives.map((o) => ({
      metric: o.metric,
      direction: o.direction,
      unit: metricNamed(o.metric).unit,
      byAxis: axes.slice(0, 4).map((_, i) => ({
        dropped: points(dropped, xOf(i), (c) => c.means[o.metric]!),
        last: points(last, xOf(i), (c) => c.means[o.metric]!),
        winner: points(winner, xOf(i), (c) => c.means[o.metric]!),
      })),
      surface: axes.length >= 2 ? surface(report, o.metric, axes[0]!, axes[1]!) : null,
    })),
    pareto:
      report.objectives.length === 2
        ? (() => {
            const [m1, m2] = report.objectives.map((o) => o.metric) as [string, string];
            return {
              metrics: [m1, m2],
              last: points(
                last,
                (c) => c.means[m1]!,
                (c) => c.means[m2]!,
              ),
              front: points(
                front,
                (c) => c.means[m1]!,
                (c) => c.means[m2]!,
              ),
              winner: points(
                winner,
                (c) => c.means[m1]!,
                (c) => c.means[m2]!,
              ),
            };
          })()
        : null,
  };
}
