import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_THREADS } from './pool-size.js';
import { type BatchResult, claimJob, jobOf, packBatch } from './run-batch.js';
import type { JobOutcome, RunJob } from './run-job.js';

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
    // A worker that fails to load fails the next batch (#broken); no caller need wait on ready().
    this.#ready.catch(() => {});
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
  share(
    jobs: readonly RunJob[],
    runHere: (job: RunJob) => JobOutcome,
    finished: () => void,
  ): Promise<JobOutcome[]> {
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
        record(i, runHere(jobOf(batch, i)));
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
