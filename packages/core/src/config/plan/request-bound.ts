import { arrivalRate } from '../../world/rate-shape.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { TrafficPlan } from './run-plan.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';
import type { TimelineAction } from './timeline-plan.js';

/** Runs expected to simulate more requests than this are refused up front rather than left to run for hours. */
export const MAX_EXPECTED_REQUESTS = 1e9;

const overLimit = (requests: number): string =>
  `about ${requests.toExponential(2)} requests is over the ${MAX_EXPECTED_REQUESTS} limit`;

/**
 * About how many requests the traffic sends: a closed loop at most one per client per think time (or per
 * 0.1 ms without one), an open loop the integral of its rate over the run.
 */
export function expectedRequests(traffic: readonly TrafficPlan[], durationMs: number): number {
  return traffic.reduce(
    (s, t) =>
      s +
      arrivalRate(t.rps, t.shape, 0).arrivalsBetween(0, durationMs) +
      (t.clients * durationMs) / Math.max(t.thinkTimeMs, 0.1),
    0,
  );
}

/** Refuses a run whose traffic would send more than MAX_EXPECTED_REQUESTS. */
export function checkExpectedRequests(expected: number, at: ScenarioReporter): void {
  if (expected > MAX_EXPECTED_REQUESTS) at(['duration'], 'error', overLimit(expected));
}

/** Clients the timeline adds send too: at most their count per think time from the change to the end. */
export function checkTimelineClients(
  spec: ScenarioSpec,
  timeline: readonly TimelineAction[],
  traffic: readonly TrafficPlan[],
  expected: number,
  at: ScenarioReporter,
): void {
  timeline.forEach((a, j) => {
    if (a.kind !== 'traffic' || a.clients === undefined) return;
    const think = a.thinkTimeMs ?? traffic[a.index]?.thinkTimeMs ?? 0;
    const more = (a.clients * Math.max(0, spec.duration.ms - a.atMs)) / Math.max(think, 0.1);
    if (expected + more > MAX_EXPECTED_REQUESTS)
      at(['timeline', j, 'set', 'clients'], 'error', overLimit(expected + more));
  });
}

/** The kernel's event cap against runaway runs: twenty events per expected request, at least a million. */
export const maxEventsFor = (expected: number): number => Math.max(1e6, Math.ceil(expected * 20));
