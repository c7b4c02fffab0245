import { type Diagnostic, planSimulation, simulate, type TranslatedCluster } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';
import { explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';

// A Sidecar and the istio ConfigMap's mesh config as inputs: each changes what the caller's sidecar sees
// or how its clusters and routes are built, as istiod's SidecarScope and mesh defaults do.

const FILE = 'mesh.yaml';
const docs = (...parts: string[]) => parts.join('---\n');

/** A ServiceEntry `name` in namespace `ns` for `host`, with ports (YAML indented by 4) and one STATIC endpoint. */
function se(
  ns: string,
  name: string,
  host: string,
  ports = '    - { number: 80, name: http, protocol: HTTP }',
) {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: ${ns} }
spec:
  hosts: [${host}]
  ports:
${ports}
  resolution: STATIC
  endpoints:
    - address: 192.0.2.10
`;
}

const DNS_SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: dns, namespace: svc }
spec:
  hosts: [dns.example.com]
  ports:
    - { number: 80, name: http, protocol: HTTP }
  resolution: DNS
`;

function sidecar(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: ${ns} }
spec:
${spec}`;
}

function meshConfigMap(mesh: string, name = 'istio'): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}, namespace: istio-system }
data:
  mesh: |
${mesh
  .split('\n')
  .map((l) => (l === '' ? l : `    ${l}`))
  .join('\n')}
`;
}

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

function planned(
  text: string,
  traffic: { host: string; port?: number },
  proxy: Record<string, unknown> = {},
) {
  const { plan, diagnostics } = planSimulation({
    config: { file: FILE, text },
    duration: '1s',
    proxy: { namespace: 'client', ...proxy },
    traffic: { ...traffic, rps: 1 },
  });
  return { clusters: (plan?.model.clusters ?? []) as TranslatedCluster[], plan, diagnostics };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('a Sidecar narrows what the caller sees', () => {
  const config = docs(
    se('svc', 'api', 'api.example.com'),
    se('client', 'local', 'local.example.com'),
    sidecar('client', 'default', '  egress:\n    - hosts: ["./*"]\n'),
  );

  it('a service its egress hosts do not import goes to PassthroughCluster under the default ALLOW_ANY', () => {
    const { clusters, diagnostics } = planned(config, { host: 'api.example.com', port: 80 });
    expect(errors(diagnostics)).toEqual([]);
    expect(clusters.map((c) => [c.name, c.type])).toEqual([['PassthroughCluster', 'ORIGINAL_DST']]);
    expect(diagnostics.find((d) => d.path === 'spec.traffic[0].host')?.message).toContain(
      "the mesh's default outboundTrafficPolicy ALLOW_ANY sends it to PassthroughCluster",
    );
    // The caller's own namespace is imported: its service keeps its own cluster.
    const own = planned(config, { host: 'local.example.com' });
    expect(own.clusters.map((c) => c.name)).toEqual(['outbound|80||local.example.com']);
  });

  it('REGISTRY_ONLY on the Sidecar: an HTTP port some service serves answers 502 from the block_all route', () => {
    const blocked = docs(
      se('svc', 'api', 'api.example.com'),
      se('client', 'local', 'local.example.com'),
      sidecar(
        'client',
        'default',
        '  egress:\n    - hosts: ["./*"]\n  outboundTrafficPolicy: { mode: REGISTRY_ONLY }\n',
      ),
    );
    const report = simulate({
      config: { file: FILE, text: blocked },
      seed: 7,
      duration: '2s',
      proxy: { namespace: 'client' },
      traffic: { host: 'api.example.com', port: 80, clients: 2, thinkTime: '100ms' },
    });
    // Two closed-loop clients, each waiting 100 ms after an answer the sidecar gives at once: 20 a second each.
    expect(report.client.byStatus).toEqual({ '502': report.client.total });
    expect(report.client.total).toBeGreaterThanOrEqual(38);
    expect(report.client.total).toBeLessThanOrEqual(42);
    expect(report.clusters).toEqual({});
  });

  it('an egress listener on one port imports the service on that port only', () => {
    const twoPorts = docs(
      se(
        'svc',
        'api',
        'api.example.com',
        '    - { number: 80, name: http, protocol: HTTP }\n    - { number: 8080, name: http-alt, protocol: HTTP }',
      ),
      sidecar(
        'client',
        'ports',
        '  egress:\n    - port: { number: 8080, protocol: HTTP, name: alt }\n      hosts: ["svc/api.example.com"]\n',
      ),
    );
    expect(planned(twoPorts, { host: 'api.example.com', port: 8080 }).clusters.map((c) => c.name)).toEqual([
      'outbound|8080||api.example.com',
    ]);
    // No catch-all listener: port 80 is not imported and no service serves it over HTTP: a TCP passthrough.
    const other = planned(twoPorts, { host: 'api.example.com', port: 80 });
    expect(other.clusters.map((c) => [c.name, c.protocol])).toEqual([['PassthroughCluster', 'TCP']]);
  });

  it("picks the Sidecar whose workloadSelector matches, else the namespace's, else the root namespace's", () => {
    const three = docs(
      se('svc', 'api', 'api.example.com'),
      sidecar('client', 'plain', '  egress:\n    - hosts: ["*/*"]\n'),
      sidecar(
        'client',
        'selected',
        '  workloadSelector: { labels: { app: web } }\n  egress:\n    - hosts: ["./*"]\n',
      ),
      sidecar('istio-system', 'root', '  egress:\n    - hosts: ["istio-system/*"]\n'),
    );
    const load = () => loadConfig([{ file: FILE, text: three }]);
    const web = explainConfig(load(), { namespace: 'client', labels: { app: 'web' } });
    expect(web.proxy.sidecar).toMatchObject({ name: 'client/selected', line: lineOf(three, 'selected') - 2 });
    expect(web.clusters).toEqual([]);
    expect(web.notExplained.map((n) => n.reason)).toContain(
      `not imported by the egress hosts of Sidecar client/selected (${FILE}:${web.proxy.sidecar?.line})`,
    );
    const other = explainConfig(load(), { namespace: 'client', labels: { app: 'db' } });
    expect(other.proxy.sidecar?.name).toBe('client/plain');
    expect(other.clusters.map((c) => c.name)).toEqual(['outbound|80||api.example.com']);
    const elsewhere = explainConfig(load(), { namespace: 'batch' });
    expect(elsewhere.proxy.sidecar).toMatchObject({
      name: 'istio-system/root',
      why: "the root namespace's (istio-system) default Sidecar",
    });
    expect(elsewhere.clusters).toEqual([]);
  });

  it('an egress host without a namespace is rejected at its line, as the webhook does', () => {
    const text = sidecar('client', 'bad', '  egress:\n    - hosts: ["api.example.com"]\n');
    const loaded = loadConfig([{ file: FILE, text }]);
    expect(errors(loaded.diagnostics).map((d) => [d.line, d.path, d.message])).toEqual([
      [lineOf(text, 'api.example.com'), 'spec.egress[0].hosts[0]', 'host must be of form namespace/dnsName'],
    ]);
  });
  it('lists the fields it reads but does not simulate as not modelled, at their lines', () => {
    const text = sidecar(
      'client',
      'wide',
      '  ingress:\n    - port: { number: 9080, protocol: HTTP, name: in }\n  egress:\n    - bind: 127.0.0.1\n      hosts: ["./*"]\n',
    );
    const loaded = loadConfig([{ file: FILE, text }]);
    expect(loaded.diagnostics.map((d) => [d.severity, d.line, d.path])).toEqual([
      ['warning', lineOf(text, 'ingress:'), 'spec.ingress'],
      ['warning', lineOf(text, 'bind:'), 'spec.egress[0].bind'],
    ]);
    expect(loaded.sidecars).toHaveLength(1);
  });
});

describe("the istio ConfigMap's mesh config changes the translation", () => {
  const mesh = `dnsRefreshRate: 5s
connectTimeout: 2s
h2UpgradePolicy: UPGRADE
tcpKeepalive:
  time: 300s
  interval: 30s
defaultHttpRetryPolicy:
  attempts: 5
  retryOn: 5xx
accessLogFile: /dev/stdout`;
  const keepaliveDr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dns, namespace: svc }
spec:
  host: dns.example.com
  trafficPolicy:
    connectionPool:
      tcp:
        tcpKeepalive: { probes: 3 }
`;
  const config = docs(DNS_SE, keepaliveDr, meshConfigMap(mesh));

  it('sets the DNS refresh rate, connect timeout, HTTP/2 upgrade, keepalive and default retries', () => {
    const { clusters, plan, diagnostics } = planned(config, { host: 'dns.example.com' });
    expect(errors(diagnostics)).toEqual([]);
    const c = clusters[0]!;
    expect(c.dnsRefreshRateMs).toBe(5000);
    expect(c.connectTimeoutMs).toBe(2000);
    expect(c.upstreamProtocol?.config).toBe('HTTP/2');
    // Istio's applyTCPKeepalive: the mesh's time and interval, the DestinationRule's probes over them.
    expect(c.tcpKeepalive).toEqual({ timeMs: 300_000, intervalMs: 30_000, probes: 3 });
    const route = plan!.model.routes[0]!;
    expect(route.retry?.numRetries).toBe(5);
    expect(route.retry?.retryOnText).toBe('5xx');
  });

  it('explain shows each value at its line inside the ConfigMap', () => {
    const e = explainConfig(loadConfig([{ file: FILE, text: config }]), { namespace: 'client' });
    expect(e.proxy.meshConfig).toEqual({
      name: 'istio-system/istio',
      file: FILE,
      line: lineOf(config, 'kind: ConfigMap') - 1,
    });
    const c = e.clusters[0]!;
    expect(c.dns?.refreshRateMs).toMatchObject({
      value: 5000,
      at: { line: lineOf(config, 'dnsRefreshRate'), path: 'mesh.dnsRefreshRate' },
    });
    expect(c.connectTimeoutMs).toMatchObject({
      value: 2000,
      at: { line: lineOf(config, 'connectTimeout: 2s') },
    });
    expect(c.upstreamProtocol).toMatchObject({ at: { line: lineOf(config, 'h2UpgradePolicy: UPGRADE') } });
    const retry = e.virtualHosts[0]!.routes[0]!.retry!;
    expect(retry.numRetries).toMatchObject({ value: 5, at: { line: lineOf(config, 'attempts: 5') } });
    const table = formatExplanationTable(e);
    expect(table).toContain(
      `mesh config ConfigMap istio-system/istio (${FILE}:${lineOf(config, 'kind: ConfigMap') - 1})`,
    );
  });

  it("a DestinationRule's own h2UpgradePolicy DO_NOT_UPGRADE wins over the mesh's UPGRADE", () => {
    const dr = keepaliveDr.replace('tcp:\n', 'http: { h2UpgradePolicy: DO_NOT_UPGRADE }\n      tcp:\n');
    const { clusters } = planned(docs(DNS_SE, dr, meshConfigMap(mesh)), { host: 'dns.example.com' });
    expect(clusters[0]!.upstreamProtocol?.config).toBe('HTTP/1.1');
  });

  it('defaultServiceExportTo ["."] hides a ServiceEntry without exportTo from other namespaces', () => {
    const text = docs(se('svc', 'api', 'api.example.com'), meshConfigMap('defaultServiceExportTo: ["."]'));
    const e = explainConfig(loadConfig([{ file: FILE, text }]), { namespace: 'client' });
    expect(e.clusters).toEqual([]);
    expect(e.notExplained[0]?.reason).toBe(
      `not exported to namespace client: no exportTo, and the mesh config's defaultServiceExportTo is ["."] (${FILE}:${lineOf(text, 'kind: ConfigMap') - 1})`,
    );
    const same = explainConfig(loadConfig([{ file: FILE, text }]), { namespace: 'svc' });
    expect(same.clusters.map((c) => c.name)).toEqual(['outbound|80||api.example.com']);
  });

  it('REGISTRY_ONLY: an unknown host on a port no service serves over HTTP goes to BlackHoleCluster', () => {
    const text = docs(
      se('svc', 'api', 'api.example.com'),
      meshConfigMap('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY'),
    );
    const { clusters, diagnostics } = planned(text, { host: 'unknown.example.org', port: 9000 });
    expect(clusters.map((c) => [c.name, c.endpoints.length])).toEqual([['BlackHoleCluster', 0]]);
    expect(diagnostics.find((d) => d.path === 'spec.traffic[0].host')?.message).toContain(
      "the mesh config's outboundTrafficPolicy REGISTRY_ONLY sends it to BlackHoleCluster",
    );
  });

  it('a mesh-wide localityLbSetting applies where the DestinationRule sets none', () => {
    const text = docs(DNS_SE, meshConfigMap('localityLbSetting:\n  enabled: false'));
    const e = explainConfig(loadConfig([{ file: FILE, text }]), { namespace: 'client' });
    expect(e.clusters[0]!.locality.enabled).toMatchObject({
      value: false,
      at: { line: lineOf(text, 'enabled: false') },
    });
  });

  it('bad mesh config values are errors at their line in the file; unknown fields are listed as not modelled', () => {
    const text = meshConfigMap('connectTimeout: soon\nenableAutoMtls: true\nh2UpgradePolicy: SOMETIMES');
    const loaded = loadConfig([{ file: FILE, text }]);
    const shown = loaded.diagnostics.map((d) => [d.severity, d.line, d.path]);
    expect(shown).toEqual([
      ['error', lineOf(text, 'connectTimeout'), 'mesh.connectTimeout'],
      ['warning', lineOf(text, 'enableAutoMtls'), 'mesh.enableAutoMtls'],
      ['error', lineOf(text, 'SOMETIMES'), 'mesh.h2UpgradePolicy'],
    ]);
    expect(loaded.meshConfig).toBeUndefined();
    const two = loadConfig([
      { file: FILE, text: docs(meshConfigMap('{}'), meshConfigMap('{}', 'istio-canary')) },
    ]);
    expect(errors(two.diagnostics).map((d) => d.message)).toEqual([
      `a second mesh config (ConfigMap istio-system/istio-canary); the first is ConfigMap istio-system/istio at ${FILE}:1`,
    ]);
  });

  it('rootNamespace moves where the mesh-wide Sidecar lives', () => {
    const text = docs(
      se('svc', 'api', 'api.example.com'),
      sidecar('mesh-root', 'root', '  egress:\n    - hosts: ["mesh-root/*"]\n'),
      meshConfigMap('rootNamespace: mesh-root'),
    );
    const e = explainConfig(loadConfig([{ file: FILE, text }]), { namespace: 'client' });
    expect(e.proxy.sidecar?.name).toBe('mesh-root/root');
    expect(e.clusters).toEqual([]);
  });
});
