import { isIP } from 'node:net';
import { Constant, type Distribution, Exponential, LogNormal } from '../kernel/distributions.js';
import { RequestHasher } from '../upstream/lb/request-hash.js';
import { type RequestHash, uint64 } from '../upstream/lb/uint64.js';
import type { EndpointBehaviour } from '../world/endpoint-server.js';
import { type Diagnostic, formatDiagnostic } from './diagnostics.js';
import type { ClusterModel, RouteModel } from './envoy-model.js';
import type { LoadedConfig } from './load.js';
import { type FieldPath, formatPath } from './positions.js';
import type { RunPlan, TrafficPlan } from './run-plan.js';
import type { Scenario, ScenarioSpec } from './schema/scenario.js';
import type { EndpointBehaviour as EndpointSpec, Latency } from './schema/scenario-endpoint.js';
import { translateCluster } from './translate-cluster.js';
import {
  type ClusterResolver,
  defaultRetryPolicyFor,
  destinationPort,
  dropPreviousHostsWhenHashed,
  type RouteNote,
  routeFor,
  routeHashKey,
  virtualServicesFor,
} from './translate-routes.js';
import { findDestinationRule, findServiceEntry } from './visibility.js';

/** The calling application's pod address, for useSourceIp hashing: one client pod, one source IP. */
const APP_ADDRESS = { ip: '10.244.0.10', port: 40_000 };

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
const UNMODELLED_ENDPOINT_FIELDS = ['concurrency', 'rateLimit'] as const;

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
  for (const [address, e] of Object.entries(spec.endpoints)) {
    if (e.connect === 'tlsError')
      at(['endpoints', address, 'connect'], 'error', 'connect: tlsError is not modelled yet');
    for (const field of UNMODELLED_ENDPOINT_FIELDS) {
      if (e[field] !== undefined) at(['endpoints', address, field], 'error', 'not modelled yet');
    }
    const total = (e.errors ?? []).reduce((s, x) => s + x.rate, 0);
    if (total > 1 + 1e-12)
      at(['endpoints', address, 'errors'], 'error', `error rates add up to ${total}, over 1`);
  }

  const clusters: ClusterModel[] = [];
  const routes: RouteModel[] = [];
  const traffic: TrafficPlan[] = [];
  const defaultRetry = defaultRetryPolicyFor(spec.proxy.istioVersion);
  const caller = spec.proxy.namespace;
  const istioVersion = spec.proxy.istioVersion;
  spec.traffic.forEach((t, i) => {
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
        },
        diagnostics,
      );
      if (model === null) return null;
      if (model.type === 'ORIGINAL_DST') {
        const { line, column } = destSe.positionOf(['spec', 'resolution']);
        diagnostics.push({
          severity: 'error',
          file: destSe.file,
          line,
          column,
          path: 'spec.resolution',
          message: 'resolution NONE (an ORIGINAL_DST cluster) is not modelled yet',
        });
        return null;
      }
      clusters.push(model);
      return clusters.length - 1;
    };
    const shape = { host, port: port.number, path: t.path, method: t.method, headers: t.headers };
    const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
    const note: RouteNote = (vs, path, message) => {
      const { line, column } = vs.positionOf(path);
      diagnostics.push({ severity: 'warning', file: vs.file, line, column, path: formatPath(path), message });
    };
    const services = virtualServicesFor(loaded.virtualServices, host, caller);
    const model = routeFor(shape, services, defaultRetry, resolve, note);
    if (diagnostics.filter((d) => d.severity === 'error').length > errorsBefore) return;
    // Consistent hashing: the route hashes the request as the destination's DR says, and Istio drops the
    // previous_hosts retry predicate so retries stay on the hashed host.
    const hashed = routeHashKey(model, clusters);
    dropPreviousHostsWhenHashed(model, clusters);
    let hash: RequestHash | null = null;
    if (hashed !== null) {
      const out = uint64(0, 0);
      const lower = Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const request = {
        headers: lower,
        path: t.path,
        remoteAddress: APP_ADDRESS,
        localAddress: { ip: host, port: port.number },
      };
      if (new RequestHasher(hashed).hash(request, out)) hash = out;
    }
    routes.push(model);
    traffic.push({
      target: { host, port: port.number, path: t.path, method: t.method },
      rps: t.rps,
      route: routes.length - 1,
      hash,
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
    connect: e?.connect === 'refuse' || e?.connect === 'blackhole' ? e.connect : 'ok',
    resetRate: e?.reset?.rate ?? 0,
  });
  const plan: RunPlan = {
    scenario: scenario.name,
    seed: spec.seed,
    durationMs: spec.duration.ms,
    drainMs: DRAIN_MS,
    workers: spec.proxy.workers,
    timelineBucketMs: TIMELINE_BUCKET_MS,
    model: { clusters, routes },
    endpointFor: (address) => {
      let b = behaviours.get(address);
      if (b === undefined) {
        b = behaviourOf(spec.endpoints[address] ?? spec.endpoints['*']);
        behaviours.set(address, b);
      }
      return b;
    },
    traffic,
    dns: Object.fromEntries(
      Object.entries(spec.dns).map(([name, d]) => [
        name,
        { answers: d.answers, ttlMs: d.ttl?.ms ?? null, rotate: d.rotate },
      ]),
    ),
    warnings: diagnostics.map(formatDiagnostic),
    maxEvents: Math.max(1e6, Math.ceil(expected * 20)),
  };
  return { plan, diagnostics };
}

export type { Scenario };
