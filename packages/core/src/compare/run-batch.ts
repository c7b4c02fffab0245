import type { SimulationSpec } from '../simulate.js';
import type { JobOutcome, RunJob } from './run-job.js';

/** One job of a batch: its spec as an index into the batch's specs, so a spec crosses once, not per seed. */
export interface BatchJob {
  spec: number;
  seed: number | undefined;
  label?: string;
}

/**
 * What each worker is sent once for a whole batch of runs: every distinct spec once, the jobs, and the
 * shared counter every thread takes its next job from, so no thread waits for another to hand it work.
 */
export interface RunBatch {
  /** Which batch: a result of an earlier, failed batch that arrives late is told apart by it. */
  id: number;
  specs: SimulationSpec[];
  jobs: BatchJob[];
  /** One Int32: the index of the next job nobody has taken yet. */
  claims: SharedArrayBuffer;
}

/** What a worker sends back per run: the job's index and its outcome, or an error that is no ConfigError (a bug). */
export type BatchResult =
  | { batch: number; index: number; outcome: JobOutcome }
  | { batch: number; index: number; crash: { message: string; stack?: string } };

let batches = 0;

/** The batch of `jobs`: specs shared by several jobs (a variant's seeds) are sent once. */
export function packBatch(jobs: readonly RunJob[]): RunBatch {
  const specIndex = new Map<SimulationSpec, number>();
  const specs: SimulationSpec[] = [];
  const packed = jobs.map((job): BatchJob => {
    let spec = specIndex.get(job.spec);
    if (spec === undefined) {
      spec = specs.push(job.spec) - 1;
      specIndex.set(job.spec, spec);
    }
    return { spec, seed: job.seed, ...(job.label !== undefined ? { label: job.label } : {}) };
  });
  return { id: ++batches, specs, jobs: packed, claims: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT) };
}

/** The next job of the batch for the calling thread; past the last job when none is left. */
export function claimJob(claims: Int32Array): number {
  return Atomics.add(claims, 0, 1);
}

/** The job at `index` of a batch, as `runJob` takes it. */
export function jobOf(batch: RunBatch, index: number): RunJob {
  const job = batch.jobs[index]!;
  return {
    spec: batch.specs[job.spec]!,
    seed: job.seed,
    ...(job.label !== undefined ? { label: job.label } : {}),
  };
}
