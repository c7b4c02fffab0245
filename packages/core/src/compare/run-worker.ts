// A run worker's entry: it loads the engine as soon as it starts, then runs batches, taking each next job
// from the batch's shared counter by itself, so it never waits for the main thread to hand it one.
import { parentPort } from 'node:worker_threads';
import { type BatchResult, claimJob, jobOf, type RunBatch } from './run-batch.js';
import { runJobOutcome } from './run-job.js';

/** Runs the batch's job at `index` as a worker reports it: a ConfigError as data, any other error as its text. */
function runClaimed(batch: RunBatch, index: number): BatchResult {
  try {
    return { batch: batch.id, index, outcome: runJobOutcome(jobOf(batch, index)) };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return {
      batch: batch.id,
      index,
      crash: { message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}) },
    };
  }
}

parentPort?.on('message', (batch: RunBatch) => {
  const claims = new Int32Array(batch.claims);
  for (let i = claimJob(claims); i < batch.jobs.length; i = claimJob(claims)) {
    parentPort?.postMessage(runClaimed(batch, i));
  }
});
// Loaded: the pool may count on this worker from now on.
parentPort?.postMessage({ ready: true });
