import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ClusterModel,
  type ConfigSource,
  loadConfig,
  type PlannedCluster,
  planSimulation,
  type RouteModel,
  runPlan,
  writeConfigDump,
} from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The round trip: `meshsim explain -o envoy` writes the clusters and routes meshsim derives from Istio
// YAML as an Envoy v3 config_dump; reading that dump back (with the Scenario beside it, no Istio
// resources) gives the same model and the same report.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CATALOG = join(ROOT, 'packages/scenarios/catalog');
const source = (path: string): ConfigSource => ({ file: path, text: readFileSync(join(ROOT, path), 'utf8') });

/** The input's Scenario document alone, and the config dump written from its Istio resources. */
function roundTrip(input: ConfigSource): { scenario: ConfigSource; dump: ConfigSource } {
  const scenarios = parseAllDocuments(input.text).filter((d) => 'get' in d && d.get('kind') === 'Scenario');
  const { dump, diagnostics } = writeConfigDump(loadConfig(input));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return {
    scenario: { file: input.file, text: scenarios.map(String).join('') },
    dump: { file: 'config_dump.json', text: `${JSON.stringify(dump, null, 2)}\n` },
  };
}

/**
 * What the runtime reads of a cluster. Left out: where it came from (Istio's sources, the dump's paths),
 * the TLS context's names and files (checked by nothing), and the upstream protocol's explanation; `null`
 * and absent mean the same to the runtime and are made one.
 */
function runtimeCluster(c: PlannedCluster) {
  const m = c as ClusterModel;
  // A cluster that resolves no names never reads its DNS settings.
  const dns = m.type === 'STRICT_DNS' || m.type === 'LOGICAL_DNS';
  return {
    name: m.name,
    serviceHost: m.serviceHost,
    port: m.port,
    type: m.type,
    lbPolicy: m.lbPolicy,
    hashTableSize: m.hashTableSize,
    slowStart: m.slowStart,
    leastRequest: m.leastRequest ?? null,
    circuitBreakers: m.circuitBreakers,
    connectTimeoutMs: m.connectTimeoutMs,
    idleTimeoutMs: m.idleTimeoutMs,
    maxRequestsPerConnection: m.maxRequestsPerConnection,
    maxConnectionDurationMs: m.maxConnectionDurationMs ?? 0,
    tcpKeepalive: m.tcpKeepalive ?? null,
    upstreamProtocol: m.upstreamProtocol && {
      config: m.upstreamProtocol.config,
      protocol: m.upstreamProtocol.protocol,
      maxConcurrentStreams: m.upstreamProtocol.maxConcurrentStreams,
      connectionKeepalive: m.upstreamProtocol.connectionKeepalive ?? null,
    },
    tcpProxy: m.tcpProxy,
    tlsMode: m.tlsMode,
    tlsMaxVersion: m.tls?.maxVersion ?? null,
    outlierDetection: m.outlierDetection,
    healthyPanicThresholdPct: m.healthyPanicThresholdPct,
    endpoints: m.endpoints,
    dnsTargets: m.dnsTargets,
    dns: dns
      ? { refreshRateMs: m.dnsRefreshRateMs, jitterMs: m.dnsJitterMs, respectTtl: m.respectDnsTtl !== false }
      : null,
    localityWeights: m.localityWeights ?? null,
  };
}

/**
 * What the router reads of a route. A single destination's weight is moot (it takes every request):
 * Istio's model says 100, Envoy's `cluster` field none. retry_on's text is the VirtualService's in one
 * and Envoy's tokens in the other; the bits and codes the router matches on are compared.
 */
function runtimeRoute(r: RouteModel) {
  const single = r.destinations.length === 1;
  const { retryOnText: _text, ...retry } = r.retry ?? { retryOnText: '' };
  return {
    ...r,
    destinations: single ? [{ cluster: r.destinations[0]!.cluster, weight: 1 }] : r.destinations,
    totalWeight: single ? 1 : r.totalWeight,
    retry: r.retry === null ? null : retry,
    hashPolicy: r.hashPolicy ?? null,
  };
}

const inputs = [
  ...['examples/flaky-api.yaml', 'examples/outlier-detection.yaml', 'examples/payment-gateway.yaml'],
  ...readdirSync(CATALOG)
    .filter((f) => /^\d\d-.*\.yaml$/.test(f))
    .map((f) => `packages/scenarios/catalog/${f}`),
];

describe('explain -o envoy, read back: the same model', () => {
  it.each(inputs)('%s', (path) => {
    const input = source(path);
    const { scenario, dump } = roundTrip(input);
    const fromIstio = planSimulation({ config: input });
    const fromDump = planSimulation({ config: [dump, scenario] });
    expect(fromDump.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The dump uses only what meshsim models: reading it notes nothing.
    expect(fromDump.plan!.warnings).toEqual([]);
    expect(fromDump.plan!.model.clusters.map(runtimeCluster)).toEqual(
      fromIstio.plan!.model.clusters.map(runtimeCluster),
    );
    expect(fromDump.plan!.model.routes.map(runtimeRoute)).toEqual(
      fromIstio.plan!.model.routes.map(runtimeRoute),
    );
    expect(fromDump.plan!.traffic).toEqual(fromIstio.plan!.traffic);
  });
});

describe('explain -o envoy under a mesh config, read back', () => {
  it('writes what the mesh config set (connect timeout, keepalive, HTTP/2 upgrade, default retries) into the dump', () => {
    const base = source('examples/flaky-api.yaml');
    const mesh = `apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |
    connectTimeout: 3s
    h2UpgradePolicy: UPGRADE
    tcpKeepalive: { time: 600s }
    defaultHttpRetryPolicy: { attempts: 4, retryOn: "5xx,reset" }
`;
    const input = { file: base.file, text: `${base.text}---\n${mesh}` };
    const { scenario, dump } = roundTrip(input);
    const fromIstio = planSimulation({ config: input });
    const fromDump = planSimulation({ config: [dump, scenario] });
    expect(fromDump.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [cluster] = fromDump.plan!.model.clusters.map(runtimeCluster);
    expect(cluster).toMatchObject({
      connectTimeoutMs: 3000,
      tcpKeepalive: { timeMs: 600_000, intervalMs: 75_000, probes: 9 },
      upstreamProtocol: { config: 'HTTP/2' },
    });
    expect(fromDump.plan!.model.routes[0]!.retry?.numRetries).toBe(4);
    expect(fromDump.plan!.model.clusters.map(runtimeCluster)).toEqual(
      fromIstio.plan!.model.clusters.map(runtimeCluster),
    );
    expect(fromDump.plan!.model.routes.map(runtimeRoute)).toEqual(
      fromIstio.plan!.model.routes.map(runtimeRoute),
    );
  });
});

describe('explain -o envoy, read back: the same report, byte for byte', () => {
  // The three examples have no warnings, so the whole report is compared (their runs shortened to 30 s).
  it.each(inputs.slice(0, 3))('%s', (path) => {
    const input = source(path);
    const { scenario, dump } = roundTrip(input);
    const a = runPlan(planSimulation({ config: input, duration: '30s' }).plan!);
    const b = runPlan(planSimulation({ config: [dump, scenario], duration: '30s' }).plan!);
    expect(a.client.total).toBeGreaterThan(0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('http2KeepAlive through explain -o envoy and back (http2_protocol_options.connection_keepalive)', () => {
  const istio = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 10.0.0.1 }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    connectionPool:
      http: { h2UpgradePolicy: UPGRADE, http2KeepAlive: { interval: 1s, timeout: 500ms } }
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: dark-h2 }
spec:
  seed: 3
  duration: 14s
  proxy: { workers: 1, istioVersion: "1.31" }
  network: { rtt: 10ms }
  traffic: [{ host: api.example.com, port: 80, rps: 10, arrivals: constant }]
  endpoints: { "*": { latency: { constant: 5ms } } }
  timeline: [{ at: 10s, endpoint: 10.0.0.1, set: { connect: blackhole } }]
`;

  it('the dump carries interval and timeout; read back, the same model and the same report', () => {
    const input = { file: 'keepalive.yaml', text: istio };
    const { scenario, dump } = roundTrip(input);
    const fromIstio = planSimulation({ config: input });
    const fromDump = planSimulation({ config: [dump, scenario] });
    expect(fromDump.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(fromDump.plan!.warnings).toEqual([]);
    const [cluster] = fromDump.plan!.model.clusters.map(runtimeCluster);
    expect(cluster!.upstreamProtocol?.connectionKeepalive).toEqual({
      intervalMs: 1000,
      timeoutMs: 500,
      intervalJitterPct: 15,
    });
    expect(fromDump.plan!.model.clusters.map(runtimeCluster)).toEqual(
      fromIstio.plan!.model.clusters.map(runtimeCluster),
    );
    const a = runPlan(fromIstio.plan!);
    const b = runPlan(fromDump.plan!);
    expect(a.clusters['outbound|80||api.example.com']!.stats['http2.keepalive_timeout']).toBeGreaterThan(0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('read from a dump: the timeout is required, interval_jitter is read, connection_idle_interval is not modelled', () => {
    const { scenario, dump } = roundTrip({ file: 'keepalive.yaml', text: istio });
    const withKeepalive = (keepalive: Record<string, unknown>) =>
      dump.text.replace(
        /"connection_keepalive": \{[^}]*\}/,
        `"connection_keepalive": ${JSON.stringify(keepalive)}`,
      );
    const noTimeout = planSimulation({
      config: [{ ...dump, text: withKeepalive({ interval: '1s' }) }, scenario],
    });
    expect(noTimeout.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'config_dump.json',
        message: 'is required when connection_keepalive is set',
      }),
    );
    const more = planSimulation({
      config: [
        {
          ...dump,
          text: withKeepalive({
            interval: '2s',
            timeout: '1s',
            interval_jitter: { value: 50 },
            connection_idle_interval: '30s',
          }),
        },
        scenario,
      ],
    });
    expect(more.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((more.plan!.model.clusters[0] as ClusterModel).upstreamProtocol?.connectionKeepalive).toEqual({
      intervalMs: 2000,
      timeoutMs: 1000,
      intervalJitterPct: 50,
    });
    expect(more.plan!.warnings.join('\n')).toMatch(/connection_idle_interval: not modelled/);
  });
});
