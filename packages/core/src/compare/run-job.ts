import type { SimulationSpec } from '../simulate.js';
import { simulate } from '../simulate.js';
import { type MetricValues, metricsOf } from './metrics.js';

/** One simulation of a compare or sweep: a patched spec and a seed (undefined: the spec's own). */
export interface RunJob {
  /** Plain data only: jobs cross into worker threads by structured clone. */
  spec: SimulationSpec;
  seed: number | undefined;
}

export function runJob(job: RunJob): MetricValues {
  return metricsOf(simulate(job.seed === undefined ? job.spec : { ...job.spec, seed: job.seed }));
}
