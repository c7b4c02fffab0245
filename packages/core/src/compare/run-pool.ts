import type { MetricValues } from './metrics.js';
import { MAX_THREADS, threadsFor } from './pool-size.js';
import { type RunJob, runJob, runJobOutcome, valuesOf } from './run-job.js';
import { RunWorkers } from './run-workers.js';

export { MAX_THREADS, RunWorkers };

export interface RunPoolOptions {
  /** Worker threads; 1 runs every job in this thread. Default: the machine's parallelism. */
  threads?: number;
  /** Called after each finished run, in completion order. */
  onRunDone?: (done: number, total: number) => void;
}

/**
 * Runs every job and returns the figures in job order. Each job is a pure function of its spec and
 * seed, so the results are the same whatever the number of threads or the order runs finish in. With
 * n threads, this thread and n − 1 workers (`workers`, started earlier, or started here) each take the
 * next job when free: no thread idles while another holds queued work, and all finish within one run.
 */
export async function runJobs(
  jobs: readonly RunJob[],
  options: RunPoolOptions = {},
  workers?: RunWorkers,
): Promise<MetricValues[]> {
  let done = 0;
  const finished = () => options.onRunDone?.(++done, jobs.length);
  const own = workers === undefined ? RunWorkers.start(threadsFor(options.threads, jobs.length)) : undefined;
  const pool = workers ?? own!;
  try {
    if (pool.count === 0 || jobs.length < 2) {
      return jobs.map((job) => {
        const values = runJob(job);
        finished();
        return values;
      });
    }
    // A failed job throws the same ConfigError as in one thread: the first in job order, not in time.
    return (await pool.share(jobs, runJobOutcome, finished)).map(valuesOf);
  } finally {
    await own?.close();
  }
}
