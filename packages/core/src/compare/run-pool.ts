import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MetricValues } from './metrics.js';
import { MAX_THREADS, threadsFor } from './pool-size.js';
import { type BatchResult, claimJob, jobOf, packBatch } from './run-batch.js';
import { type JobOutcome, type RunJob, runJob, runJobOutcome, valuesOf } from './run-job.js';

export { MAX_THREADS };

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
 * Worker threads started before their jobs are known, so they load the engine while this thread plans;
 * they then take every batch of runs until closed. Idle, they do not keep the process alive.
 */
export class RunWorkers {
  readonly #workers: Worker[];
  /** An error a worker raised while idle (its engine failed to load): the next batch fails with it. */
  #broken: Error | undefined;
  readonly #ready: Promise<unknown>;
  #ranOnWorkers = 0;

  private constructor(count: number) {
    const file = workerFile();
    this.#workers = Array.from({ length: count }, () => new Worker(file));
    for (const worker of this.#workers) {
      worker.on('error', (e: Error) => {
        this.#broken ??= e;
      });
      worker.unref();
    }
    this.#ready = Promise.all(
      this.#workers.map(
        (worker) => new Promise((loaded, failed) => worker.once('message', loaded).once('error', failed)),
      ),
    );
  }

  /** Resolves when every worker has loaded the engine; rejects with the error of one that could not. */
  ready(): Promise<unknown> {
    return this.#ready;
  }

  /** How many runs the workers have done, over every batch. */
  get ranOnWorkers(): number {
    return this.#ranOnWorkers;
  }

  /** Workers for a pool of `threads` threads: this thread is one of them, so threads − 1 workers. */
  static start(threads: number): RunWorkers {
    return new RunWorkers(Math.max(0, Math.min(threads, MAX_THREADS) - 1));
  }

  get count(): number {
    return this.#workers.length;
  }

  /**
   * Runs the jobs on the workers and this thread, each taking the next job from one shared counter
   * when it is free, and returns their outcomes in job order.
   */
  share(jobs: readonly RunJob[], finished: () => void): Promise<JobOutcome[]> {
    const batch = packBatch(jobs);
    const claims = new Int32Array(batch.claims);
    const outcomes: JobOutcome[] = new Array(jobs.length);
    let pending = jobs.length;
    let failure: Error | undefined;
    let settle: { resolve: (o: JobOutcome[]) => void; reject: (e: Error) => void };
    const done = new Promise<JobOutcome[]>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const fail = (e: unknown) => {
      if (failure !== undefined) return;
      failure = e instanceof Error ? e : new Error(String(e));
      // No job is left for anyone: this thread and the workers stop after the run they are in.
      Atomics.store(claims, 0, jobs.length);
      settle.reject(failure);
    };
    const record = (index: number, outcome: JobOutcome) => {
      if (failure !== undefined) return;
      outcomes[index] = outcome;
      finished();
      if (--pending === 0) settle.resolve(outcomes);
    };
    const onMessage = (result: BatchResult) => {
      if (result.batch !== batch.id) return;
      if (!('crash' in result)) {
        this.#ranOnWorkers++;
        return record(result.index, result.outcome);
      }
      const error = new Error(result.crash.message);
      if (result.crash.stack !== undefined) error.stack = result.crash.stack;
      fail(error);
    };
    const onExit = (code: number) => {
      if (pending > 0) fail(new Error(`a run worker stopped (exit code ${code}) before its runs were done`));
    };
    if (this.#broken !== undefined) fail(this.#broken);
    for (const worker of this.#workers) {
      worker.on('message', onMessage).on('error', fail).on('exit', onExit);
      worker.ref();
      worker.postMessage(batch);
    }
    // This thread takes jobs too, one at a time, and between them lets the workers' results in.
    const ownLane = async () => {
      for (let i = claimJob(claims); i < jobs.length && failure === undefined; i = claimJob(claims)) {
        record(i, runJobOutcome(jobOf(batch, i)));
        await new Promise((next) => setImmediate(next));
      }
    };
    ownLane().catch(fail);
    return done.finally(() => {
      for (const worker of this.#workers) {
        worker.off('message', onMessage).off('error', fail).off('exit', onExit).unref();
      }
    });
  }

  /** Stops the workers, whatever they are doing. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
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
    return (await pool.share(jobs, finished)).map(valuesOf);
  } finally {
    await own?.close();
  }
}
