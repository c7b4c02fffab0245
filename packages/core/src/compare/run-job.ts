import type { RunPlan } from '../config/plan/run-plan.js';
import { ConfigError, type Diagnostic } from '../config/resources/diagnostics.js';
import { scenarioSpecSchema } from '../config/resources/schema/scenario.js';
import type { SimulationSpec } from '../simulate.js';
import { checkSimulationSpec, simulate } from '../simulate.js';
import { runPlan } from '../simulation/run.js';
import { type MetricValues, metricsOf } from './metrics.js';
import { planOnce } from './spec-plans.js';

/** One simulation of a compare or sweep: a patched spec and a seed (undefined: the spec's own). */
export interface RunJob {
  /** Plain data only: jobs cross into worker threads by structured clone. */
  spec: SimulationSpec;
  seed: number | undefined;
  /** The variant's name or the sweep's `field=value`, for diagnostics. */
  label?: string;
}

/**
 * What a job gives back across the worker boundary: its figures, or the diagnostics of its ConfigError
 * (an Error loses its class in a structured clone; plain diagnostics do not).
 */
export type JobOutcome = { values: MetricValues } | { diagnostics: Diagnostic[] };

/** The runs of a compare are averaged and paired: one that stopped early would skew them unseen. */
function partialRunError(job: RunJob, partial: NonNullable<ReturnType<typeof simulate>['partial']>) {
  const seed = job.seed ?? job.spec.seed;
  const where = partial.field !== undefined ? ` (${partial.field})` : '';
  return new ConfigError([
    {
      severity: 'error',
      file: [sourceName(job.spec), job.label && `[${job.label}]`, seed !== undefined && `seed ${seed}`]
        .filter(Boolean)
        .join(' '),
      line: 0,
      column: 0,
      path: '',
      message: `the run stopped early (${partial.cause})${where}: ${partial.message}; compare and sweep need whole runs`,
    },
  ]);
}

/** How diagnostics name a job's config: its first file (with the variant's label, once patched). */
function sourceName(spec: SimulationSpec): string {
  const first = [spec.config].flat()[0];
  const file = typeof first === 'object' && first !== null && 'file' in first ? first.file : '<config>';
  return file.replace(/ \[.*\]$/, '');
}

/** The job's plan (its spec's, with the job's seed), or undefined where only simulate() can say what is wrong. */
function planFor(spec: SimulationSpec, seed: number | undefined): RunPlan | undefined {
  if (seed !== undefined && !scenarioSpecSchema.shape.seed.safeParse(seed).success) return undefined;
  // An argument of the wrong kind is named as the run's own, as simulate() names it.
  checkSimulationSpec('simulate', spec);
  const { plan } = planOnce(spec);
  if (plan === null) return undefined;
  return seed === undefined || seed === plan.seed ? plan : { ...plan, seed };
}

/** Runs the job; a ConfigError if its spec is bad or its run stopped before its end. */
export function runJob(job: RunJob): MetricValues {
  const plan = planFor(job.spec, job.seed);
  const report =
    plan !== undefined
      ? runPlan(plan)
      : simulate(job.seed === undefined ? job.spec : { ...job.spec, seed: job.seed });
  if (report.partial !== undefined) throw partialRunError(job, report.partial);
  return metricsOf(report);
}

/** `runJob` for a worker thread: a ConfigError comes back as data, to be thrown again as one. */
export function runJobOutcome(job: RunJob): JobOutcome {
  try {
    return { values: runJob(job) };
  } catch (e) {
    if (e instanceof ConfigError) return { diagnostics: e.diagnostics };
    throw e;
  }
}

/** The figures of an outcome, or its ConfigError thrown again on this side of the boundary. */
export function valuesOf(outcome: JobOutcome): MetricValues {
  if ('diagnostics' in outcome) throw new ConfigError(outcome.diagnostics);
  return outcome.values;
}
