import type { RouteModel } from '../../envoy/route.js';
import type { FlapPlan } from '../../world/endpoint-patch.js';
import { isDumpCluster } from '../envoy-dump/dump-model.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import { formatDurationMs } from '../resources/durations.js';
import type { LoadedConfig } from '../resources/load.js';
import { type FieldPath, formatPath } from '../resources/positions.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { SourceRequests } from './request-bound.js';
import type { PlannedCluster, TrafficPlan } from './run-plan.js';
import type { ScenarioOrigin } from './scenario-diagnostics.js';
import type { TimelineAction } from './timeline-plan.js';

/** A run whose events certain to happen exceed this is refused up front: about ten minutes of simulation. */
export const MAX_EXPECTED_EVENTS = 2e9;
/** The event budget never exceeds this, however much the run may need: past it the run stops, partial. */
export const MAX_EVENT_BUDGET = 2e10;
/** The smallest event budget a run gets. */
const MIN_EVENT_BUDGET = 1e6;

// Events per request beyond its attempts (arrival, fault delay, route timeout, answer), and per attempt
// (connect, TLS round trips, response, per-try timeout, back-off, idle check): generous upper bounds.
const EVENTS_PER_REQUEST = 4;
const EVENTS_PER_ATTEMPT = 8;

/** Where a source of events is set: a Scenario field, or a field of an Istio resource. */
export interface EventDriverField {
  file: string;
  line: number;
  column: number;
  path: string;
}

/** One thing that makes events: how many it surely makes over the run, how many at most, and where it is set. */
export interface EventDriver {
  /** Made for certain over `duration` (the refusal counts these). */
  certain: number;
  /** At most this many, the drain after the traffic included (the budget counts these). */
  atMost: number;
  /** e.g. `1.80e+6 outlier detection sweeps (interval 1ms over 30m)`. */
  what: string;
  field: EventDriverField;
}

/** What a plan needs to bound its events. */
export interface EventBoundInput {
  loaded: LoadedConfig;
  spec: ScenarioSpec;
  origin: ScenarioOrigin;
  traffic: readonly TrafficPlan[];
  requests: readonly SourceRequests[];
  clusters: readonly PlannedCluster[];
  routes: readonly RouteModel[];
  timeline: readonly TimelineAction[];
  flapFor: (address: string) => FlapPlan | null;
  timelineBucketMs: number;
  drainMs: number;
}

const e = (n: number): string => n.toExponential(2);

/** The most tries a request of source `t` may make: 1 + the largest numRetries of its routes. */
function attemptsOf(
  t: TrafficPlan,
  routes: readonly RouteModel[],
): { attempts: number; route: RouteModel | null } {
  let best = { attempts: 1, route: null as RouteModel | null };
  for (const m of t.mix) {
    const route = routes[m.route];
    const attempts = 1 + (route?.retry?.numRetries ?? 0);
    if (route !== undefined && attempts > best.attempts) best = { attempts, route };
  }
  return best;
}

function requestDrivers(input: EventBoundInput): EventDriver[] {
  const { spec, origin } = input;
  return input.traffic.map((t, i) => {
    const { requests, drivenBy } = input.requests[i]!;
    const { attempts, route } = attemptsOf(t, input.routes);
    const retries = route === null ? '' : `, up to ${attempts} tries each (route ${route.name}'s retries)`;
    const at = origin.locate(['spec', ...drivenBy]);
    return {
      certain: t.rps > 0 ? requests : 0,
      atMost: requests * (EVENTS_PER_REQUEST + EVENTS_PER_ATTEMPT * attempts),
      what: `${e(requests)} requests over ${spec.duration.text}${retries}`,
      field: { ...at, path: formatPath(['spec', ...drivenBy]) },
    };
  });
}

/** Where a cluster's outlierDetection.interval is written; the run's duration when it is Istio's default. */
function intervalField(input: EventBoundInput, c: PlannedCluster): EventDriverField {
  // A dump's cluster: its outlier_detection, where the interval is written or defaults.
  if (isDumpCluster(c)) {
    const path = [...c.source.path, 'outlier_detection'];
    return { file: c.source.file, line: c.source.line, column: 1, path: formatPath(path) };
  }
  const dr = input.loaded.destinationRules.find(
    (d) => `${d.resource.metadata.namespace}/${d.resource.metadata.name}` === c.destinationRule,
  );
  const policy = c.policyPaths?.outlierDetection;
  if (dr === undefined || policy === null || policy === undefined) {
    const duration: FieldPath = ['spec', 'duration'];
    return { ...input.origin.locate(duration), path: formatPath(duration) };
  }
  const path: FieldPath = [...policy, 'interval'];
  return { file: dr.file, ...dr.positionOf(path), path: formatPath(path) };
}

function sweepDrivers(input: EventBoundInput): EventDriver[] {
  const { spec, drainMs } = input;
  return input.clusters.flatMap((c) => {
    const od = c.outlierDetection;
    if (od === null) return [];
    const sweeps = spec.duration.ms / od.intervalMs;
    return [
      {
        certain: sweeps,
        atMost: (spec.duration.ms + drainMs) / od.intervalMs + 1,
        what: `${e(sweeps)} outlier detection sweeps of ${c.name} (interval ${formatDurationMs(od.intervalMs)} over ${spec.duration.text})`,
        field: intervalField(input, c),
      },
    ];
  });
}

/** Every TTL a name is ever given (its entry's and the timeline's), for its shortest refresh. */
function ttlsOf(input: EventBoundInput, name: string): number[] {
  const ttls: number[] = [];
  const own = input.spec.dns[name]?.ttl?.ms;
  if (own !== undefined) ttls.push(own);
  for (const a of input.timeline) if (a.kind === 'dns' && a.name === name && a.ttlMs) ttls.push(a.ttlMs);
  return ttls.filter((t) => t > 0);
}

function dnsDrivers(input: EventBoundInput): EventDriver[] {
  const { spec, origin, drainMs } = input;
  return input.clusters.flatMap((c) =>
    c.dnsTargets.map((t) => {
      const ttls = ttlsOf(input, t.hostname);
      const own = spec.dns[t.hostname]?.ttl?.ms;
      const every =
        own !== undefined && own > 0
          ? `TTL ${formatDurationMs(own)}`
          : `dnsRefreshRate ${formatDurationMs(c.dnsRefreshRateMs)}`;
      // The jitter adds half its width on average.
      const firstMs = (own !== undefined && own > 0 ? own : c.dnsRefreshRateMs) + c.dnsJitterMs / 2;
      const shortestMs = Math.min(c.dnsRefreshRateMs, ...ttls);
      const refreshes = spec.duration.ms / firstMs;
      const path: FieldPath = ['spec', 'dns', t.hostname, 'ttl'];
      return {
        certain: refreshes,
        atMost: (spec.duration.ms + drainMs) / shortestMs + 1,
        what: `${e(refreshes)} DNS refreshes of ${t.hostname} (${every} over ${spec.duration.text})`,
        field: { ...origin.locate(path), path: formatPath(path) },
      };
    }),
  );
}

/** The addresses the run may simulate: every endpoint and every DNS answer of the clusters. */
function addressesOf(input: EventBoundInput): Set<string> {
  const out = new Set<string>();
  for (const c of input.clusters) {
    for (const ep of c.endpoints) out.add(ep.address);
    for (const t of c.dnsTargets) for (const a of input.spec.dns[t.hostname]?.answers ?? []) out.add(a);
  }
  for (const a of input.timeline) if (a.kind === 'dns') for (const x of a.answers ?? []) out.add(x);
  return out;
}

/** Two turns per period while the endpoint is up part of the time and down the rest. */
const turnsOver = (flap: FlapPlan, ms: number): number =>
  flap.upMs > 0 && flap.upMs < flap.periodMs ? (2 * ms) / flap.periodMs + 2 : 0;

function flapDrivers(input: EventBoundInput): EventDriver[] {
  const { spec, origin, drainMs } = input;
  const drivers: EventDriver[] = [];
  for (const address of addressesOf(input)) {
    const flap = input.flapFor(address);
    if (flap === null) continue;
    const key = spec.endpoints[address] === undefined ? '*' : address;
    const path: FieldPath = ['spec', 'endpoints', key, 'flap', 'period'];
    const turns = turnsOver(flap, spec.duration.ms);
    drivers.push({
      certain: turns,
      atMost: turnsOver(flap, spec.duration.ms + drainMs),
      what: `${e(turns)} up/down turns of ${address} (period ${formatDurationMs(flap.periodMs)} over ${spec.duration.text})`,
      field: { ...origin.locate(path), path: formatPath(path) },
    });
  }
  input.timeline.forEach((a, j) => {
    if (a.kind !== 'endpoints' || !a.patch.flap || a.atMs >= spec.duration.ms) return;
    const path: FieldPath = ['spec', 'timeline', j];
    const turns = a.addresses.length * turnsOver(a.patch.flap, spec.duration.ms - a.atMs);
    drivers.push({
      certain: turns,
      atMost: a.addresses.length * turnsOver(a.patch.flap, spec.duration.ms + drainMs - a.atMs),
      what: `${e(turns)} up/down turns from the timeline (period ${formatDurationMs(a.patch.flap.periodMs)})`,
      field: { ...origin.locate(path), path: formatPath(path) },
    });
  });
  return drivers;
}

/** Every source of the run's events, the traffic's, the timers' and the timeline's. */
export function eventDrivers(input: EventBoundInput): EventDriver[] {
  const { spec, origin } = input;
  const buckets = spec.duration.ms / input.timelineBucketMs + 1;
  const bucketPath: FieldPath = ['spec', 'report', 'timelineBucket'];
  const timelinePath: FieldPath = ['spec', 'timeline'];
  return [
    ...requestDrivers(input),
    ...sweepDrivers(input),
    ...dnsDrivers(input),
    ...flapDrivers(input),
    {
      certain: buckets,
      atMost: buckets,
      what: `${e(buckets)} timeline buckets`,
      field: { ...origin.locate(bucketPath), path: formatPath(bucketPath) },
    },
    {
      certain: input.timeline.length,
      atMost: input.timeline.length,
      what: `${input.timeline.length} timeline entries`,
      field: { ...origin.locate(timelinePath), path: formatPath(timelinePath) },
    },
  ];
}

/** `file:line path`, as a partial report names the field behind its cause. */
export const fieldText = (f: EventDriverField): string =>
  f.line > 0 ? `${f.file}:${f.line} ${f.path}` : f.path;

/** The event budget of a run: twice what its drivers may make, within the floor and the ceiling. */
export function eventBudgetOf(drivers: readonly EventDriver[]): number {
  const atMost = drivers.reduce((s, d) => s + d.atMost, 0);
  return Math.min(MAX_EVENT_BUDGET, Math.max(MIN_EVENT_BUDGET, Math.ceil(2 * atMost)));
}

/** The driver that makes the most events, by `key`. */
export function topDriver(drivers: readonly EventDriver[], key: 'certain' | 'atMost'): EventDriver {
  return drivers.reduce((a, b) => (b[key] > a[key] ? b : a));
}

/**
 * Refuses a run that surely makes more than MAX_EXPECTED_EVENTS events, at the field that makes the
 * most of them (a sweep interval, a flap period, a TTL, a rate).
 */
export function checkExpectedEvents(drivers: readonly EventDriver[], diagnostics: Diagnostic[]): void {
  const total = drivers.reduce((s, d) => s + d.certain, 0);
  if (!(total > MAX_EXPECTED_EVENTS)) return;
  const top = topDriver(drivers, 'certain');
  const { file, line, column, path } = top.field;
  const message =
    `${top.what}: about ${e(total)} events in all, over the limit of ${e(MAX_EXPECTED_EVENTS)} ` +
    'a run may take; shorten the run or make this less frequent';
  diagnostics.push({ severity: 'error', file, line, column, path, message });
}
