import { availableParallelism } from 'node:os';

/** Each worker thread holds an engine and its heap: more than this is memory, not speed. */
export const MAX_THREADS = 256;

/** The threads `runs` runs take: as asked (default the machine's parallelism), never more than runs. */
export function threadsFor(threads: number | undefined, runs: number): number {
  return Math.max(1, Math.min(threads ?? availableParallelism(), runs, MAX_THREADS));
}
