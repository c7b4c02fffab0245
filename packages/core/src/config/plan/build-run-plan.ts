import type { DnsRecordSet } from '../../world/synthetic-dns.js';
import { type Diagnostic, formatDiagnostic } from '../resources/diagnostics.js';
import type { LoadedConfig } from '../resources/load.js';
import type { Scenario, ScenarioSpec } from '../resources/schema/scenario.js';
import { scopeFor } from '../translate/caller-scope.js';
import { meshSettingsOf } from '../translate/mesh-settings.js';
import { warnCertificatesNeverChecked } from './certificates-never-checked.js';
import { warnDnsNamesWithoutEntry, warnEndpointsNoClusterHas } from './dns-and-address-checks.js';
import { planDumpTraffic } from './dump-traffic-plan.js';
import { checkEndpoints, endpointBehaviours, latencyDistribution } from './endpoint-behaviours.js';
import { planFlaps } from './endpoint-flaps.js';
import { envoyConfigOf } from './envoy-config-input.js';
import type { PlanContext } from './plan-context.js';
import { warnRefusedStreamOnHttp1 } from './refused-stream-on-http1.js';
import {
  checkClientsInFlight,
  checkExpectedRequests,
  expectedRequests,
  warnSourcesWithoutRequests,
  warnTimelineAfterEnd,
} from './request-bound.js';
import { planRunLimits } from './run-limits.js';
import type { PlannedCluster, RunPlan } from './run-plan.js';
import { errorsAt, type ScenarioOrigin, scenarioReporter } from './scenario-diagnostics.js';
import { planTimelineBucket } from './timeline-bucket.js';
import { planTimeline } from './timeline-plan.js';
import { planTraffic } from './traffic-source-plan.js';

/** How long after the traffic stops a run waits for requests still in flight. */
export const DRAIN_MS = 300_000;

/**
 * Turns loaded resources and a Scenario into a runnable plan: the clusters the traffic reaches, as
 * Istio would build them for a caller in `proxy.namespace`, and the synthetic world. Returns every
 * problem as a diagnostic; `plan` is null when any is an error.
 */
export function buildRunPlan(
  loaded: LoadedConfig,
  scenario: { name: string; spec: ScenarioSpec; origin: ScenarioOrigin },
): { plan: RunPlan | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { spec } = scenario;
  const at = scenarioReporter(scenario.origin, diagnostics);
  if (spec.traffic.length === 0) at(['traffic'], 'error', 'the Scenario has no traffic to simulate');
  checkEndpoints(spec, at);
  const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
  const envoy = envoyConfigOf(loaded, diagnostics);
  // A bad Envoy config stops here: routing traffic through what could not be read only adds noise.
  const badEnvoy = envoy !== null && diagnostics.filter((d) => d.severity === 'error').length > errorsBefore;
  const { traffic, clusters, routes } =
    envoy === null
      ? planIstioTraffic(loaded, spec, diagnostics, at)
      : badEnvoy
        ? { traffic: [], clusters: [], routes: [] }
        : planDumpTraffic(envoy, spec, at, diagnostics);
  warnDnsNamesWithoutEntry(clusters, spec, at);
  warnEndpointsNoClusterHas(clusters, spec, at);
  warnRefusedStreamOnHttp1(clusters, spec, at);
  warnCertificatesNeverChecked(clusters, spec, at);
  const timeline = planTimeline(spec, clusters, latencyDistribution, errorsAt(at));
  // Timeline changes of rate count; the traffic's indexes match spec.traffic's only without errors.
  const complete = traffic.length === spec.traffic.length;
  const requests = complete ? expectedRequests(traffic, timeline, spec.duration.ms) : [];
  checkExpectedRequests(requests, spec, at);
  warnSourcesWithoutRequests(requests, traffic, spec, at);
  warnTimelineAfterEnd(spec, at);
  checkClientsInFlight(spec, spec.limits.maxRequestsInFlight, at);
  const flapFor = planFlaps(spec, at);
  const timelineBucketMs = planTimelineBucket(spec, spec.duration.ms + DRAIN_MS, at);
  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };
  const limits = planRunLimits(
    { ...scenario, loaded, traffic, requests, clusters, routes, timeline, flapFor, timelineBucketMs },
    DRAIN_MS,
    diagnostics,
  );
  if (limits === null) return { plan: null, diagnostics };

  const plan: RunPlan = {
    scenario: scenario.name,
    seed: spec.seed,
    durationMs: spec.duration.ms,
    drainMs: DRAIN_MS,
    workers: spec.proxy.workers,
    timelineBucketMs,
    model: { clusters, routes },
    endpointFor: endpointBehaviours(spec),
    flapFor,
    traffic,
    timeline,
    networkRttMs: spec.network.rtt.ms,
    dns: dnsRecordsOf(spec),
    warnings: diagnostics.map(formatDiagnostic),
    ...limits,
  };
  return { plan, diagnostics };
}

/**
 * Istio resources in: each source's routes and clusters translated as istiod builds them, for what the
 * caller's sidecar sees (the mesh config's default exportTo, the Sidecar that applies to it).
 */
function planIstioTraffic(
  loaded: LoadedConfig,
  spec: ScenarioSpec,
  diagnostics: Diagnostic[],
  at: PlanContext['at'],
) {
  const mesh = meshSettingsOf(loaded);
  const scope = scopeFor(loaded, { namespace: spec.proxy.namespace, labels: spec.proxy.labels ?? {} }, mesh);
  const ctx: PlanContext = {
    loaded: scope.loaded,
    scope,
    mesh,
    spec,
    clusters: [],
    routes: [],
    diagnostics,
    at,
  };
  const traffic = planTraffic(ctx);
  return { traffic, clusters: ctx.clusters as PlannedCluster[], routes: ctx.routes };
}

/** spec.dns as the synthetic DNS serves it. */
function dnsRecordsOf(spec: ScenarioSpec): Record<string, DnsRecordSet> {
  return Object.fromEntries(
    Object.entries(spec.dns).map(([name, d]) => [
      name,
      { answers: d.answers, ttlMs: d.ttl?.ms ?? null, rotate: d.rotate, failure: d.failure },
    ]),
  );
}

export type { Scenario };
