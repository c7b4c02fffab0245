import { Constant, type Distribution, Exponential, LogNormal } from '../kernel/distributions.js';
import type { EndpointBehaviour } from '../world/endpoint-server.js';
import { type Diagnostic, formatDiagnostic } from './diagnostics.js';
import type { ClusterModel } from './envoy-model.js';
import type { LoadedConfig, Located } from './load.js';
import { type FieldPath, formatPath } from './positions.js';
import type { RunPlan, TrafficPlan } from './run-plan.js';
import type { Scenario, ScenarioSpec } from './schema/scenario.js';
import type { EndpointBehaviour as EndpointSpec, Latency } from './schema/scenario-endpoint.js';
import type { ServiceEntry } from './schema/service-entry.js';
import { translateCluster } from './translate-cluster.js';
import { findDestinationRule, hostMatches, isExportedTo } from './visibility.js';

/** How long after the traffic stops a run waits for requests still in flight. */
export const DRAIN_MS = 300_000;
/** Runs expected to simulate more requests than this are refused up front rather than left to run for hours. */
export const MAX_EXPECTED_REQUESTS = 1e9;
/** A timeline bucket of the report. */
export const TIMELINE_BUCKET_MS = 1000;

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

/** Behaviours the Scenario contract names but this version does not simulate: refused loudly, not ignored. */
const UNMODELLED_ENDPOINT_FIELDS = [
  'reset',
  'concurrency',
  'queue',
  'rateLimit',
  'idleTimeout',
  'flap',
] as const;
/** Traffic shapes the Scenario contract names but this version does not simulate. */
const UNMODELLED_TRAFFIC_FIELDS = ['bursts', 'ramp', 'diurnal', 'routes'] as const;

function findServiceEntry(
  entries: ReadonlyArray<Located<ServiceEntry>>,
  host: string,
  callerNamespace: string,
): Located<ServiceEntry> | undefined {
  const visible = entries.filter((e) =>
    isExportedTo(e.resource.spec.exportTo, e.resource.metadata.namespace, callerNamespace),
  );
  return (
    visible.find((e) => e.resource.spec.hosts.includes(host)) ??
    visible.find((e) => e.resource.spec.hosts.some((h) => hostMatches(h, host)))
  );
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
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
  if (spec.timeline.length > 0) at(['timeline'], 'error', 'timeline changes are not modelled yet');
  if (Object.keys(spec.dns).length > 0) {
    at(['dns'], 'warning', 'not used: this version simulates STATIC ServiceEntries, which never query DNS');
  }
  if (compareVersions(spec.proxy.istioVersion, '1.24') < 0) {
    at(
      ['proxy', 'istioVersion'],
      'warning',
      'before 1.24 Istio retries upstream 503 twice by default; retries are not modelled yet',
    );
  }
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.connect !== 'ok')
      at(['endpoints', address, 'connect'], 'error', `connect: ${e.connect} is not modelled yet`);
    for (const field of UNMODELLED_ENDPOINT_FIELDS) {
      if (e[field] !== undefined) at(['endpoints', address, field], 'error', 'not modelled yet');
    }
    const total = (e.errors ?? []).reduce((s, x) => s + x.rate, 0);
    if (total > 1 + 1e-12)
      at(['endpoints', address, 'errors'], 'error', `error rates add up to ${total}, over 1`);
  }

  const clusters: ClusterModel[] = [];
  const traffic: TrafficPlan[] = [];
  const caller = spec.proxy.namespace;
  spec.traffic.forEach((t, i) => {
    for (const field of UNMODELLED_TRAFFIC_FIELDS) {
      if (t[field] !== undefined) at(['traffic', i, field], 'error', 'not modelled yet');
    }
    if (t.arrivals === 'constant')
      at(['traffic', i, 'arrivals'], 'error', 'constant arrivals are not modelled yet');
    if (!('rps' in t)) {
      at(['traffic', i, 'clients'], 'error', 'closed-loop clients are not modelled yet; use rps');
      return;
    }
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
    if (protocol !== 'HTTP') {
      at(
        ['traffic', i],
        'warning',
        `port ${port.number} is ${protocol}: ${
          protocol === 'HTTP2' || protocol === 'GRPC'
            ? 'HTTP/2 pools are not modelled yet, so it is simulated with HTTP/1.1 pools'
            : 'a sidecar tcp-proxies it, without per-request HTTP routing; this version simulates it as HTTP/1.1'
        }`,
      );
    }
    const host = t.host;
    const vs = loaded.virtualServices.find((v) => v.resource.spec.hosts?.some((h) => hostMatches(h, host)));
    if (vs !== undefined) {
      const { line, column } = vs.positionOf(['spec']);
      diagnostics.push({
        severity: 'warning',
        file: vs.file,
        line,
        column,
        path: 'spec',
        message:
          'VirtualService routing, timeouts, retries and faults are not modelled yet; traffic takes the default route',
      });
    }
    const dr = findDestinationRule(loaded.destinationRules, host, se.resource.metadata.namespace, caller);
    let index = clusters.findIndex((c) => c.serviceHost === host && c.port === port.number);
    if (index < 0) {
      const model = translateCluster({ serviceEntry: se, host, port, destinationRule: dr }, diagnostics);
      if (model === null) return;
      clusters.push(model);
      index = clusters.length - 1;
    }
    traffic.push({
      target: { host, port: port.number, path: t.path, method: t.method },
      rps: t.rps,
      cluster: index,
    });
  });

  const addresses = new Set(clusters.flatMap((c) => c.endpoints.map((e) => e.address)));
  for (const address of Object.keys(spec.endpoints)) {
    if (address !== '*' && !addresses.has(address)) {
      at(['endpoints', address], 'warning', `no simulated cluster has an endpoint ${address}`);
    }
  }
  const totalRps = traffic.reduce((s, t) => s + t.rps, 0);
  const expected = (totalRps * spec.duration.ms) / 1000;
  if (expected > MAX_EXPECTED_REQUESTS) {
    at(
      ['duration'],
      'error',
      `about ${expected.toExponential(2)} requests is over the ${MAX_EXPECTED_REQUESTS} limit`,
    );
  }

  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };
  const defaultRttMs = spec.network.rtt.ms;
  const behaviours = new Map<string, EndpointBehaviour>();
  const behaviourOf = (e: EndpointSpec | undefined): EndpointBehaviour => ({
    latency: latencyDistribution(e?.latency),
    errors: e?.errors ?? [],
    rttMs: e?.rtt?.ms ?? defaultRttMs,
  });
  const plan: RunPlan = {
    scenario: scenario.name,
    seed: spec.seed,
    durationMs: spec.duration.ms,
    drainMs: DRAIN_MS,
    workers: spec.proxy.workers,
    timelineBucketMs: TIMELINE_BUCKET_MS,
    model: { clusters },
    endpointFor: (address) => {
      let b = behaviours.get(address);
      if (b === undefined) {
        b = behaviourOf(spec.endpoints[address] ?? spec.endpoints['*']);
        behaviours.set(address, b);
      }
      return b;
    },
    traffic,
    warnings: diagnostics.map(formatDiagnostic),
    maxEvents: Math.max(1e6, Math.ceil(expected * 20)),
  };
  return { plan, diagnostics };
}

export type { Scenario };
