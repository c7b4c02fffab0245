import type { MetricValues } from '../compare/metrics.js';
import { meetsConstraint, signed, type TuneConstraint, type TuneObjective, violation } from './objectives.js';

/** A config's figures over the seeds it ran, in seed order, and their means. */
export interface ConfigRuns {
  config: number;
  runs: readonly MetricValues[];
  means: MetricValues;
}

export function meansOf(runs: readonly MetricValues[]): MetricValues {
  const out: MetricValues = {};
  for (const name of Object.keys(runs[0] ?? {})) {
    let sum = 0;
    for (const r of runs) sum += r[name]!;
    out[name] = sum / runs.length;
  }
  return out;
}

export interface Goals {
  objectives: readonly TuneObjective[];
  constraints: readonly TuneConstraint[];
}

/** Whether the config's means meet every constraint. */
export const feasible = (goals: Goals, means: MetricValues): boolean =>
  goals.constraints.every((c) => meetsConstraint(c, means[c.metric]!));

const totalViolation = (goals: Goals, means: MetricValues): number =>
  goals.constraints.reduce((s, c) => s + violation(c, means[c.metric]!), 0);

/** a dominates b: no worse on every objective and better on one (values signed: lower is better). */
const dominates = (a: readonly number[], b: readonly number[]): boolean =>
  a.every((x, i) => x <= b[i]!) && a.some((x, i) => x < b[i]!);

/**
 * Non-dominated sorting (Deb et al.'s NSGA-II layers): layer 0 is the Pareto front, layer 1 the front
 * of the rest, and so on. Configs with equal values dominate neither other and share a layer.
 */
export function paretoLayers(points: ReadonlyArray<readonly number[]>): number[] {
  const layer = points.map(() => -1);
  let left = points.map((_, i) => i);
  for (let k = 0; left.length > 0; k++) {
    const front = left.filter((i) => !left.some((j) => j !== i && dominates(points[j]!, points[i]!)));
    for (const i of front) layer[i] = k;
    left = left.filter((i) => layer[i] === -1);
  }
  return layer;
}

/**
 * The ranking every rung and the final report use, best first: configs whose means meet every
 * constraint, then the rest by how far they miss (summed relative miss); within each, by Pareto layer
 * of the objectives' means (with one objective: by its mean), then by the first objective's mean, the
 * second's, and the config's number, so ties break the same way on every machine.
 */
export function rankConfigs(goals: Goals, configs: readonly ConfigRuns[]): ConfigRuns[] {
  const values = configs.map((c) => goals.objectives.map((o) => signed(o, c.means[o.metric]!)));
  const ok = configs.map((c) => feasible(goals, c.means));
  const miss = configs.map((c) => totalViolation(goals, c.means));
  const layers = goals.objectives.length > 1 ? paretoLayers(values) : configs.map(() => 0);
  const order = configs.map((_, i) => i);
  order.sort((a, b) => {
    if (ok[a] !== ok[b]) return ok[a] ? -1 : 1;
    if (!ok[a] && miss[a] !== miss[b]) return miss[a]! - miss[b]!;
    if (layers[a] !== layers[b]) return layers[a]! - layers[b]!;
    for (let k = 0; k < values[a]!.length; k++) {
      const d = values[a]![k]! - values[b]![k]!;
      if (d !== 0) return d;
    }
    return configs[a]!.config - configs[b]!.config;
  });
  return order.map((i) => configs[i]!);
}

/** The Pareto front of two or more objectives among the configs that meet the constraints, in rank order. */
export function paretoFront(goals: Goals, ranked: readonly ConfigRuns[]): ConfigRuns[] {
  const pool = ranked.filter((c) => feasible(goals, c.means));
  const values = pool.map((c) => goals.objectives.map((o) => signed(o, c.means[o.metric]!)));
  const layers = paretoLayers(values);
  return pool.filter((_, i) => layers[i] === 0);
}
