import type { MetricValues } from '../compare/metrics.js';
import { pairedInterval } from '../compare/paired-stats.js';
import type { SweepTarget } from '../compare/sweep.js';
import type { RungResult } from './engine.js';
import { totalRuns } from './halving.js';
import { metricText } from './metric-text.js';
import { meetsConstraint, type TuneConstraint, type TuneObjective } from './objectives.js';
import type { TunePlan } from './plan.js';
import { type ConfigRuns, feasible, paretoFront } from './rank.js';
import { configLabel } from './space.js';
import { winnerPatch } from './winner-patch.js';

/** A config as far as it ran: its values, the rung it reached and its means there. */
export interface TuneConfigResult {
  config: number;
  /** Its value on each axis, in the order of `axes`. */
  values: unknown[];
  label: string;
  /** The last rung it ran in, and on how many seeds. */
  rung: number;
  seeds: number;
  means: MetricValues;
  /** Whether its means meet every constraint. */
  feasible: boolean;
}

/** A mean over the seeds with its Student-t interval. */
export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
}

export interface TuneBest extends TuneConfigResult {
  /** 1 for the winner. */
  rank: number;
  objectives: Array<
    MeanInterval & {
      metric: string;
      /** This config minus the winner, paired over the common seeds, with its interval. */
      vsWinner: MeanInterval;
    }
  >;
  constraints: Array<MeanInterval & { text: string; metric: string; met: boolean; certain: boolean }>;
}

export interface TuneReport {
  scenario: string;
  objectives: TuneObjective[];
  constraints: TuneConstraint[];
  axes: Array<{ name: string; label: string; field: string; target: SweepTarget; values: unknown[] }>;
  search: TunePlan['search'] & { configs: number };
  /** Every seed; rung k ran the first `rungs[k].seeds`. */
  seeds: number[];
  halving: TunePlan['halving'];
  level: number;
  rungs: Array<{ rung: number; seeds: number; configs: number; kept: number | null }>;
  runs: number;
  /** Every config that ran, by number. */
  configs: TuneConfigResult[];
  /** The best of the last rung, best first, with intervals on all its seeds. */
  best: TuneBest[];
  /** With two objectives: the configs of the last rung that meet the constraints and no other beats on both. */
  pareto: number[] | null;
  /** The best config that meets the constraints, and the resources to apply for it; null when none does. */
  winner: { config: number; label: string; values: unknown[]; patch: string } | null;
}

const interval = (runs: readonly MetricValues[], metric: string, level: number): MeanInterval => {
  const p = pairedInterval(
    runs.map(() => 0),
    runs.map((r) => r[metric]!),
    level,
  );
  return { mean: p.meanDiff, low: p.low, high: p.high };
};

function result(plan: TunePlan, c: ConfigRuns, rung: number, seeds: number): TuneConfigResult {
  const candidate = plan.candidates[c.config]!;
  return {
    config: c.config,
    values: plan.axes.map((a, i) => a.values[candidate[i]!]),
    label: configLabel(plan.axes, candidate),
    rung,
    seeds,
    means: c.means,
    feasible: feasible(plan, c.means),
  };
}

function best(plan: TunePlan, last: RungResult): TuneBest[] {
  const winner = last.ranked[0]!;
  return last.ranked.slice(0, plan.top).map((c, i) => ({
    ...result(plan, c, last.rung, last.seeds),
    rank: i + 1,
    objectives: plan.objectives.map((o) => {
      const d = pairedInterval(
        winner.runs.map((r) => r[o.metric]!),
        c.runs.map((r) => r[o.metric]!),
        plan.level,
      );
      return {
        metric: o.metric,
        ...interval(c.runs, o.metric, plan.level),
        vsWinner: { mean: d.meanDiff, low: d.low, high: d.high },
      };
    }),
    constraints: plan.constraints.map((k) => {
      const m = interval(c.runs, k.metric, plan.level);
      const met = meetsConstraint(k, m.mean);
      const certain = met && meetsConstraint(k, m.low) && meetsConstraint(k, m.high);
      return { text: k.text, metric: k.metric, ...m, met, certain };
    }),
  }));
}

/** What the tune is after, in words: `minimize errorRate subject to p99 < 300ms`. */
export function goalText(plan: Pick<TunePlan, 'objectives' | 'constraints'>): string {
  const objectives = plan.objectives.map((o) => `${o.direction} ${o.metric}`).join(' and ');
  const constraints = plan.constraints.map((c) => c.text).join(', ');
  return constraints === '' ? objectives : `${objectives} subject to ${constraints}`;
}

function winnerOf(plan: TunePlan, last: RungResult): TuneReport['winner'] {
  const top = last.ranked[0];
  if (top === undefined || !feasible(plan, top.means)) return null;
  const r = result(plan, top, last.rung, last.seeds);
  const means = plan.objectives.map((o) => `${o.metric} ${metricText(o.metric, top.means[o.metric]!)}`);
  const seeds = `${plan.seeds[0]}…${plan.seeds[last.seeds - 1]}`;
  const patch = winnerPatch(plan.targets, plan.axes, r.values, {
    scenario: plan.scenario,
    objective: goalText(plan),
    summary: `${means.join(', ')}: the mean of ${last.seeds} seeds (${seeds})`,
  });
  return { config: r.config, label: r.label, values: r.values, patch };
}

/** The report of a finished tune, from its plan and its rungs alone (so merged parts give the same). */
export function tuneReport(plan: TunePlan, rungs: readonly RungResult[]): TuneReport {
  const deepest = new Map<number, TuneConfigResult>();
  for (const r of rungs) for (const c of r.ranked) deepest.set(c.config, result(plan, c, r.rung, r.seeds));
  const last = rungs[rungs.length - 1]!;
  return {
    scenario: plan.scenario,
    objectives: plan.objectives,
    constraints: plan.constraints,
    axes: plan.axes.map((a) => ({
      name: a.name,
      label: a.label,
      field: a.field,
      target: a.target,
      values: a.values,
    })),
    search: { ...plan.search, configs: plan.candidates.length },
    seeds: plan.seeds,
    halving: plan.halving,
    level: plan.level,
    rungs: rungs.map((r, k) => ({
      rung: r.rung,
      seeds: r.seeds,
      configs: r.ranked.length,
      kept: k + 1 < rungs.length ? rungs[k + 1]!.ranked.length : null,
    })),
    runs: totalRuns(plan.rungs),
    configs: [...deepest.values()].sort((a, b) => a.config - b.config),
    best: best(plan, last),
    pareto: plan.objectives.length > 1 ? paretoFront(plan, last.ranked).map((c) => c.config) : null,
    winner: winnerOf(plan, last),
  };
}
