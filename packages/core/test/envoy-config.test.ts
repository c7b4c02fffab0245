import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DumpCluster, isDumpCluster } from '../src/config/envoy-dump/dump-model.js';
import { readEnvoyConfig } from '../src/config/envoy-dump/read-dump.js';
import { formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { type ConfigSource, loadConfig } from '../src/config/resources/load.js';
import { explainEnvoyConfig } from '../src/explain/envoy-config.js';
import { LatencyHistogram } from '../src/observe/histogram.js';
import { planSimulation, simulate } from '../src/simulate.js';

const fixture = (name: string): ConfigSource => ({
  file: name,
  text: readFileSync(new URL(`./fixtures/envoy/${name}`, import.meta.url), 'utf8'),
});
const dumpOf = (source: ConfigSource) => {
  const loaded = loadConfig(source);
  expect(loaded.envoyConfigs).toHaveLength(1);
  return readEnvoyConfig(loaded.envoyConfigs[0]!);
};
/** The 1-based line of the first line of `text` containing `needle` (searched from `from`). */
const lineOf = (text: string, needle: string, from = 0): number =>
  text.slice(0, text.indexOf(needle, from)).split('\n').length;
const errors = (list: ReturnType<typeof dumpOf>['diagnostics']) =>
  list.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe("reading real Envoy configs: Istio's istioctl testdata", () => {
  it("reads a waypoint's /config_dump: Envoy's version from Istio's, each cluster, and lists what it cannot run", () => {
    const dump = dumpOf(fixture('istio-waypoint-config_dump.json'));
    expect(errors(dump.diagnostics)).toEqual([]);
    // ISTIO_VERSION 1.21.0-1226 ships Envoy 1.29: the current ejection cap.
    expect([dump.envoyVersion, dump.istioVersion]).toEqual(['1.29', '1.21']);
    expect(
      dump.clusters.map((c) => [c.name, c.type, c.endpoints.map((e) => `${e.address}:${e.port}`)]),
    ).toEqual([
      ['agent', 'STATIC', ['127.0.0.1:15020']],
      ['prometheus_stats', 'STATIC', ['127.0.0.1:15000']],
      ['inbound-vip|8000|http|httpbin.default.svc.cluster.local', 'EDS', []],
    ]);
    const vip = dump.clusters[2]!;
    expect(vip.unsupported).toBe(
      'transport socket envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport',
    );
    // The endpoints dump has inbound-vip|8100|…, not this cluster's 8000: no endpoints for it.
    expect(vip.edsEndpointsMissing).toBe(true);
    expect(dump.listeners.map((l) => `${l.address}:${l.port}`)).toEqual(['0.0.0.0:15021']);
    expect(dump.diagnostics.map((d) => [d.path, d.message])).toEqual([
      [
        'configs[3].dynamic_listeners[0].active_state.listener',
        'not modelled: listener main_internal has no TCP address: an internal listener the application never connects to',
      ],
    ]);
  });

  it('reads the describe testdata: circuit breakers, retry policies as Istio writes them, and where each is', () => {
    const source = fixture('istio-describe-http_config.json');
    const dump = dumpOf(source);
    expect(errors(dump.diagnostics)).toEqual([]);
    const c = dump.clusters[0]!;
    expect([c.name, c.lbPolicy, c.connectTimeoutMs]).toEqual([
      'outbound|9080|v1|productpage.default.svc.cluster.local',
      'LEAST_REQUEST',
      10_000,
    ]);
    expect(c.circuitBreakers).toEqual({
      maxConnections: 4294967295,
      maxPendingRequests: 4294967295,
      maxRequests: 4294967295,
      maxRetries: 4294967295,
    });
    const routes = dump.routeConfigs[0]!.virtualHosts[0]!.routes;
    expect(routes.map((r) => r.match.text)).toEqual([
      'path /productpage',
      'prefix /static',
      'path /login',
      'path /logout',
      'prefix /api/v1/products',
    ]);
    const action = routes[0]!.action;
    if (action.kind !== 'route') throw new Error('a forwarding route');
    // timeout "0s" is none; host_selection_retry_max_attempts is an int64, a string in JSON.
    expect(action.timeoutMs).toBe(0);
    expect(action.retry).toMatchObject({
      numRetries: 2,
      retriableStatusCodes: [503],
      previousHosts: true,
      hostSelectionMaxAttempts: 5,
      backoffBaseMs: 25,
      backoffMaxMs: 250,
    });
    const explained = explainEnvoyConfig(loadConfig(source))!;
    expect(explained.clusters[0]!.circuitBreakers.maxConnections).toEqual({
      value: 4294967295,
      from: 'set',
      at: {
        file: source.file,
        line: lineOf(source.text, '"max_connections": 4294967295'),
        column: 38,
        path: 'configs[1].dynamic_active_clusters[0].cluster.circuit_breakers.thresholds[0].max_connections',
      },
    });
    // The routes name a default cluster the dump does not have (only subset v1): Envoy answers 503 NC.
    expect(explained.virtualHosts[0]!.routes[0]!.localReply).toEqual({ status: 503, flags: 'NC' });
  });

  it('refuses a v2 API dump (Istio 1.4) with one error per section, at its @type', () => {
    const source = fixture('istio-1.4-envoy-v2alpha-config_dump.json');
    const dump = dumpOf(source);
    expect(dump.clusters).toEqual([]);
    const lines = [...source.text.matchAll(/"@type": "type\.googleapis\.com\/envoy\.admin\.v2alpha/g)].map(
      (m) => source.text.slice(0, m.index).split('\n').length,
    );
    expect(dump.diagnostics.map((d) => [d.severity, d.line, d.path])).toEqual(
      lines.map((line, i) => ['error', line, `configs[${i}]["@type"]`]),
    );
    expect(dump.diagnostics[1]!.message).toBe(
      "envoy.admin.v2alpha.ClustersConfigDump is Envoy's v2 API (Envoy before 1.13, Istio before 1.5): not supported; meshsim reads Envoy's v3 API",
    );
  });
});

describe('bad Envoy configs get a diagnostic at the JSON path, and nothing is guessed', () => {
  const source = fixture('istio-describe-http_config.json');

  it('a value of the wrong type', () => {
    const text = source.text.replace('"max_connections": 4294967295', '"max_connections": 1.5');
    const { plan, diagnostics } = planSimulation(
      { config: { file: 'dump.json', text } },
      { requireScenario: false },
    );
    expect(plan).toBeNull();
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      `dump.json:${lineOf(text, '"max_connections": 1.5')}:38 error configs[1].dynamic_active_clusters[0].cluster.circuit_breakers.thresholds[0].max_connections: must be an integer 0..4294967295, got 1.5`,
    ]);
  });

  it('a typed config of another kind where a Cluster belongs, and a section meshsim does not read', () => {
    const text = source.text
      .replace(
        '"type.googleapis.com/envoy.config.cluster.v3.Cluster"',
        '"type.googleapis.com/envoy.config.listener.v3.Listener"',
      )
      .replace(
        '"type.googleapis.com/envoy.admin.v3.ListenersConfigDump"',
        '"type.googleapis.com/envoy.admin.v3.TapConfigDump"',
      );
    const dump = dumpOf({ file: 'dump.json', text });
    expect(dump.diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`)).toEqual([
      'error configs[1].dynamic_active_clusters[0].cluster["@type"]: must be type.googleapis.com/envoy.config.cluster.v3.Cluster, got envoy.config.listener.v3.Listener',
      'warning configs[2]: not modelled: config section envoy.admin.v3.TapConfigDump: not read',
    ]);
  });

  it("a truncated file: the parser's error at the line where it ends, and no config read", () => {
    const text = source.text.slice(0, Math.floor(source.text.length / 2));
    const loaded = loadConfig({ file: 'cut.json', text });
    expect(loaded.envoyConfigs).toEqual([]);
    // One error where the text stops, naming what is still open there, not one per unclosed bracket.
    const lines = text.split('\n');
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'cut.json',
        line: lines.length,
        column: lines[lines.length - 1]!.length + 1,
        path: 'configs[0].dynamic_route_configs[0].route_config.virtual_hosts[0].routes[4].route.retry_policy.retry_host_predicate[0]',
        message:
          'the JSON stops before its end (a truncated file?): configs[0].dynamic_route_configs[0].route_config.virtual_hosts[0].routes[4].route.retry_policy.retry_host_predicate[0] is still open',
      },
    ]);
  });

  it("protobuf's camelCase JSON (istioctl's per-resource output) is refused, not half-read", () => {
    const text = source.text.replace('"dynamic_active_clusters"', '"dynamicActiveClusters"');
    const dump = dumpOf({ file: 'camel.json', text });
    expect(dump.clusters).toEqual([]);
    expect(errors(dump.diagnostics)[0]).toContain(
      "configs[1].dynamicActiveClusters: protobuf's lowerCamelCase field names are not read",
    );
  });

  it('a dump beside Istio resources, or a second dump, is an error: a run simulates one sidecar', () => {
    const se = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: a }
spec: { hosts: [a.example.com], ports: [{ number: 80, name: http, protocol: HTTP }], resolution: DNS }
`;
    const { diagnostics } = planSimulation({
      config: [source, { file: 'se.yaml', text: se }, { ...source, file: 'again.json' }],
      traffic: { host: 'a.example.com', port: 80, rps: 1 },
    });
    expect(
      diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.message}`),
    ).toEqual([
      `again.json:1 a second Envoy config (the first is ${source.file}:1): a run simulates one sidecar`,
      `se.yaml:1 Istio resources beside an Envoy config (${source.file}): the config already is what istiod made of them; give one or the other`,
    ]);
  });
});

/** Envoy's documentation example (life of a request) with a Scenario: one worker, rtt 1 ms, server 5 ms. */
function lifeOfARequest(
  traffic: Record<string, unknown>,
  config = {
    file: 'examples/envoy/life-of-a-request.yaml',
    text: readFileSync('examples/envoy/life-of-a-request.yaml', 'utf8'),
  },
) {
  return simulate({
    config,
    seed: 3,
    duration: '2s',
    proxy: { workers: 1 },
    network: { rtt: '1ms' },
    endpoints: { '*': { latency: { constant: '5ms' } } },
    traffic: { host: 'acme.com', port: 443, path: '/foo', ...traffic },
  });
}

describe("running Envoy's documentation example as it is", () => {
  it('routes /foo over TLS 1.2 (the client default) and HTTP/2 to the two STATIC endpoints, round robin', () => {
    const report = lifeOfARequest({ clients: 4, thinkTime: '100ms' });
    const cluster = report.clusters.some_service!;
    expect(report.client.byStatus).toEqual({ '200': report.client.total });
    // Round robin on one worker alternates: the two hosts' counts differ by at most one.
    const [a, b] = cluster.hosts.map((h) => h.rqTotal);
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1);
    // One HTTP/2 connection per host. A request on it takes 1 ms + 5 ms; the first on each also pays
    // TCP (1 RTT) and a full TLS 1.2 handshake (2 RTT): 1 + 2 + 1 + 5 = 9 ms.
    expect(cluster.stats.upstream_cx_http2_total).toBe(2);
    // The median comes from a histogram whose buckets are within 0.5 % of the value; the max is exact.
    expect(Math.abs(report.client.latencyMs.p50 - 6) / 6).toBeLessThanOrEqual(LatencyHistogram.relativeError);
    expect(report.client.latencyMs.max).toBe(9);
  });

  it('answers 404 NR for a path no route matches', () => {
    const report = lifeOfARequest({ path: '/bar', clients: 2, thinkTime: '1s' });
    expect(report.client.byFlag).toEqual({ NR: report.client.total });
    expect(report.clusters).toEqual({});
  });

  it('max_pending_requests 1, a cold burst of 10: one request waits for the connection, nine get 503 UO', () => {
    const base = {
      file: 'examples/envoy/life-of-a-request.yaml',
      text: readFileSync('examples/envoy/life-of-a-request.yaml', 'utf8'),
    };
    // The same example with one circuit breaker set under the cluster's connect_timeout.
    const text = base.text.replace(
      '      connect_timeout: 5s\n      # Upstream TLS',
      '      connect_timeout: 5s\n      circuit_breakers:\n        thresholds:\n        - max_pending_requests: 1\n      # Upstream TLS',
    );
    expect(text).not.toBe(base.text);
    // At t = 0 no connection is up, so every request must pend; the cluster-wide limit admits the first
    // and the other nine overflow at once, whichever host round robin picked for them.
    const report = lifeOfARequest({ clients: 10, thinkTime: '10s' }, { file: base.file, text });
    expect(report.client.byStatus).toEqual({ '200': 1, '503': 9 });
    expect(report.client.byFlag).toEqual({ '-': 1, UO: 9 });
    expect(report.clusters.some_service!.stats.upstream_rq_pending_overflow).toBe(9);
  });

  it('the run model holds the dump clusters, with where they are', () => {
    const { plan } = planSimulation({
      config: {
        file: 'examples/envoy/life-of-a-request.yaml',
        text: readFileSync('examples/envoy/life-of-a-request.yaml', 'utf8'),
      },
      traffic: { host: 'acme.com', port: 443, path: '/foo', rps: 1 },
    });
    const [cluster] = plan!.model.clusters;
    expect(cluster !== undefined && isDumpCluster(cluster)).toBe(true);
    expect((cluster as DumpCluster).source.path).toEqual(['static_resources', 'clusters', 0]);
    expect(plan!.model.routes[0]).toMatchObject({
      name: 'local_route/local_service/routes[0]',
      timeoutMs: 15_000,
      retry: null,
    });
  });
});
