import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { MetricValues } from './metrics.js';
import { type JobOutcome, type RunJob, runJob, valuesOf } from './run-job.js';

/** Each worker thread holds an engine and its heap: more than this is memory, not speed. */
export const MAX_THREADS = 256;

export interface RunPoolOptions {
  /** Worker threads; 1 runs every job in this thread. Default: the machine's parallelism. */
  threads?: number;
  /** Called after each finished run, in completion order. */
  onRunDone?: (done: number, total: number) => void;
}

/** The worker's file beside this one: compiled JavaScript, or, from the TypeScript sources, a tsx shim. */
function workerFile(): string {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './run-worker-tsx.mjs' : './run-worker.js', import.meta.url));
}

/**
 * Runs every job and returns the figures in job order. Each job is a pure function of its spec and
 * seed, so the results are the same whatever the number of threads or the order runs finish in.
 */
export async function runJobs(
  jobs: readonly RunJob[],
  options: RunPoolOptions = {},
): Promise<MetricValues[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), jobs.length, MAX_THREADS));
  let done = 0;
  const finished = () => options.onRunDone?.(++done, jobs.length);
  if (threads === 1) {
    return jobs.map((job) => {
      const values = runJob(job);
      finished();
      return values;
    });
  }
  const pool = new Tinypool({ filename: workerFile(), minThreads: threads, maxThreads: threads });
  try {
    const outcomes = await Promise.all(
      jobs.map(async (job) => {
        const outcome = (await pool.run(job)) as JobOutcome;
        finished();
        return outcome;
      }),
    );
    // A failed job throws the same ConfigError as in one thread: the first in job order, not in time.
    return outcomes.map(valuesOf);
  } finally {
    await pool.destroy();
  }
}
