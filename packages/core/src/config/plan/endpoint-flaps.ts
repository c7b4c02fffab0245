import type { FlapPlan } from '../../world/endpoint-patch.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import { latencyDistribution } from './endpoint-behaviours.js';
import { errorsAt, type ScenarioReporter } from './scenario-diagnostics.js';
import { planFlap } from './timeline-plan.js';

/**
 * Plans each endpoint's `flap` and returns `RunPlan.flapFor`: an address's own cycle, or the "*" entry's
 * for an address the Scenario does not list.
 */
export function planFlaps(spec: ScenarioSpec, at: ScenarioReporter): (address: string) => FlapPlan | null {
  const flaps = new Map<string, FlapPlan>();
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.flap === undefined) continue;
    const path = ['endpoints', address, 'flap'];
    flaps.set(address, planFlap(e.flap, path, latencyDistribution, errorsAt(at)));
  }
  return (address) =>
    flaps.get(address) ?? (spec.endpoints[address] === undefined ? (flaps.get('*') ?? null) : null);
}
