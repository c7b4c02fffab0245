import { checkedVariant, ownVariant } from '../compare/compare.js';
import type { RunJob } from '../compare/run-job.js';
import type { RunPoolOptions } from '../compare/run-pool.js';
import type { SimulationSpec } from '../simulate.js';
import { type TuneOutcome, type TuneProgress, walkRungs } from './engine.js';
import { type LocalSourceOptions, localRunSource } from './local-source.js';
import { planTune, type TunePlan, type TuneRequest } from './plan.js';
import { type TuneReport, tuneReport } from './report.js';
import { parseRunKey } from './run-source.js';
import { configLabel } from './space.js';
import { configResources } from './winner-patch.js';

export interface TuneOptions extends RunPoolOptions {
  /** Told where the tune stands after each batch of runs: runs done of all, the best so far. */
  onProgress?: (p: TuneProgress) => void;
}

/** The job of each run key: the config's patched spec (built and checked once per config) on the seed. */
export function tuneJobs(spec: SimulationSpec, plan: TunePlan): (key: string) => RunJob {
  const specs = new Map<number, SimulationSpec>();
  return (key) => {
    const { config, seed } = parseRunKey(key);
    let patched = specs.get(config);
    if (patched === undefined) {
      const candidate = plan.candidates[config]!;
      const values = plan.axes.map((a, i) => a.values[candidate[i]!]);
      const resources = configResources(plan.targets, plan.axes, values).text;
      patched = ownVariant(spec, resources, `tune: ${configLabel(plan.axes, candidate)}`);
      checkedVariant(patched);
      specs.set(config, patched);
    }
    return { spec: patched, seed };
  };
}

/**
 * Runs a planned tune on this machine, as far as it can: all of it, or (with `shard`) this shard's
 * share of each rung, resuming from `known` and checkpointing through `onCheckpoint`.
 */
export async function runTunePlan(
  spec: SimulationSpec,
  plan: TunePlan,
  options: LocalSourceOptions & { onProgress?: (p: TuneProgress) => void } = {},
): Promise<TuneOutcome & { ranHere: number }> {
  const source = localRunSource(tuneJobs(spec, plan), options);
  const outcome = await walkRungs(plan, source, options.onProgress);
  return { ...outcome, ranHere: source.ranHere() };
}

/**
 * Searches the axes for the config that best meets the objective(s) under the constraints: every
 * config on the same seeds (common random numbers), a grid or a sample of the space, successive
 * halving over seeds for a sample; the best configs with intervals, the Pareto front of two
 * objectives, and the winner written as the resources to apply.
 */
export async function tune(
  spec: SimulationSpec,
  request: TuneRequest,
  options: TuneOptions = {},
): Promise<TuneReport> {
  const plan = planTune(spec, request);
  const outcome = await runTunePlan(spec, plan, options);
  if (!outcome.complete) throw new Error('a tune on one machine always completes');
  return tuneReport(plan, outcome.rungs);
}
