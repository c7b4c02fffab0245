import { ConfigError } from '../config/resources/diagnostics.js';
import { planSimulation, type SimulationSpec } from '../simulate.js';
import { checkCompareArguments } from './arguments.js';
import { METRICS, type MetricDefinition, type MetricValues } from './metrics.js';
import { type PairedInterval, pairedInterval } from './paired-stats.js';
import { applyPatch, type ConfigPatch } from './patch.js';
import { threadsFor } from './pool-size.js';
import { type RunJob, runJob } from './run-job.js';
import { type RunPoolOptions, RunWorkers, runJobs } from './run-pool.js';
import { checkSeed, seedsOf } from './seeds.js';
import { planOnce, type SpecPlan } from './spec-plans.js';

/** Independent seeds put each later variant this far from the first one's seeds. */
export const INDEPENDENT_SEED_OFFSET = 10_000;

export interface CompareOptions {
  /** How many seeds (firstSeed, firstSeed+1, …) or the seeds themselves. Default 30. */
  seeds?: number | readonly number[];
  /** Default 1. */
  firstSeed?: number;
  /**
   * `common` (default): every variant runs on the same seeds, so it meets the same arrivals and
   * endpoint failures (common random numbers). `independent`: variant j runs on seed + 10,000·j.
   */
  pairing?: 'common' | 'independent';
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
}

/** One later variant against the first, on one metric. */
export interface CompareDifference extends PairedInterval {
  variant: string;
  baseline: string;
  /** The better variant when the interval excludes zero and the metric has a better direction. */
  winner: string | null;
  /** `higher` or `lower` when the interval excludes zero (variant − baseline), else `same`. */
  direction: 'higher' | 'lower' | 'same';
}

export interface CompareMetric {
  metric: string;
  label: string;
  better: MetricDefinition['better'];
  unit: MetricDefinition['unit'];
  /** Mean over seeds, per variant. */
  means: Record<string, number>;
  differences: CompareDifference[];
}

export interface CompareReport {
  scenario: string;
  pairing: 'common' | 'independent';
  level: number;
  /** Variant names in order; the first is the baseline the others are compared with. */
  variants: string[];
  /** The seeds each variant ran on. */
  seeds: Record<string, number[]>;
  metrics: CompareMetric[];
  /** Every run's figures, per variant, in seed order. */
  runs: Record<string, MetricValues[]>;
}

/** Variants by name: a patch over the spec, or null for the spec as written. */
export type Variants = Record<string, ConfigPatch | null>;

function seedList(options: CompareOptions): number[] {
  return seedsOf('compare', options.seeds ?? 30, options.firstSeed, 2);
}

/** The spec, checked: a ConfigError now beats one per run (or one lost in a worker thread). */
export function checkedSpec(spec: SimulationSpec): { scenario: string } {
  return scenarioOf(planSimulation(spec));
}

/**
 * A spec this compare, sweep or tune made for its runs (a variant, a swept value), checked, its plan
 * kept for those runs. Never the caller's own object: one changed between two calls would meet the
 * plan of what it was before.
 */
export function checkedVariant(spec: SimulationSpec): { scenario: string } {
  return scenarioOf(planOnce(spec));
}

/** A variant of the caller's spec as the runs' own object (a null patch gives the caller's back). */
export function ownVariant(spec: SimulationSpec, patch: ConfigPatch | null, label: string): SimulationSpec {
  const patched = applyPatch(spec, patch, label);
  return patched === spec ? { ...spec } : patched;
}

function scenarioOf({ plan, diagnostics }: SpecPlan): { scenario: string } {
  if (plan === null) throw new ConfigError(diagnostics);
  return { scenario: plan.scenario };
}

/** What a compare runs: its jobs in order, and what its report is summarized from. */
export interface ComparePlan {
  scenario: string;
  names: string[];
  seeds: Record<string, number[]>;
  jobs: RunJob[];
  pairing: 'common' | 'independent';
  level: number;
}

export function planCompare(spec: SimulationSpec, variants: Variants, options: CompareOptions): ComparePlan {
  const names = Object.keys(variants);
  if (names.length < 2) throw new RangeError(`compare needs at least 2 variants, got ${names.length}`);
  const pairing = options.pairing ?? 'common';
  const base = seedList(options);
  const seeds: Record<string, number[]> = {};
  const jobs: RunJob[] = [];
  let scenario = '';
  names.forEach((name, j) => {
    const patched = ownVariant(spec, variants[name] ?? null, name);
    // Every variant, not the first alone: a bad patch is a ConfigError here, before any run starts.
    const checked = checkedVariant(patched).scenario;
    scenario ||= checked;
    const offset = pairing === 'independent' ? j * INDEPENDENT_SEED_OFFSET : 0;
    seeds[name] = base.map((s) => s + offset);
    for (const seed of seeds[name]) checkSeed('compare', seed);
    for (const seed of seeds[name]) jobs.push({ spec: patched, seed, label: name });
  });
  return { scenario, names, seeds, jobs, pairing, level: options.level ?? 0.95 };
}

/** The report from the figures of every job of the plan, in job order. */
export function summarizeCompare(
  plan: Omit<ComparePlan, 'jobs'>,
  results: readonly MetricValues[],
): CompareReport {
  const n = plan.seeds[plan.names[0]!]!.length;
  const runs: Record<string, MetricValues[]> = {};
  plan.names.forEach((name, j) => {
    runs[name] = results.slice(j * n, (j + 1) * n);
  });
  const baseline = plan.names[0]!;
  const metrics = METRICS.map((m): CompareMetric => {
    const values = (name: string) => runs[name]!.map((r) => r[m.name]!);
    const means = Object.fromEntries(
      plan.names.map((name) => [name, values(name).reduce((s, x) => s + x, 0) / n]),
    );
    const differences = plan.names.slice(1).map((variant): CompareDifference => {
      const interval = pairedInterval(values(baseline), values(variant), plan.level);
      const direction = interval.low > 0 ? 'higher' : interval.high < 0 ? 'lower' : 'same';
      const winner =
        direction === 'same' || m.better === null ? null : direction === m.better ? variant : baseline;
      return { ...interval, variant, baseline, winner, direction };
    });
    return { metric: m.name, label: m.label, better: m.better, unit: m.unit, means, differences };
  });
  return {
    scenario: plan.scenario,
    pairing: plan.pairing,
    level: plan.level,
    variants: plan.names,
    seeds: plan.seeds,
    metrics,
    runs,
  };
}

/**
 * Runs every variant on the same seeds and reports, per metric, each variant's mean, the paired
 * difference of each later variant from the first with its Student-t interval, and the winner where
 * the interval excludes zero. Runs in this thread; `compareInParallel` spreads the runs over workers.
 */
export function compare(
  spec: SimulationSpec,
  variants: Variants,
  options: CompareOptions = {},
): CompareReport {
  checkCompareArguments('compare', spec, variants, options);
  const plan = planCompare(spec, variants, options);
  return summarizeCompare(plan, plan.jobs.map(runJob));
}

/** `compare` on worker threads; the report is the same as `compare`'s, byte for byte. */
export async function compareInParallel(
  spec: SimulationSpec,
  variants: Variants,
  options: CompareOptions & RunPoolOptions = {},
): Promise<CompareReport> {
  checkCompareArguments('compareInParallel', spec, variants, options);
  // The workers load the engine while this thread checks every variant.
  const workers = RunWorkers.start(
    threadsFor(options.threads, Object.keys(variants).length * seedCount(options.seeds)),
  );
  try {
    return await compareOnWorkers(workers, spec, variants, options);
  } finally {
    await workers.close();
  }
}

/** `compareInParallel` on workers the caller started (the CLI starts them before it loads the engine). */
export async function compareOnWorkers(
  workers: RunWorkers,
  spec: SimulationSpec,
  variants: Variants,
  options: CompareOptions & RunPoolOptions = {},
): Promise<CompareReport> {
  checkCompareArguments('compareInParallel', spec, variants, options);
  const plan = planCompare(spec, variants, options);
  return summarizeCompare(plan, await runJobs(plan.jobs, options, workers));
}

/** How many seeds the option asks for, before it is checked: only to size the pool. */
export function seedCount(seeds: number | readonly number[] | undefined, otherwise = 30): number {
  if (typeof seeds === 'number') return seeds;
  return Array.isArray(seeds) ? seeds.length : otherwise;
}
