import type { MetricValues } from '../compare/metrics.js';

/** The figures of runs, by run key (`config:seed`). */
export type RunResults = Record<string, MetricValues>;

/** The key of config c's run on seed s: a run is a pure function of its config and seed. */
export const runKey = (config: number, seed: number): string => `${config}:${seed}`;

export function parseRunKey(key: string): { config: number; seed: number } {
  const [config, seed] = key.split(':').map(Number);
  return { config: config!, seed: seed! };
}

/** One of N machines' share of a plan: K of N, from 1. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Shard K of N runs the keys whose position in the rung's list is K − 1 modulo N. */
export const ownerOf = (position: number, count: number): number => (position % count) + 1;

export function shardKeys(keys: readonly string[], shard: ShardSpec | undefined): string[] {
  if (shard === undefined || shard.count === 1) return [...keys];
  return keys.filter((_, i) => ownerOf(i, shard.count) === shard.index);
}

/** Where a tune's runs come from: run here, read from parts written before, or both. */
export interface RunSource {
  /**
   * The figures of every key of a rung (in plan order), or null when some are left to other shards and
   * cannot be had now. `onRuns` is told of the runs known so far as they come in, for progress.
   */
  complete(keys: readonly string[], onRuns: (known: RunResults) => void): Promise<RunResults | null>;
}

/** The figures of `keys` from `known`, or null when one is missing. */
export function lookUp(known: RunResults, keys: readonly string[]): RunResults | null {
  const out: RunResults = {};
  for (const key of keys) {
    const values = known[key];
    if (values === undefined) return null;
    out[key] = values;
  }
  return out;
}

/** A source that runs nothing: every run must already be known (merging parts). */
export function knownRunSource(known: RunResults): RunSource {
  return { complete: async (keys) => lookUp(known, keys) };
}
