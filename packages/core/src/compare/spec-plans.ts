import type { RunPlan } from '../config/plan/run-plan.js';
import type { Diagnostic } from '../config/resources/diagnostics.js';
import { planSimulation, type SimulationSpec } from '../simulate.js';

/** A spec planned: its plan, or null with the diagnostics that say why not. */
export interface SpecPlan {
  plan: RunPlan | null;
  diagnostics: Diagnostic[];
}

/**
 * How many specs' plans are kept (~15 KB each). Jobs come variant by variant (a tune's config by
 * config), so the plan a job needs is one of the last few made; a tune of 100,000 configs keeps 64.
 */
const MAX_PLANS = 64;

/**
 * The plan of each spec a compare, sweep or tune runs, made once: checking every variant before any
 * run plans it, and its runs (one per seed) reuse that plan, since planning reads no seed. Keyed by
 * the spec object, which a variant's jobs share (and a worker's batch, once it has crossed).
 */
const plans = new Map<SimulationSpec, SpecPlan>();

export function planOnce(spec: SimulationSpec): SpecPlan {
  let planned = plans.get(spec);
  if (planned === undefined) {
    const { plan, diagnostics } = planSimulation(spec);
    planned = { plan, diagnostics };
    if (plans.size === MAX_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(spec, planned);
  }
  return planned;
}
