import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { threadsFor } from '../compare/pool-size.js';
import type { RunJob } from '../compare/run-job.js';
import { type RunPoolOptions, RunWorkers, runJobs } from '../compare/run-pool.js';
import { lookUp, type RunResults, type RunSource, type ShardSpec, shardKeys } from './run-source.js';

export interface LocalSourceOptions extends RunPoolOptions {
  /** Runs already done (a resumed tune's part, other shards' parts): never run again. */
  known?: RunResults;
  /** Run only this shard's share of each rung. */
  shard?: ShardSpec;
  /** Called with this shard's runs so far (resumed ones included) after each batch: write them down. */
  onCheckpoint?: (own: RunResults) => void | Promise<void>;
  /** The other shards' runs of `missing`, when they can be waited for; null when they cannot be had. */
  peers?: (missing: readonly string[]) => Promise<RunResults | null>;
  /** Wall seconds a batch aims at between checkpoints. Default 20. */
  checkpointSeconds?: number;
}

/**
 * Runs a tune's jobs on this machine, in batches: after each, the shard's runs are handed to
 * `onCheckpoint`, so a stopped tune resumes from them. Batches grow while they take less than
 * `checkpointSeconds`; the workers start once per call and serve every batch. Results never depend on the batching.
 */
export function localRunSource(
  jobOf: (key: string) => RunJob,
  options: LocalSourceOptions = {},
): RunSource & { ranHere: () => number } {
  const known: RunResults = { ...options.known };
  const own: RunResults = {};
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const target = (options.checkpointSeconds ?? 20) * 1000;
  let batch = Math.max(4, 2 * threads);
  let ran = 0;
  return {
    ranHere: () => ran,
    async complete(keys, onRuns) {
      const mine = shardKeys(keys, options.shard);
      for (const key of mine) if (known[key] !== undefined) own[key] = known[key];
      const todo = mine.filter((key) => known[key] === undefined);
      // Resumed runs count at once, so progress starts where the tune left off.
      if (todo.length < keys.length) onRuns(known);
      // The workers start once for all the batches of this call: each batch reuses their loaded engines.
      const workers = RunWorkers.start(threadsFor(options.threads, todo.length));
      try {
        for (let start = 0; start < todo.length; ) {
          const slice = todo.slice(start, start + batch);
          const began = performance.now();
          const before = ran;
          const results = await runJobs(
            slice.map(jobOf),
            {
              ...(options.threads !== undefined ? { threads: options.threads } : {}),
              onRunDone: (done, total) => {
                ran = before + done;
                options.onRunDone?.(done, total);
              },
            },
            workers,
          );
          slice.forEach((key, i) => {
            known[key] = results[i]!;
            own[key] = results[i]!;
          });
          ran = before + slice.length;
          start += slice.length;
          await options.onCheckpoint?.(own);
          onRuns(known);
          if (performance.now() - began < target / 2) batch *= 2;
        }
      } finally {
        await workers.close();
      }
      if (todo.length === 0) await options.onCheckpoint?.(own);
      onRuns(known);
      const all = lookUp(known, keys);
      if (all !== null || options.peers === undefined) return all;
      const theirs = await options.peers(keys.filter((key) => known[key] === undefined));
      if (theirs === null) return null;
      Object.assign(known, theirs);
      onRuns(known);
      return lookUp(known, keys);
    },
  };
}
