import { OpenLoopSource } from '../../world/traffic-source.js';
import type { FieldPath } from '../resources/positions.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { TrafficPlan } from './run-plan.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';
import type { TimelineAction } from './timeline-plan.js';

/** Runs expected to simulate more requests than this are refused up front rather than left to run for hours. */
export const MAX_EXPECTED_REQUESTS = 1e9;

/** Closed-loop clients without a think time are counted as sending at most once per this many ms. */
const MIN_THINK_MS = 0.1;

/** The requests one traffic source sends over the run, and the Scenario field that sends most of them. */
export interface SourceRequests {
  requests: number;
  /** `['traffic', i, 'rps']`, or the timeline entry whose change sends the most. */
  drivenBy: FieldPath;
}

type TrafficChange = Extract<TimelineAction, { kind: 'traffic' }>;

/** The timeline's changes to source `i` that happen within the run, in the order the engine applies them. */
function changesOf(timeline: readonly TimelineAction[], i: number, durationMs: number) {
  return timeline
    .map((action, j) => ({ action, j }))
    .filter(
      (c): c is { action: TrafficChange; j: number } =>
        c.action.kind === 'traffic' && c.action.index === i && c.action.atMs < durationMs,
    )
    .sort((a, b) => a.action.atMs - b.action.atMs || a.j - b.j);
}

/**
 * The expected arrivals of an open-loop source: the integral of its rate over the run, each timeline
 * change of rate, shape or arrivals applied as the engine applies it.
 */
function openLoopRequests(
  t: TrafficPlan,
  i: number,
  timeline: readonly TimelineAction[],
  durationMs: number,
): SourceRequests {
  const source = new OpenLoopSource(i, t.target, t.rps, t.shape, () => 0.5);
  let fromMs = 0;
  let drivenBy: FieldPath = ['traffic', i, 'rps'];
  let most = -1;
  let requests = 0;
  const segment = (toMs: number, path: FieldPath) => {
    const n = source.arrivalsBetween(fromMs, toMs);
    requests += n;
    if (n > most) [most, drivenBy] = [n, path];
  };
  let path: FieldPath = ['traffic', i, 'rps'];
  for (const { action, j } of changesOf(timeline, i, durationMs)) {
    segment(action.atMs, path);
    fromMs = action.atMs;
    source.change(action, fromMs);
    if (action.rps !== undefined) path = ['timeline', j, 'set', 'rps'];
    else if (action.shape !== undefined) path = ['timeline', j, 'set', action.shape.kind];
  }
  segment(durationMs, path);
  return { requests, drivenBy };
}

/**
 * A closed loop sends at most one request per client per think time (or per 0.1 ms without one), its
 * clients counted as the timeline changes them.
 */
function closedLoopRequests(
  t: TrafficPlan,
  i: number,
  timeline: readonly TimelineAction[],
  durationMs: number,
): SourceRequests {
  let clients = t.clients;
  let thinkMs = t.thinkTimeMs;
  let fromMs = 0;
  let requests = 0;
  let most = -1;
  let drivenBy: FieldPath = ['traffic', i, 'clients'];
  let path = drivenBy;
  const segment = (toMs: number) => {
    const n = (clients * (toMs - fromMs)) / Math.max(thinkMs, MIN_THINK_MS);
    requests += n;
    if (n > most) [most, drivenBy] = [n, path];
  };
  for (const { action, j } of changesOf(timeline, i, durationMs)) {
    segment(action.atMs);
    fromMs = action.atMs;
    // Retiring clients finish their think time first: count the larger of the two counts.
    if (action.clients !== undefined) clients = Math.max(clients, action.clients);
    if (action.thinkTimeMs !== undefined) thinkMs = Math.min(thinkMs, action.thinkTimeMs);
    path = ['timeline', j, 'set', action.clients !== undefined ? 'clients' : 'thinkTime'];
  }
  segment(durationMs);
  return { requests, drivenBy };
}

/** About how many requests each traffic source sends over the run, the timeline's changes included. */
export function expectedRequests(
  traffic: readonly TrafficPlan[],
  timeline: readonly TimelineAction[],
  durationMs: number,
): SourceRequests[] {
  return traffic.map((t, i) =>
    t.rps > 0 ? openLoopRequests(t, i, timeline, durationMs) : closedLoopRequests(t, i, timeline, durationMs),
  );
}

/** Refuses a run whose traffic would send more than MAX_EXPECTED_REQUESTS, at the field that sends most. */
export function checkExpectedRequests(
  perSource: readonly SourceRequests[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  const total = perSource.reduce((s, r) => s + r.requests, 0);
  if (!(total > MAX_EXPECTED_REQUESTS)) return;
  const top = perSource.reduce((a, b) => (b.requests > a.requests ? b : a));
  const message =
    `about ${total.toExponential(2)} requests over ${spec.duration.text} is over the limit of ` +
    `${MAX_EXPECTED_REQUESTS.toExponential(0)} a run may send; shorten the run or lower the rate`;
  at(top.drivenBy, 'error', message);
}

/**
 * Closed-loop clients all send at once (at the start, or when the timeline adds them), so more clients
 * than `maxInFlight` would stop the run the moment it starts: refused up front.
 */
export function checkClientsInFlight(spec: ScenarioSpec, maxInFlight: number, at: ScenarioReporter): void {
  const over = (n: number) =>
    `${n} clients send at once, over the limit of ${maxInFlight} requests in flight (spec.limits.maxRequestsInFlight)`;
  spec.traffic.forEach((t, i) => {
    if ('clients' in t && t.clients > maxInFlight) at(['traffic', i, 'clients'], 'error', over(t.clients));
  });
  spec.timeline.forEach((e, j) => {
    if ('traffic' in e && e.set.clients !== undefined && e.set.clients > maxInFlight)
      at(['timeline', j, 'set', 'clients'], 'error', over(e.set.clients));
  });
}

/** An open-loop source whose rate brings less than one request over the whole run: said, not silently run. */
export function warnSourcesWithoutRequests(
  perSource: readonly SourceRequests[],
  traffic: readonly TrafficPlan[],
  spec: ScenarioSpec,
  at: ScenarioReporter,
): void {
  perSource.forEach(({ requests }, i) => {
    const t = traffic[i]!;
    if (t.rps <= 0 || requests >= 1) return;
    const message = `rps ${t.rps} brings about ${requests.toPrecision(2)} requests over ${spec.duration.text}: the run may well send none`;
    at(['traffic', i, 'rps'], 'warning', message);
  });
}

/** Timeline entries at or after the end of the run never happen: said, not silently dropped. */
export function warnTimelineAfterEnd(spec: ScenarioSpec, at: ScenarioReporter): void {
  spec.timeline.forEach((e, i) => {
    if (e.at.ms < spec.duration.ms) return;
    const message = `${e.at.text} is not before the end of the run (${spec.duration.text}): this entry never happens`;
    at(['timeline', i, 'at'], 'warning', message);
  });
}
