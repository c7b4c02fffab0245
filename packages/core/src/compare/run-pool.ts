import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { MetricValues } from './metrics.js';
import { type JobOutcome, type RunJob, runJob, runJobOutcome, valuesOf } from './run-job.js';

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
 * With n threads, n − 1 workers take jobs from a shared cursor and this thread is the n-th: it is
 * loaded and warm already, where a worker pays the package's load and the engine's warm-up.
 */
export async function runJobs(
  jobs: readonly RunJob[],
  options: RunPoolOptions = {},
): Promise<MetricValues[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), jobs.length, MAX_THREADS));
  const outcomes: JobOutcome[] = new Array(jobs.length);
  let cursor = 0;
  let done = 0;
  const finished = () => options.onRunDone?.(++done, jobs.length);
  if (threads === 1) {
    return jobs.map((job) => {
      const values = runJob(job);
      finished();
      return values;
    });
  }
  // The thread pool's library loads only when threads are asked for.
  const { default: Tinypool } = await import('tinypool');
  const workers = threads - 1;
  // Two jobs in flight per worker: one queued while this thread, busy with a run, cannot hand it the next.
  const pool = new Tinypool({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 2,
  });
  const workerLane = async () => {
    for (let i = cursor++; i < jobs.length; i = cursor++) {
      outcomes[i] = (await pool.run(jobs[i])) as JobOutcome;
      finished();
    }
  };
  const lanes: Promise<void>[] = [];
  const openLanes = () => {
    for (let w = 0; w < workers; w++) lanes.push(workerLane());
  };
  // Job order: one to each worker, the next to this thread, then each worker's second, queued one.
  const ownLane = async () => {
    let first = true;
    for (let i = cursor++; i < jobs.length; i = cursor++) {
      if (first) openLanes();
      first = false;
      outcomes[i] = runJobOutcome(jobs[i]!);
      finished();
      // Let the workers' finished runs be collected and their next jobs sent.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    openLanes();
    await Promise.all([ownLane(), ...lanes]);
    // A failed job throws the same ConfigError as in one thread: the first in job order, not in time.
    return outcomes.map(valuesOf);
  } finally {
    await pool.destroy();
  }
}
