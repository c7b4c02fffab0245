import { TextTable } from '../explain/text-table.js';
import { metricDelta, metricText } from '../tune/metric-text.js';
import { goalText, type TuneReport } from '../tune/report.js';

// No colours: tables are pasted into tickets and piped into files.
const table = (head: string[]) => new TextTable(head);

/** How the configs were searched and how many seeds each rung ran. */
function searchLine(r: TuneReport): string {
  const s = r.search;
  const how =
    s.method === 'grid'
      ? `grid of ${s.configs} configs`
      : `${s.method === 'lhs' ? 'Latin-hypercube' : 'random'} sample of ${s.configs} configs (${s.samples} drawn, sampling seed ${s.samplingSeed}) from a grid of ${s.gridSize}`;
  const seeds = `seeds ${r.seeds[0]}…${r.seeds[r.seeds.length - 1]}`;
  const rungs =
    r.halving === null
      ? `every config on ${r.seeds.length} seeds`
      : `successive halving (η ${r.halving.eta}): ${r.rungs
          .map(
            (g) =>
              `rung ${g.rung + 1}: ${g.configs} × ${g.seeds} seeds${g.kept === null ? '' : ` → ${g.kept}`}`,
          )
          .join('; ')}`;
  return `${how}; ${rungs}; ${r.runs} runs, ${seeds}, common random numbers (every config meets the same arrivals and endpoint failures)`;
}

const span = (metric: string, x: { low: number; high: number }, delta = false): string =>
  delta
    ? `${metricDelta(metric, x.low)} … ${metricDelta(metric, x.high)}`
    : `${metricText(metric, x.low)} … ${metricText(metric, x.high)}`;

/** The paired difference from the winner: its interval, or that the two gave the same on every seed. */
export function pairedText(metric: string, d: { low: number; high: number }): string {
  return d.low === 0 && d.high === 0 ? 'same on every seed' : span(metric, d, true);
}

/** The best configs with their intervals, the Pareto front and the winner's resources. */
export function formatTuneTable(r: TuneReport): string {
  const level = `${Math.round(r.level * 100)} %`;
  const last = r.rungs[r.rungs.length - 1]!;
  const out = [
    `meshsim tune: scenario ${r.scenario}, ${goalText(r)}`,
    searchLine(r),
    '',
    `The best of the last rung (${last.seeds} seeds each):`,
  ];
  const t = table([
    'rank',
    'config',
    ...r.objectives.flatMap((o) => [o.metric, `${level} interval`, '− winner (paired)']),
    ...r.constraints.map((c) => c.text),
  ]);
  for (const b of r.best) {
    t.push([
      String(b.rank),
      b.label,
      ...b.objectives.flatMap((o) => [
        metricText(o.metric, o.mean),
        span(o.metric, o),
        b.rank === 1 ? '—' : pairedText(o.metric, o.vsWinner),
      ]),
      ...b.constraints.map(
        (c) =>
          `${metricText(c.metric, c.mean)} ${c.certain ? 'met' : c.met ? 'met (interval crosses)' : 'missed'}`,
      ),
    ]);
  }
  out.push(t.toString());
  if (r.pareto !== null) {
    const names = r.pareto.map((c) => r.configs.find((x) => x.config === c)!);
    out.push(
      '',
      `Pareto front of ${r.objectives.map((o) => o.metric).join(' and ')} (no other config of the last rung is better on both):`,
      ...names.map(
        (c) =>
          `  ${c.label}: ${r.objectives.map((o) => `${o.metric} ${metricText(o.metric, c.means[o.metric]!)}`).join(', ')}`,
      ),
    );
  }
  out.push(
    '',
    `Intervals: mean ± t(${(1 + r.level) / 2}, n−1)·sd/√n over the seeds; "− winner" pairs each config with the winner seed by seed.`,
  );
  if (r.winner === null) {
    out.push('', 'No config meets every constraint: no winner. The table ranks them by how far they miss.');
  } else {
    out.push(
      '',
      `Winner: ${r.winner.label}. Apply it (kubectl apply -f) or check it (meshsim compare --vary winner=FILE):`,
      '',
      r.winner.patch.trimEnd(),
    );
  }
  return `${out.join('\n')}\n`;
}
