import { ConfigError } from '../config/resources/diagnostics.js';
import type { SimulationSpec } from '../simulate.js';
import { checkSweepArguments } from './arguments.js';
import { checkedVariant, ownVariant, seedCount } from './compare.js';
import { METRICS, type MetricValues } from './metrics.js';
import { fieldPatch, resourcesWithField } from './patch.js';
import { threadsFor } from './pool-size.js';
import type { RunJob } from './run-job.js';
import { type RunPoolOptions, RunWorkers, runJobs } from './run-pool.js';
import { seedsOf } from './seeds.js';
import { MAX_SWEEP_VALUES, type SweepAxis, type SweepTarget } from './sweep-axis.js';

// The axis and its parser live apart, so the CLI reads --sweep before it loads the engine.
export { MAX_SWEEP_VALUES, parseSweep, type SweepAxis, type SweepTarget } from './sweep-axis.js';

export interface SweepOptions extends RunPoolOptions {
  /** Seeds per value: a count from `firstSeed` (default 1), or a list. Default: the Scenario's own seed, once. */
  seeds?: number | readonly number[];
  firstSeed?: number;
}

export interface SweepRow {
  value: unknown;
  /** Mean over the seeds, per metric. */
  means: MetricValues;
  /** Each seed's figures, in seed order. */
  runs: MetricValues[];
}

export interface SweepReport {
  scenario: string;
  /** `DestinationRule production/name spec.trafficPolicy…` */
  field: string;
  target: SweepTarget;
  /** The seeds of every value (null: the Scenario's own seed). */
  seeds: number[] | null;
  rows: SweepRow[];
}

/** The resource an axis changes: the one it names, or the one resource that has its field's first two segments. */
export function resolveTarget(spec: SimulationSpec, axis: SweepAxis, path: string[]): SweepTarget {
  if (axis.target !== undefined) return axis.target;
  const found = resourcesWithField(spec.config, path);
  if (found.length === 1) return found[0]!;
  const where = found.map((r) => `${r.kind}/${r.name ?? ''}`).join(', ');
  throw new ConfigError([
    {
      severity: 'error',
      file: 'command line',
      line: 0,
      column: 0,
      path: axis.field,
      message:
        found.length === 0
          ? `no resource of the config has ${path.slice(0, 2).join('.')}; name one as Kind/name:${axis.field}`
          : `${where} all have ${path.slice(0, 2).join('.')}; name one as Kind/name:${axis.field}`,
    },
  ]);
}

/** What a sweep runs: its jobs in order (value by value, seed by seed), and what its report needs. */
export interface SweepPlan {
  scenario: string;
  field: string;
  target: SweepTarget;
  values: readonly unknown[];
  seeds: number[] | null;
  jobs: RunJob[];
}

export function planSweep(spec: SimulationSpec, axis: SweepAxis, options: SweepOptions = {}): SweepPlan {
  if (axis.values.length > MAX_SWEEP_VALUES)
    throw new RangeError(`sweep takes 1..${MAX_SWEEP_VALUES} values, got ${axis.values.length}`);
  const path = axis.field.split('.');
  const target = resolveTarget(spec, axis, path);
  const seeds = options.seeds === undefined ? null : seedsOf('sweep', options.seeds, options.firstSeed, 1);
  const jobs: RunJob[] = [];
  let scenario = '';
  for (const value of axis.values) {
    const label = `${axis.field}=${String(value)}`;
    const patched = ownVariant(spec, fieldPatch(target, path, value), label);
    // Every value, not the first alone: one out of range is a ConfigError here, before any run starts.
    const checked = checkedVariant(patched).scenario;
    scenario ||= checked;
    for (const seed of seeds ?? [undefined]) jobs.push({ spec: patched, seed, label });
  }
  const name = [target.kind, [target.namespace, target.name].filter(Boolean).join('/')]
    .filter(Boolean)
    .join(' ');
  return { scenario, field: `${name} ${axis.field}`, target, values: axis.values, seeds, jobs };
}

/** The report from the figures of every job of the plan, in job order. */
export function summarizeSweep(plan: Omit<SweepPlan, 'jobs'>, results: readonly MetricValues[]): SweepReport {
  const perValue = plan.seeds?.length ?? 1;
  const rows = plan.values.map((value, i): SweepRow => {
    const runs = results.slice(i * perValue, (i + 1) * perValue);
    const means = Object.fromEntries(
      METRICS.map((m) => [m.name, runs.reduce((s, r) => s + r[m.name]!, 0) / runs.length]),
    );
    return { value, means, runs };
  });
  return { scenario: plan.scenario, field: plan.field, target: plan.target, seeds: plan.seeds, rows };
}

/**
 * Runs the spec once per value of the field (on each seed), on worker threads, and reports every metric
 * per value. Each run depends only on its value and seed, so the report is the same with any number of
 * threads, one included.
 */
export async function sweep(
  spec: SimulationSpec,
  axis: SweepAxis,
  options: SweepOptions = {},
): Promise<SweepReport> {
  checkSweepArguments(spec, axis, options);
  // The workers load the engine while this thread checks every value.
  const workers = RunWorkers.start(
    threadsFor(options.threads, axis.values.length * seedCount(options.seeds, 1)),
  );
  try {
    return await sweepOnWorkers(workers, spec, axis, options);
  } finally {
    await workers.close();
  }
}

/** `sweep` on workers the caller started (the CLI starts them before it loads the engine). */
export async function sweepOnWorkers(
  workers: RunWorkers,
  spec: SimulationSpec,
  axis: SweepAxis,
  options: SweepOptions = {},
): Promise<SweepReport> {
  checkSweepArguments(spec, axis, options);
  const plan = planSweep(spec, axis, options);
  return summarizeSweep(plan, await runJobs(plan.jobs, options, workers));
}
