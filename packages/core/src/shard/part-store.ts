import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunResults, ShardSpec } from '../tune/run-source.js';
import { combineParts } from './merge.js';
import { type Part, PartError, type PartPlan, partFiles, readPart, writePart } from './part-file.js';

/** Where a run keeps its part and finds other parts of its plan. */
export interface PartPaths {
  /** This shard's part: resumed from when it exists, rewritten after each batch of runs. */
  out?: string;
  /** Parts (files or directories of them) whose runs are reused: other shards', an earlier run's. */
  from?: readonly string[];
}

/** The parts under `from` (all of `fingerprint`'s plan, or an error naming the one that is not). */
function readFrom(paths: readonly string[], fingerprint: string): RunResults {
  const parts = paths.flatMap(partFiles).map(readPart);
  for (const { file, part } of parts) {
    if (part.fingerprint !== fingerprint) {
      throw new PartError(
        `${file} is a part of another plan (other inputs, options or meshsim version); --from takes the parts of this run only`,
      );
    }
  }
  return parts.length === 0 ? {} : combineParts(parts, false).runs;
}

/**
 * A shard's part on disk: what it resumes from (its own part and `from`), and the writer of its
 * checkpoints. Refuses an `out` that holds another plan's part or another shard's.
 */
export function partStore(paths: PartPaths, fingerprint: string, shard: ShardSpec, plan: PartPlan) {
  const known: RunResults = {};
  if (paths.out !== undefined && existsSync(paths.out)) {
    const { part } = readPart(paths.out);
    if (part.fingerprint !== fingerprint) {
      throw new PartError(
        `${paths.out} holds a part of another plan (other inputs, options or meshsim version); remove it or choose another --out`,
      );
    }
    if (part.shard.index !== shard.index || part.shard.count !== shard.count) {
      throw new PartError(
        `${paths.out} is the part of shard ${part.shard.index}/${part.shard.count}, not of ${shard.index}/${shard.count}`,
      );
    }
    Object.assign(known, part.runs);
  }
  Object.assign(known, readFrom(paths.from ?? [], fingerprint));
  const resumed = Object.keys(known).length;
  let written = 0;
  const write = (own: RunResults): void => {
    written = Object.keys(own).length;
    if (paths.out === undefined) return;
    const runs = Object.fromEntries(Object.entries(own).sort(([a], [b]) => compareKeys(a, b)));
    const part: Part = { meshsim: 'part', version: 1, fingerprint, shard, plan, runs };
    writePart(paths.out, part);
  };
  return { known, resumed, write, written: () => written };
}

/** Run keys in plan order: by job, or by config then seed. */
function compareKeys(a: string, b: string): number {
  const [ac, as = 0] = a.split(':').map(Number);
  const [bc, bs = 0] = b.split(':').map(Number);
  return ac! - bc! || as - bs;
}

/**
 * Waits for other shards' runs of `missing` to appear under `from`, reading the parts there first after
 * a quarter second, then less and less often, every `pollMs` at most; null when `waitMs` passes first.
 */
export async function waitForPeers(
  from: readonly string[],
  fingerprint: string,
  missing: readonly string[],
  waitMs: number,
  pollMs = 2000,
): Promise<RunResults | null> {
  const deadline = Date.now() + waitMs;
  for (let pause = Math.min(250, pollMs); ; pause = Math.min(pollMs, 2 * pause)) {
    const runs = readFrom(from, fingerprint);
    if (missing.every((key) => runs[key] !== undefined)) return runs;
    if (Date.now() >= deadline) return null;
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
  }
}
