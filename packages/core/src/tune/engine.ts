import { totalRuns } from './halving.js';
import type { TunePlan } from './plan.js';
import { type ConfigRuns, meansOf, rankConfigs } from './rank.js';
import { type RunResults, type RunSource, runKey } from './run-source.js';
import { configLabel } from './space.js';

/** A rung as it ran: its configs ranked best first, on the first `seeds` seeds. */
export interface RungResult {
  rung: number;
  seeds: number;
  ranked: ConfigRuns[];
}

/** Where a tune stands, after each batch of runs. */
export interface TuneProgress {
  /** The rung running, from 0, of `rungs`. */
  rung: number;
  rungs: number;
  /** Runs known (resumed ones included) of the `total` the schedule has. */
  done: number;
  total: number;
  /** The leader among the configs whose runs of this rung are all in (else the last rung's), if any. */
  best: { config: number; label: string; metric: string; mean: number } | null;
}

export type TuneOutcome =
  | { complete: true; rungs: RungResult[] }
  /** Stopped at `rung`: `keys` are its runs in plan order, `missing` those not known. */
  | { complete: false; rung: number; rungs: RungResult[]; keys: string[]; missing: string[] };

function configRuns(plan: TunePlan, known: RunResults, config: number, seeds: number): ConfigRuns | null {
  const runs = [];
  for (const seed of plan.seeds.slice(0, seeds)) {
    const values = known[runKey(config, seed)];
    if (values === undefined) return null;
    runs.push(values);
  }
  return { config, runs, means: meansOf(runs) };
}

function leader(plan: TunePlan, ranked: readonly ConfigRuns[]): TuneProgress['best'] {
  const top = ranked[0];
  if (top === undefined) return null;
  const metric = plan.objectives[0]!.metric;
  return {
    config: top.config,
    label: configLabel(plan.axes, plan.candidates[top.config]!),
    metric,
    mean: top.means[metric]!,
  };
}

/**
 * Walks the plan's rungs: runs (or reads) each rung's new runs, ranks the rung's configs on all its
 * seeds, and keeps the best for the next rung (see `rungSizes` and `rankConfigs`). Stops early, with
 * what is missing, when the source cannot complete a rung (a shard waiting for the others).
 */
export async function walkRungs(
  plan: TunePlan,
  source: RunSource,
  onProgress?: (p: TuneProgress) => void,
): Promise<TuneOutcome> {
  const known: RunResults = {};
  const rungs: RungResult[] = [];
  const total = totalRuns(plan.rungs);
  let configs = plan.candidates.map((_, i) => i);
  let best: TuneProgress['best'] = null;
  for (let k = 0; k < plan.rungs.length; k++) {
    const { seeds } = plan.rungs[k]!;
    const from = k === 0 ? 0 : plan.rungs[k - 1]!.seeds;
    const keys = configs.flatMap((c) => plan.seeds.slice(from, seeds).map((s) => runKey(c, s)));
    let seen: RunResults = known;
    const report = (all: RunResults) => {
      seen = all;
      const finished = configs.flatMap((c) => configRuns(plan, all, c, seeds) ?? []);
      if (finished.length > 0) best = leader(plan, rankConfigs(plan, finished));
      let done = 0;
      for (const key of keys) if (all[key] !== undefined) done++;
      const before = k === 0 ? 0 : totalRuns(plan.rungs.slice(0, k));
      onProgress?.({ rung: k, rungs: plan.rungs.length, done: before + done, total, best });
    };
    report(known);
    const got = await source.complete(keys, report);
    if (got === null) {
      const missing = keys.filter((key) => seen[key] === undefined);
      return { complete: false, rung: k, rungs, keys, missing };
    }
    Object.assign(known, got);
    const ranked = rankConfigs(
      plan,
      configs.map((c) => configRuns(plan, known, c, seeds)!),
    );
    rungs.push({ rung: k, seeds, ranked });
    best = leader(plan, ranked);
    if (k + 1 < plan.rungs.length) {
      configs = ranked
        .slice(0, plan.rungs[k + 1]!.configs)
        .map((c) => c.config)
        .sort((a, b) => a - b);
    }
  }
  return { complete: true, rungs };
}
