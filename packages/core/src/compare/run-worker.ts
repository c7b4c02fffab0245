// A run worker's entry: it loads the engine as soon as it starts, then runs batches, taking each next job
// from the batch's shared counter by itself, so it never waits for the main thread to hand it one.
import { parentPort } from 'node:worker_threads';
import { claimJob, type RunBatch, runClaimed } from './run-batch.js';

parentPort?.on('message', (batch: RunBatch) => {
  const claims = new Int32Array(batch.claims);
  for (let i = claimJob(claims); i < batch.jobs.length; i = claimJob(claims)) {
    parentPort?.postMessage(runClaimed(batch, i));
  }
});
// Loaded: the pool may count on this worker from now on.
parentPort?.postMessage({ ready: true });
