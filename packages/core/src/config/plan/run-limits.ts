import type { Diagnostic } from '../resources/diagnostics.js';
import { formatDurationMs } from '../resources/durations.js';
import {
  checkExpectedEvents,
  type EventBoundInput,
  eventBudgetOf,
  eventDrivers,
  fieldText,
  topDriver,
} from './event-bound.js';
import type { RunPlan } from './run-plan.js';

/** What a plan needs to set its limits: what bounds its events, before the drain time is known. */
export type RunLimitsInput = Omit<EventBoundInput, 'drainMs'>;

/**
 * The run's limits: its event budget (spec.limits.maxEvents, else twice what the run may make) and its
 * requests in flight, each with what a partial report names as its source. Null, with an error, when the
 * run surely makes more events than any run may.
 */
export function planRunLimits(
  input: RunLimitsInput,
  drainMs: number,
  diagnostics: Diagnostic[],
): Pick<RunPlan, 'maxEvents' | 'maxRequestsInFlight' | 'limitSources'> | null {
  const { spec } = input;
  const drivers = eventDrivers({ ...input, drainMs });
  const errorsBefore = diagnostics.length;
  checkExpectedEvents(drivers, diagnostics);
  if (diagnostics.length > errorsBefore) return null;
  const top = topDriver(drivers, 'atMost');
  return {
    maxEvents: spec.limits.maxEvents ?? eventBudgetOf(drivers),
    maxRequestsInFlight: spec.limits.maxRequestsInFlight,
    limitSources: {
      events: top.what,
      eventsField: fieldText(top.field),
      budgetSet: spec.limits.maxEvents !== undefined,
      inFlightField: 'spec.limits.maxRequestsInFlight',
    },
  };
}

const at = (ms: number): string => formatDurationMs(Math.round(ms));

/** The partial report's message of a run that took more requests in flight than `plan.maxRequestsInFlight`. */
export function inFlightLimitMessage(plan: RunPlan, inFlight: number, atMs: number): string {
  return (
    `${inFlight} requests in flight at ${at(atMs)}, over the limit of ${plan.maxRequestsInFlight}: ` +
    'requests arrive faster than they are answered (a black hole, a queue that keeps growing); ' +
    'add a timeout, or raise spec.limits.maxRequestsInFlight'
  );
}

/** The partial report's message of a run that spent its event budget. */
export function eventBudgetMessage(plan: RunPlan, atMs: number): string {
  const budget = plan.limitSources.budgetSet ? ' (spec.limits.maxEvents)' : '';
  return (
    `the run spent its budget of ${plan.maxEvents} events${budget} at ${at(atMs)} of ` +
    `${formatDurationMs(plan.durationMs)} simulated; most of its events come from ${plan.limitSources.events}`
  );
}
