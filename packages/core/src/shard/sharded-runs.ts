import { type CompareOptions, planCompare, type Variants } from '../compare/compare.js';
import type { RunJob } from '../compare/run-job.js';
import type { RunPoolOptions } from '../compare/run-pool.js';
import { planSweep, type SweepAxis, type SweepOptions } from '../compare/sweep.js';
import type { SimulationSpec } from '../simulate.js';
import type { TuneOutcome, TuneProgress } from '../tune/engine.js';
import { totalRuns } from '../tune/halving.js';
import { localRunSource } from '../tune/local-source.js';
import { planTune, type TunePlan, type TuneRequest } from '../tune/plan.js';
import { type TuneReport, tuneReport } from '../tune/report.js';
import { type ShardSpec, shardKeys } from '../tune/run-source.js';
import { runTunePlan } from '../tune/tune.js';
import { fingerprint, specContent } from './fingerprint.js';
import type { PartPlan } from './part-file.js';
import { type PartPaths, partStore, waitForPeers } from './part-store.js';

export interface ShardOptions extends RunPoolOptions, PartPaths {
  /** Which share of the plan to run. Default 1/1: all of it. */
  shard?: ShardSpec;
  /** With `from`: how long a tune's shard waits for the others' runs of a rung before it gives up. */
  waitMs?: number;
  /** How often a waiting shard reads the parts again. Default 2000 ms. */
  pollMs?: number;
}

/** What a shard did: runs of its own share in its part (`mine`), run here (`ran`), of the plan's `total`. */
export interface ShardResult {
  fingerprint: string;
  shard: ShardSpec;
  mine: number;
  ran: number;
  resumed: number;
  total: number;
}

/** The fingerprint of a compare or sweep: every job's spec (as content) and seed, and the summary. */
function jobsFingerprint(kind: string, jobs: readonly RunJob[], summary: unknown): string {
  const contents = new Map<SimulationSpec, unknown>();
  const content = (spec: SimulationSpec) => {
    if (!contents.has(spec)) contents.set(spec, specContent(spec));
    return contents.get(spec);
  };
  return fingerprint(kind, {
    jobs: jobs.map((j) => ({ spec: content(j.spec), seed: j.seed ?? null })),
    summary,
  });
}

async function runJobsShard(
  kind: string,
  jobs: readonly RunJob[],
  plan: PartPlan,
  options: ShardOptions,
): Promise<ShardResult> {
  const shard = options.shard ?? { index: 1, count: 1 };
  const print = jobsFingerprint(kind, jobs, plan);
  const store = partStore(options, print, shard, plan);
  const keys = jobs.map((_, i) => String(i));
  const source = localRunSource((key) => jobs[Number(key)]!, {
    ...options,
    known: store.known,
    shard,
    onCheckpoint: store.write,
  });
  await source.complete(keys, () => {});
  const mine = shardKeys(keys, shard).length;
  return {
    fingerprint: print,
    shard,
    mine,
    ran: source.ranHere(),
    resumed: store.resumed,
    total: jobs.length,
  };
}

/** Runs shard K of N of a compare and writes its part to `out`; `meshsim merge` of all N gives the report. */
export async function compareShard(
  spec: SimulationSpec,
  variants: Variants,
  options: CompareOptions & ShardOptions,
): Promise<ShardResult> {
  const { jobs, ...summary } = planCompare(spec, variants, options);
  return runJobsShard('compare', jobs, { kind: 'compare', jobs: jobs.length, ...summary }, options);
}

/** Runs shard K of N of a sweep and writes its part to `out`. */
export async function sweepShard(
  spec: SimulationSpec,
  axis: SweepAxis,
  options: SweepOptions & ShardOptions,
): Promise<ShardResult> {
  const { jobs, ...summary } = planSweep(spec, axis, options);
  return runJobsShard('sweep', jobs, { kind: 'sweep', jobs: jobs.length, ...summary }, options);
}

export interface TuneShardResult extends ShardResult {
  plan: TunePlan;
  outcome: TuneOutcome;
  /** The report, on one machine (1/1); a shard leaves it to `meshsim merge`. */
  report: TuneReport | null;
}

/**
 * A tune that keeps its runs in a part: resumes from `out` and `from`, checkpoints to `out`, and with
 * `shard` runs only its share of each rung. A rung needs every shard's runs of the rungs before: with
 * `from` and `waitMs` the shard waits for them there, otherwise it stops at the rung (outcome incomplete).
 */
export async function tuneWithParts(
  spec: SimulationSpec,
  request: TuneRequest,
  options: ShardOptions & { onProgress?: (p: TuneProgress) => void },
): Promise<TuneShardResult> {
  const shard = options.shard ?? { index: 1, count: 1 };
  const plan = planTune(spec, request);
  const print = fingerprint('tune', { spec: specContent(spec), plan });
  const store = partStore(options, print, shard, { kind: 'tune', ...plan });
  const from = options.from ?? [];
  const peers =
    options.waitMs !== undefined && from.length > 0
      ? (missing: readonly string[]) => waitForPeers(from, print, missing, options.waitMs!, options.pollMs)
      : undefined;
  const outcome = await runTunePlan(spec, plan, {
    ...options,
    known: store.known,
    shard,
    onCheckpoint: store.write,
    ...(peers !== undefined ? { peers } : {}),
  });
  return {
    fingerprint: print,
    shard,
    mine: store.written(),
    ran: outcome.ranHere,
    resumed: store.resumed,
    total: totalRuns(plan.rungs),
    plan,
    outcome,
    report: outcome.complete && shard.count === 1 ? tuneReport(plan, outcome.rungs) : null,
  };
}
