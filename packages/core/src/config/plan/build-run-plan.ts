import { isIP } from 'node:net';
import type { RouteModel } from '../../envoy/route.js';
import { Constant, type Distribution, Exponential, LogNormal } from '../../kernel/distributions.js';
import type { FlapPlan } from '../../world/endpoint-patch.js';
import type { EndpointBehaviour } from '../../world/endpoint-server.js';
import { arrivalRate } from '../../world/rate-shape.js';
import { type Diagnostic, formatDiagnostic } from '../resources/diagnostics.js';
import { formatDurationMs } from '../resources/durations.js';
import type { LoadedConfig } from '../resources/load.js';
import { type FieldPath, formatPath } from '../resources/positions.js';
import type { Scenario, ScenarioSpec } from '../resources/schema/scenario.js';
import type { EndpointBehaviour as EndpointSpec, Latency } from '../resources/schema/scenario-endpoint.js';
import { translateCluster } from '../translate/cluster.js';
import {
  applyHashPolicy,
  type ClusterResolver,
  destinationPort,
  type RouteNote,
  routeFor,
  routingVirtualService,
} from '../translate/http-routes.js';
import { defaultRetryPolicyFor } from '../translate/istio-defaults.js';
import { applicationSpeaksTls, isTcpProxied } from '../translate/port-protocol.js';
import { noteHttpRoutesOnTcpPort, tcpRouteFor } from '../translate/tcp-routes.js';
import type { TranslatedCluster } from '../translate/translated-cluster.js';
import { findDestinationRule, findServiceEntry } from '../translate/visibility.js';
import { tokenBucketOf } from './rate-limit.js';
import { planRateShape } from './rate-shape-plan.js';
import type { RunPlan, TrafficPlan } from './run-plan.js';
import { MAX_TIMELINE_POINTS, timelineBucketFor } from './timeline-bucket.js';
import { checkPatchNeeds, planFlap, planTimeline, stateOf } from './timeline-plan.js';

/** How long after the traffic stops a run waits for requests still in flight. */
export const DRAIN_MS = 300_000;
/** Runs expected to simulate more requests than this are refused up front rather than left to run for hours. */
export const MAX_EXPECTED_REQUESTS = 1e9;

/** Where the Scenario's fields are, for diagnostics: the YAML document, or the `simulate()` call (line 0). */
export interface ScenarioOrigin {
  locate(path: FieldPath): { file: string; line: number; column: number };
}

function latencyDistribution(latency: Latency | undefined): Distribution {
  if (latency === undefined) return new Constant(0);
  if ('constant' in latency) return new Constant(latency.constant.ms);
  if ('exponential' in latency) return new Exponential(latency.exponential.ms);
  return new LogNormal(latency.median.ms, latency.p99.ms);
}

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
  const { spec, origin } = scenario;
  const at = (path: FieldPath, severity: Diagnostic['severity'], message: string): void => {
    const { file, line, column } = origin.locate(['spec', ...path]);
    diagnostics.push({
      severity,
      file,
      line,
      column,
      path: formatPath(['spec', ...path]),
      message,
    });
  };

  if (spec.traffic.length === 0) at(['traffic'], 'error', 'the Scenario has no traffic to simulate');
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.flap !== undefined) {
      const path = ['endpoints', address, 'flap', 'down'];
      checkPatchNeeds(e.flap.down, stateOf(e), address, path, (p, m) => at(p, 'error', m));
    }
    const total = (e.errors ?? []).reduce((s, x) => s + x.rate, 0);
    if (total > 1 + 1e-12)
      at(['endpoints', address, 'errors'], 'error', `error rates add up to ${total}, over 1`);
  }

  const clusters: TranslatedCluster[] = [];
  const routes: RouteModel[] = [];
  const traffic: TrafficPlan[] = [];
  const defaultRetry = defaultRetryPolicyFor(spec.proxy.istioVersion);
  const caller = spec.proxy.namespace;
  const istioVersion = spec.proxy.istioVersion;
  spec.traffic.forEach((t, i) => {
    const se = findServiceEntry(loaded.serviceEntries, t.host, caller);
    if (se === undefined) {
      at(
        ['traffic', i, 'host'],
        'error',
        `no ServiceEntry visible from namespace ${caller} declares host ${t.host} ` +
          '(Istio would send it to PassthroughCluster or BlackHoleCluster, which are not modelled yet)',
      );
      return;
    }
    const ports = se.resource.spec.ports ?? [];
    const port =
      t.port === undefined
        ? ports.length === 1
          ? ports[0]
          : undefined
        : ports.find((p) => p.number === t.port);
    if (port === undefined) {
      const known = ports.map((p) => p.number).join(', ') || 'none';
      const message =
        t.port === undefined
          ? `the ServiceEntry has ports ${known}: say which with traffic port`
          : `port ${t.port} is not a port of ServiceEntry ${se.resource.metadata.namespace}/${se.resource.metadata.name} (ports: ${known})`;
      at(['traffic', i, 'port'], 'error', message);
      return;
    }
    const protocol = port.protocol ?? 'HTTP';
    const tcpProxied = isTcpProxied(protocol);
    const host = t.host;
    // A cluster per (host, port, subset), built the first time a route reaches it.
    const resolve: ClusterResolver = (destHost, destPort, subset) => {
      const destSe = findServiceEntry(loaded.serviceEntries, destHost, caller);
      if (destSe === undefined) return null;
      const destPorts = destSe.resource.spec.ports ?? [];
      const wanted = destinationPort(destPorts, destPort, port.number);
      const sePort = destPorts.find((p) => p.number === wanted);
      if (sePort === undefined) return null;
      const existing = clusters.findIndex(
        (c) => c.serviceHost === destHost && c.port === sePort.number && c.name.split('|')[2] === subset,
      );
      if (existing >= 0) return existing;
      const dr = findDestinationRule(
        loaded.destinationRules,
        destHost,
        destSe.resource.metadata.namespace,
        caller,
      );
      if (subset !== '' && !dr?.resource.spec.subsets?.some((x) => x.name === subset)) return null;
      const model = translateCluster(
        {
          serviceEntry: destSe,
          host: destHost,
          port: sePort,
          destinationRule: dr,
          istioVersion,
          subset,
          proxyLocality: spec.proxy.locality ?? '',
          proxyLabels: spec.proxy.labels ?? {},
        },
        diagnostics,
      );
      if (model === null) return null;
      if (model.type === 'ORIGINAL_DST' && isIP(destHost) === 0 && spec.dns[destHost] === undefined) {
        const { line, column } = destSe.positionOf(['spec', 'resolution']);
        diagnostics.push({
          severity: 'warning',
          file: destSe.file,
          line,
          column,
          path: 'spec.resolution',
          message: `resolution NONE: the application dials the address it resolves for ${destHost}, and spec.dns has no entry for it, so every lookup fails (DF)`,
        });
      }
      clusters.push(model);
      return clusters.length - 1;
    };
    // Once per field, however many request shapes (traffic sources, mix entries) take the route.
    const note: RouteNote = (vs, path, message) => {
      const { line, column } = vs.positionOf(path);
      const d: Diagnostic = {
        severity: 'warning',
        file: vs.file,
        line,
        column,
        path: formatPath(path),
        message,
      };
      if (!diagnostics.some((x) => x.file === d.file && x.path === d.path && x.message === d.message)) {
        diagnostics.push(d);
      }
    };
    const { services, ignored } = routingVirtualService(loaded.virtualServices, host, caller);
    for (const { vs, reason } of ignored) {
      const { line, column } = vs.positionOf(['spec', 'hosts']);
      if (!diagnostics.some((d) => d.file === vs.file && d.line === line && d.message === reason)) {
        diagnostics.push({
          severity: 'warning',
          file: vs.file,
          line,
          column,
          path: 'spec.hosts',
          message: reason,
        });
      }
    }
    /** The route one request shape takes, and its consistent-hash value when its cluster hashes. */
    if (tcpProxied) noteHttpRoutesOnTcpPort(services, host, port.number, protocol, note);
    const routeOf = (path: string, method: string, headers: Readonly<Record<string, string>>) => {
      const source = { namespace: caller, labels: spec.proxy.labels ?? {} };
      const shape = { host, port: port.number, path, method, headers, source };
      const model = tcpProxied
        ? tcpRouteFor(shape, applicationSpeaksTls(protocol), services, resolve, note)
        : routeFor(shape, services, defaultRetry, resolve, note);
      // Consistent hashing: the route takes the destination's hash policy, and Istio drops the
      // previous_hosts retry predicate so retries stay on the hashed host.
      applyHashPolicy(model, clusters);
      routes.push(model);
      return { route: routes.length - 1, path, headers };
    };
    const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
    // A weighted mix of request shapes: each mix entry is its own route decision.
    const mix = (t.routes ?? [{ weight: 1 }]).map((m) => ({
      ...routeOf(m.path ?? t.path, m.method ?? t.method, m.headers ?? t.headers),
      weight: m.weight,
    }));
    if (diagnostics.filter((d) => d.severity === 'error').length > errorsBefore) return;
    traffic.push({
      target: { host, port: port.number, path: t.path, method: t.method },
      rps: 'rps' in t ? t.rps : 0,
      arrivals: t.arrivals ?? 'poisson',
      shape: planRateShape(t) ?? null,
      clients: 'clients' in t ? t.clients : 0,
      thinkTimeMs: 'clients' in t ? t.thinkTime.ms : 0,
      keepAlive: t.keepAlive,
      mix,
    });
  });

  for (const c of clusters) {
    for (const t of c.dnsTargets) {
      if (isIP(t.hostname) === 0 && spec.dns[t.hostname] === undefined) {
        at(
          ['dns'],
          'warning',
          `${c.name} resolves ${t.hostname}, which has no entry here: every query fails (NXDOMAIN), so it has no host`,
        );
      }
    }
  }
  // A DNS cluster's endpoints are whatever its names resolve to, at the start or after a timeline change.
  const names = new Set(clusters.flatMap((c) => c.dnsTargets.map((t) => t.hostname)));
  const addresses = new Set([
    ...clusters.flatMap((c) => c.endpoints.map((e) => e.address)),
    ...[...names].filter((name) => isIP(name) !== 0),
    ...Object.entries(spec.dns).flatMap(([name, d]) => (names.has(name) ? d.answers : [])),
    ...spec.timeline.flatMap((e) => ('dns' in e && names.has(e.dns) ? (e.set.answers ?? []) : [])),
  ]);
  for (const address of Object.keys(spec.endpoints)) {
    if (address !== '*' && !addresses.has(address)) {
      at(['endpoints', address], 'warning', `no simulated cluster has an endpoint ${address}`);
    }
  }
  // A closed loop sends at most one request per client per think time (or per 0.1 ms without one);
  // an open loop the integral of its rate over the run.
  const expected = traffic.reduce(
    (s, t) =>
      s +
      arrivalRate(t.rps, t.shape, 0).arrivalsBetween(0, spec.duration.ms) +
      (t.clients * spec.duration.ms) / Math.max(t.thinkTimeMs, 0.1),
    0,
  );
  if (expected > MAX_EXPECTED_REQUESTS) {
    at(
      ['duration'],
      'error',
      `about ${expected.toExponential(2)} requests is over the ${MAX_EXPECTED_REQUESTS} limit`,
    );
  }

  const timeline = planTimeline(spec, clusters, latencyDistribution, (path, message) =>
    at(path, 'error', message),
  );
  // Clients the timeline adds send too: at most their count per think time from the change to the end.
  timeline.forEach((a, j) => {
    if (a.kind !== 'traffic' || a.clients === undefined) return;
    const think = a.thinkTimeMs ?? traffic[a.index]?.thinkTimeMs ?? 0;
    const more = (a.clients * Math.max(0, spec.duration.ms - a.atMs)) / Math.max(think, 0.1);
    if (expected + more > MAX_EXPECTED_REQUESTS) {
      at(
        ['timeline', j, 'set', 'clients'],
        'error',
        `about ${(expected + more).toExponential(2)} requests is over the ${MAX_EXPECTED_REQUESTS} limit`,
      );
    }
  });
  const flaps = new Map<string, FlapPlan>();
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.flap === undefined) continue;
    const path = ['endpoints', address, 'flap'];
    flaps.set(
      address,
      planFlap(e.flap, path, latencyDistribution, (p, message) => at(p, 'error', message)),
    );
  }
  // A day of 1 s buckets would be 86,400 points: the bucket widens to keep the timeline bounded.
  const requestedBucketMs = spec.report.timelineBucket.ms;
  const timelineBucketMs = timelineBucketFor(requestedBucketMs, spec.duration.ms + DRAIN_MS);
  if (timelineBucketMs !== requestedBucketMs) {
    at(
      ['report', 'timelineBucket'],
      'warning',
      `${spec.report.timelineBucket.text} buckets over ${spec.duration.text} would exceed ${MAX_TIMELINE_POINTS} timeline points; the timeline uses ${formatDurationMs(timelineBucketMs)} buckets`,
    );
  }

  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };
  const defaultRttMs = spec.network.rtt.ms;
  const behaviours = new Map<string, EndpointBehaviour>();
  const behaviourOf = (e: EndpointSpec | undefined): EndpointBehaviour => ({
    latency: latencyDistribution(e?.latency),
    errors: e?.errors ?? [],
    rttMs: e?.rtt?.ms ?? defaultRttMs,
    connect: e?.connect ?? 'ok',
    resetRate: e?.reset?.rate ?? 0,
    tlsMaxVersion: e?.tlsMaxProtocolVersion === 'TLSV1_2' ? '1.2' : '1.3',
    rateLimit: tokenBucketOf(e?.rateLimit),
    capacity:
      e?.concurrency === undefined
        ? undefined
        : {
            concurrency: e.concurrency,
            queueSize: e.queue?.size ?? Infinity,
            status: e.queue?.status ?? 503,
          },
    idleTimeoutMs: e?.idleTimeout?.ms ?? 0,
  });
  const plan: RunPlan = {
    scenario: scenario.name,
    seed: spec.seed,
    durationMs: spec.duration.ms,
    drainMs: DRAIN_MS,
    workers: spec.proxy.workers,
    timelineBucketMs,
    model: { clusters, routes },
    endpointFor: (address) => {
      let b = behaviours.get(address);
      if (b === undefined) {
        b = behaviourOf(spec.endpoints[address] ?? spec.endpoints['*']);
        behaviours.set(address, b);
      }
      return b;
    },
    flapFor: (address) =>
      flaps.get(address) ?? (spec.endpoints[address] === undefined ? (flaps.get('*') ?? null) : null),
    traffic,
    timeline,
    networkRttMs: spec.network.rtt.ms,
    dns: Object.fromEntries(
      Object.entries(spec.dns).map(([name, d]) => [
        name,
        { answers: d.answers, ttlMs: d.ttl?.ms ?? null, rotate: d.rotate, failure: d.failure },
      ]),
    ),
    warnings: diagnostics.map(formatDiagnostic),
    maxEvents: Math.max(1e6, Math.ceil(expected * 20)),
  };
  return { plan, diagnostics };
}

export type { Scenario };
