import { checkRunHooks, checkRunPlan } from '../config/plan/plan-arguments.js';
import type { RunPlan } from '../config/plan/run-plan.js';
import type { Report } from '../observe/report.js';
import type { RunHooks } from './run-hooks.js';
import { SimulationRun } from './simulation-run.js';

export type { RunHooks, RunProgress } from './run-hooks.js';
export { type AdvanceLimit, SimulationRun } from './simulation-run.js';

/**
 * Runs a validated plan at once: plays the traffic for `durationMs`, waits up to `drainMs` for requests
 * in flight, and builds the report. A run that reaches its event budget or its limit of requests in
 * flight stops there, and its report says so in `partial`. Anything but a plan planSimulation made
 * throws an ArgumentError.
 */
export function runPlan(plan: RunPlan, hooks: RunHooks = {}): Report {
  checkRunPlan('runPlan(plan)', plan);
  checkRunHooks('runPlan(plan, hooks)', hooks);
  const run = new SimulationRun(plan, hooks);
  run.advance();
  return run.report();
}
