import {
  type ConfigSource,
  type Diagnostic,
  loadConfig,
  planSimulation,
  type TranslatedCluster,
} from '@meshsim/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { translateCluster } from '../src/config/translate/cluster.js';

/** Istio's "no limit" circuit-breaker threshold, 2^32 − 1 (ENVOY-SEMANTICS B.1). */
const UNLIMITED = 4_294_967_295;
const HOST = 'api.example.com';

interface ServiceEntryOptions {
  namespace?: string;
  name?: string;
  host?: string;
  resolution?: string;
  /** YAML lines under `ports:`, already indented by 4. */
  ports?: string;
  /** YAML lines under `endpoints:`, already indented by 4. */
  endpoints?: string;
  exportTo?: string;
}

function serviceEntry(o: ServiceEntryOptions = {}): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${o.name ?? 'api'}
  namespace: ${o.namespace ?? 'default'}
spec:
  hosts: [${o.host ?? HOST}]
  ports:
${o.ports ?? '    - { number: 80, name: http, protocol: HTTP }'}
  resolution: ${o.resolution ?? 'STATIC'}
  endpoints:
${o.endpoints ?? '    - address: 192.0.2.1'}
${o.exportTo === undefined ? '' : `  exportTo: [${JSON.stringify(o.exportTo)}]\n`}`;
}

/** A DestinationRule whose `trafficPolicy` is `policy` (YAML indented by 4), or none. */
function destinationRule(
  o: { name?: string; namespace?: string; host?: string; policy?: string; exportTo?: string } = {},
): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${o.name ?? 'dr'}
  namespace: ${o.namespace ?? 'default'}
spec:
  host: "${o.host ?? HOST}"
${o.exportTo === undefined ? '' : `  exportTo: [${JSON.stringify(o.exportTo)}]\n`}${
  o.policy === undefined ? '' : `  trafficPolicy:\n${o.policy}\n`
}`;
}

const stream = (...docs: string[]): string => docs.join('---\n');

/** Plans one Poisson stream to `host:port` from a caller in `caller`; the config's only cluster. */
function plan(
  config: string | ConfigSource | ConfigSource[],
  options: { caller?: string; port?: number; host?: string } = {},
): { cluster: TranslatedCluster | undefined; diagnostics: Diagnostic[] } {
  const { plan: p, diagnostics } = planSimulation({
    config,
    duration: '1s',
    proxy: { namespace: options.caller ?? 'default' },
    traffic: { host: options.host ?? HOST, port: options.port ?? 80, rps: 1 },
  });
  expect(p === null ? 0 : p.model.clusters.length).toBeLessThanOrEqual(1);
  return { cluster: p?.model.clusters[0] as TranslatedCluster | undefined, diagnostics };
}

/** The cluster, asserting the plan had no error. */
function clusterOf(config: string | ConfigSource | ConfigSource[], options: Parameters<typeof plan>[1] = {}) {
  const { cluster, diagnostics } = plan(config, options);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(cluster).toBeDefined();
  return cluster!;
}

describe('Istio defaults with no DestinationRule', () => {
  let cluster: TranslatedCluster;
  beforeAll(() => {
    cluster = clusterOf(serviceEntry());
  });

  it('every circuit-breaker threshold is 4294967295, from the default', () => {
    expect(cluster.circuitBreakers).toEqual({
      maxConnections: UNLIMITED,
      maxPendingRequests: UNLIMITED,
      maxRequests: UNLIMITED,
      maxRetries: UNLIMITED,
    });
    expect(cluster.circuitBreakersFrom).toEqual({
      maxConnections: 'default',
      maxPendingRequests: 'default',
      maxRequests: 'default',
      maxRetries: 'default',
    });
  });

  it('connect timeout 10 s and LEAST_REQUEST', () => {
    expect(cluster.connectTimeoutMs).toBe(10_000);
    expect(cluster.lbPolicy).toBe('LEAST_REQUEST');
    expect(cluster.lbPolicyFrom).toBe('default');
  });

  it("is Istio's outbound|PORT||HOST cluster of the ServiceEntry, shaped by no rule", () => {
    expect(cluster.name).toBe('outbound|80||api.example.com');
    expect(cluster.serviceHost).toBe(HOST);
    expect(cluster.port).toBe(80);
    expect(cluster.portName).toBe('http');
    expect(cluster.serviceEntry).toBe('default/api');
    expect(cluster.destinationRule).toBeNull();
  });

  it('a DestinationRule without trafficPolicy changes nothing but its name on the cluster', () => {
    const withRule = clusterOf(stream(serviceEntry(), destinationRule()));
    expect(withRule.destinationRule).toBe('default/dr');
    expect(withRule.circuitBreakers).toEqual(cluster.circuitBreakers);
    expect(withRule.circuitBreakersFrom).toEqual(cluster.circuitBreakersFrom);
    expect(withRule.connectTimeoutMs).toBe(10_000);
    expect(withRule.lbPolicy).toBe('LEAST_REQUEST');
  });
});

describe('DestinationRule connectionPool and loadBalancer', () => {
  it('values > 0 replace the defaults and are marked set', () => {
    const policy = `    connectionPool:
      tcp: { maxConnections: 10, connectTimeout: 250ms }
      http: { http1MaxPendingRequests: 20, http2MaxRequests: 30, maxRetries: 5 }
    loadBalancer: { simple: ROUND_ROBIN }`;
    const cluster = clusterOf(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster.circuitBreakers).toEqual({
      maxConnections: 10,
      maxPendingRequests: 20,
      maxRequests: 30,
      maxRetries: 5,
    });
    expect(cluster.circuitBreakersFrom).toEqual({
      maxConnections: 'set',
      maxPendingRequests: 'set',
      maxRequests: 'set',
      maxRetries: 'set',
    });
    expect(cluster.connectTimeoutMs).toBe(250);
    expect(cluster.lbPolicy).toBe('ROUND_ROBIN');
    expect(cluster.lbPolicyFrom).toBe('set');
  });

  it('0 keeps the default: Istio applies a value only when it is > 0', () => {
    const policy = `    connectionPool:
      tcp: { maxConnections: 0 }
      http: { http1MaxPendingRequests: 0, http2MaxRequests: 0, maxRetries: 0 }`;
    const { cluster, diagnostics } = plan(stream(serviceEntry(), destinationRule({ policy })));
    expect(diagnostics).toEqual([]);
    expect(cluster?.circuitBreakers).toEqual({
      maxConnections: UNLIMITED,
      maxPendingRequests: UNLIMITED,
      maxRequests: UNLIMITED,
      maxRetries: UNLIMITED,
    });
    expect(cluster?.circuitBreakersFrom).toEqual({
      maxConnections: 'default',
      maxPendingRequests: 'default',
      maxRequests: 'default',
      maxRetries: 'default',
    });
  });

  it('each threshold is taken on its own: setting one leaves the others at the default', () => {
    const policy = '    connectionPool:\n      http: { http2MaxRequests: 1 }';
    const cluster = clusterOf(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster.circuitBreakers).toEqual({
      maxConnections: UNLIMITED,
      maxPendingRequests: UNLIMITED,
      maxRequests: 1,
      maxRetries: UNLIMITED,
    });
    expect(cluster.circuitBreakersFrom.maxRequests).toBe('set');
    expect(cluster.circuitBreakersFrom.maxConnections).toBe('default');
  });

  it.each([
    ['LEAST_CONN', 'LEAST_REQUEST'],
    ['LEAST_REQUEST', 'LEAST_REQUEST'],
    ['ROUND_ROBIN', 'ROUND_ROBIN'],
    ['RANDOM', 'RANDOM'],
  ])('loadBalancer simple %s becomes %s', (simple, expected) => {
    const policy = `    loadBalancer: { simple: ${simple} }`;
    const cluster = clusterOf(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster.lbPolicy).toBe(expected);
    expect(cluster.lbPolicyFrom).toBe('set');
  });
});

describe('portLevelSettings', () => {
  const topLevel = `    connectionPool:
      tcp: { maxConnections: 10 }
      http: { http1MaxPendingRequests: 100 }
    loadBalancer: { simple: ROUND_ROBIN }`;

  it("for the cluster's port, replace the top-level connectionPool whole (no field-by-field merge)", () => {
    const policy = `${topLevel}
    portLevelSettings:
      - port: { number: 80 }
        connectionPool:
          http: { http1MaxPendingRequests: 7 }
        loadBalancer: { simple: RANDOM }`;
    const cluster = clusterOf(stream(serviceEntry(), destinationRule({ policy })));
    // The top level's maxConnections 10 is not inherited: the port-level pool has no tcp, so the default holds.
    expect(cluster.circuitBreakers.maxConnections).toBe(UNLIMITED);
    expect(cluster.circuitBreakersFrom.maxConnections).toBe('default');
    expect(cluster.circuitBreakers.maxPendingRequests).toBe(7);
    expect(cluster.circuitBreakersFrom.maxPendingRequests).toBe('set');
    expect(cluster.lbPolicy).toBe('RANDOM');
  });

  it('for another port, do not apply', () => {
    const policy = `${topLevel}
    portLevelSettings:
      - port: { number: 8080 }
        connectionPool:
          tcp: { maxConnections: 1 }
          http: { http1MaxPendingRequests: 1 }
        loadBalancer: { simple: RANDOM }`;
    const cluster = clusterOf(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster.circuitBreakers.maxConnections).toBe(10);
    expect(cluster.circuitBreakers.maxPendingRequests).toBe(100);
    expect(cluster.lbPolicy).toBe('ROUND_ROBIN');
  });

  it('pick the entry for the port the traffic uses when the ServiceEntry has several', () => {
    const ports = `    - { number: 80, name: http, protocol: HTTP }
    - { number: 8080, name: http-alt, protocol: HTTP }`;
    const policy = `${topLevel}
    portLevelSettings:
      - port: { number: 8080 }
        connectionPool:
          tcp: { maxConnections: 3 }`;
    const config = stream(serviceEntry({ ports }), destinationRule({ policy }));
    expect(clusterOf(config, { port: 80 }).circuitBreakers.maxConnections).toBe(10);
    const alt = clusterOf(config, { port: 8080 });
    expect(alt.name).toBe('outbound|8080||api.example.com');
    expect(alt.circuitBreakers.maxConnections).toBe(3);
    expect(alt.circuitBreakers.maxPendingRequests).toBe(UNLIMITED);
  });
});

describe('endpoint ports', () => {
  const endpoints = `    - address: 192.0.2.1
      ports: { http: 9090 }
    - address: 192.0.2.2
    - address: 192.0.2.3
      ports: { other: 1234 }`;

  // Istio rejects an endpoint port whose name the ServiceEntry does not declare, so `other` is a real port.
  const other = '    - { number: 9000, name: other, protocol: HTTP }';

  it("come from the endpoint's ports map by port name, else targetPort", () => {
    const ports = `    - { number: 80, name: http, protocol: HTTP, targetPort: 8080 }\n${other}`;
    const cluster = clusterOf(serviceEntry({ ports, endpoints }), { port: 80 });
    expect(cluster.endpoints.map((e) => `${e.address}:${e.port}`)).toEqual([
      '192.0.2.1:9090',
      '192.0.2.2:8080',
      '192.0.2.3:8080',
    ]);
  });

  it('else the port number', () => {
    const ports = `    - { number: 80, name: http, protocol: HTTP }\n${other}`;
    const cluster = clusterOf(serviceEntry({ ports, endpoints }), { port: 80 });
    expect(cluster.endpoints.map((e) => e.port)).toEqual([9090, 80, 80]);
  });
});

describe('which DestinationRule applies', () => {
  // Each candidate rule sets a different maxConnections, so the cluster shows which one was used.
  const rule = (
    namespace: string,
    maxConnections: number,
    extra: { host?: string; exportTo?: string } = {},
  ) =>
    destinationRule({
      name: `dr-${maxConnections}`,
      namespace,
      ...extra,
      policy: `    connectionPool:\n      tcp: { maxConnections: ${maxConnections} }`,
    });
  const se = serviceEntry({ namespace: 'svc' });
  const caller = { caller: 'client' };

  it("the caller's namespace first", () => {
    const cluster = clusterOf(stream(se, rule('istio-system', 3), rule('svc', 2), rule('client', 1)), caller);
    expect(cluster.destinationRule).toBe('client/dr-1');
    expect(cluster.circuitBreakers.maxConnections).toBe(1);
  });

  it("then the service's namespace", () => {
    const cluster = clusterOf(stream(se, rule('istio-system', 3), rule('svc', 2)), caller);
    expect(cluster.destinationRule).toBe('svc/dr-2');
  });

  it('then istio-system', () => {
    const cluster = clusterOf(stream(se, rule('istio-system', 3)), caller);
    expect(cluster.destinationRule).toBe('istio-system/dr-3');
    expect(cluster.circuitBreakers.maxConnections).toBe(3);
  });

  it('never an unrelated namespace', () => {
    const cluster = clusterOf(stream(se, rule('elsewhere', 4)), caller);
    expect(cluster.destinationRule).toBeNull();
    expect(cluster.circuitBreakers.maxConnections).toBe(UNLIMITED);
  });

  it('an exact host beats a wildcard in the same namespace, whichever comes first', () => {
    const wildcard = rule('client', 5, { host: '*.example.com' });
    const exact = rule('client', 6);
    expect(clusterOf(stream(se, wildcard, exact), caller).destinationRule).toBe('client/dr-6');
    expect(clusterOf(stream(se, exact, wildcard), caller).destinationRule).toBe('client/dr-6');
  });

  it('a wildcard applies when no exact host does, but not to the bare domain', () => {
    const wildcard = rule('client', 5, { host: '*.example.com' });
    expect(clusterOf(stream(se, wildcard), caller).destinationRule).toBe('client/dr-5');
    const bare = serviceEntry({ namespace: 'svc', host: 'example.com' });
    expect(clusterOf(stream(bare, wildcard), { ...caller, host: 'example.com' }).destinationRule).toBeNull();
  });

  it('a longer wildcard beats a shorter one', () => {
    const short = rule('client', 7, { host: '*.com' });
    const long = rule('client', 8, { host: '*.example.com' });
    expect(clusterOf(stream(se, short, long), caller).destinationRule).toBe('client/dr-8');
  });

  it("namespace order comes before specificity: a wildcard in the caller's namespace beats an exact rule in the service's", () => {
    const wildcard = rule('client', 5, { host: '*.example.com' });
    expect(clusterOf(stream(se, rule('svc', 2), wildcard), caller).destinationRule).toBe('client/dr-5');
  });
});

describe("exportTo '.'", () => {
  const se = serviceEntry({ namespace: 'svc' });
  const hidden = destinationRule({
    name: 'private',
    namespace: 'svc',
    exportTo: '.',
    policy: '    connectionPool:\n      tcp: { maxConnections: 9 }',
  });

  it('hides a DestinationRule from callers in other namespaces', () => {
    const cluster = clusterOf(stream(se, hidden), { caller: 'client' });
    expect(cluster.destinationRule).toBeNull();
    expect(cluster.circuitBreakers.maxConnections).toBe(UNLIMITED);
  });

  it('and lets the lookup fall through to istio-system', () => {
    const root = destinationRule({ name: 'root', namespace: 'istio-system' });
    expect(clusterOf(stream(se, hidden, root), { caller: 'client' }).destinationRule).toBe(
      'istio-system/root',
    );
  });

  it('still applies to callers in its own namespace', () => {
    const cluster = clusterOf(stream(se, hidden), { caller: 'svc' });
    expect(cluster.destinationRule).toBe('svc/private');
    expect(cluster.circuitBreakers.maxConnections).toBe(9);
  });

  it('a namespace name in exportTo makes the rule visible there', () => {
    const named = destinationRule({ name: 'named', namespace: 'svc', exportTo: 'client' });
    expect(clusterOf(stream(se, named), { caller: 'client' }).destinationRule).toBe('svc/named');
    expect(clusterOf(stream(se, named), { caller: 'third' }).destinationRule).toBeNull();
  });

  it('hides a ServiceEntry from callers in other namespaces: their traffic goes to PassthroughCluster', () => {
    const { cluster, diagnostics } = plan(serviceEntry({ namespace: 'svc', exportTo: '.' }), {
      caller: 'client',
    });
    // Istio's default outboundTrafficPolicy ALLOW_ANY: the sidecar dials where the application resolved.
    expect(cluster?.name).toBe('PassthroughCluster');
    expect(cluster?.type).toBe('ORIGINAL_DST');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const hidden = diagnostics.find((d) => d.path === 'spec.traffic[0].host');
    expect(hidden?.message).toContain('is no service a sidecar in namespace client knows');
    expect(clusterOf(serviceEntry({ namespace: 'svc', exportTo: '.' }), { caller: 'svc' }).serviceEntry).toBe(
      'svc/api',
    );
  });
});

describe('diagnostics', () => {
  it('a tls field the simulation does not check (sni) gets a warning naming the field and its line', () => {
    const text = stream(
      serviceEntry(),
      destinationRule({ policy: '    tls: { mode: SIMPLE, sni: api.example.com }' }),
    );
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('tls:')) + 1;
    // serviceEntry() is 12 lines and `---` is 13; tls is the rule's 9th line.
    expect(line).toBe(22);
    const { cluster, diagnostics } = plan({ file: 'rules.yaml', text });
    expect(cluster).toBeDefined();
    expect(cluster?.tlsMode).toBe('SIMPLE');
    const warnings = diagnostics.filter((d) => d.path === 'spec.trafficPolicy.tls.sni');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      severity: 'warning',
      file: 'rules.yaml',
      line,
      column: lines[line - 1]!.indexOf('api.example.com }') + 1,
    });
    expect(warnings[0]?.message).toMatch(/not checked/);
  });

  it('a port-level tls is named by its port-level path', () => {
    const policy = `    portLevelSettings:
      - port: { number: 80 }
        tls: { mode: SIMPLE, sni: api.example.com }`;
    const { cluster, diagnostics } = plan(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster?.tlsMode).toBe('SIMPLE');
    expect(diagnostics.map((d) => d.path)).toContain('spec.trafficPolicy.portLevelSettings[0].tls.sni');
  });

  it('resolution NONE with no spec.dns answer for the host warns at spec.resolution that every lookup fails', () => {
    const text = serviceEntry({ resolution: 'NONE', endpoints: '' }).replace('  endpoints:\n', '');
    const line = text.split('\n').findIndex((l) => l.startsWith('  resolution:')) + 1;
    const { cluster, diagnostics } = plan({ file: 'se.yaml', text });
    expect(cluster?.type).toBe('ORIGINAL_DST');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const warning = diagnostics.find((d) => d.path === 'spec.resolution');
    expect(warning).toMatchObject({ severity: 'warning', file: 'se.yaml', line });
    expect(warning?.message).toContain('(DF)');
  });

  it.each([
    ['DNS', 'STRICT_DNS'],
    ['DNS_ROUND_ROBIN', 'LOGICAL_DNS'],
  ])('resolution %s becomes an Envoy %s cluster resolving each endpoint address', (resolution, type) => {
    const { cluster } = plan({ file: 'se.yaml', text: serviceEntry({ resolution }) });
    expect(cluster?.type).toBe(type);
    expect(cluster?.endpoints).toEqual([]);
    expect(cluster?.dnsTargets.map((t) => t.hostname)).toEqual(['192.0.2.1']);
    expect(cluster?.dnsRefreshRateMs).toBe(60_000);
  });
});

describe('translateCluster called directly', () => {
  it('builds the same cluster from loadConfig results as planSimulation does', () => {
    const policy = '    connectionPool:\n      tcp: { maxConnections: 12, connectTimeout: 1s }';
    const text = stream(serviceEntry(), destinationRule({ policy }));
    const loaded = loadConfig(text);
    expect(loaded.diagnostics).toEqual([]);
    const se = loaded.serviceEntries[0]!;
    const port = se.resource.spec.ports![0]!;
    const diagnostics: Diagnostic[] = [];
    const direct = translateCluster(
      {
        serviceEntry: se,
        host: HOST,
        port,
        destinationRule: loaded.destinationRules[0] ?? null,
        istioVersion: '1.28',
      },
      diagnostics,
    );
    expect(diagnostics).toEqual([]);
    expect(direct?.circuitBreakers.maxConnections).toBe(12);
    expect(direct?.connectTimeoutMs).toBe(1000);
    expect(direct).toEqual(clusterOf(text));
  });

  it('with destinationRule null gives the defaults', () => {
    const loaded = loadConfig(serviceEntry());
    const se = loaded.serviceEntries[0]!;
    const diagnostics: Diagnostic[] = [];
    const cluster = translateCluster(
      {
        serviceEntry: se,
        host: HOST,
        port: se.resource.spec.ports![0]!,
        destinationRule: null,
        istioVersion: '1.28',
      },
      diagnostics,
    );
    expect(cluster?.circuitBreakers.maxRetries).toBe(UNLIMITED);
    expect(cluster?.connectTimeoutMs).toBe(10_000);
    expect(cluster?.lbPolicy).toBe('LEAST_REQUEST');
  });
});

/** translateCluster on the first ServiceEntry host and port of `text`, with its first DestinationRule. */
function translateFirst(
  text: string,
  subset = '',
): { cluster: TranslatedCluster | null; diagnostics: Diagnostic[] } {
  const loaded = loadConfig(text);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const se = loaded.serviceEntries[0]!;
  const diagnostics: Diagnostic[] = [];
  const cluster = translateCluster(
    {
      serviceEntry: se,
      host: se.resource.spec.hosts[0]!,
      port: se.resource.spec.ports![0]!,
      destinationRule: loaded.destinationRules[0] ?? null,
      istioVersion: '1.28',
      subset,
    },
    diagnostics,
  );
  return { cluster, diagnostics };
}

describe('what translateCluster records for explain', () => {
  it('resolution NONE is an ORIGINAL_DST cluster balancing CLUSTER_PROVIDED, whatever the DestinationRule says', () => {
    const se = serviceEntry({ resolution: 'NONE' }).replace(/ {2}endpoints:\n.*\n/, '');
    const policy =
      '    loadBalancer: { simple: ROUND_ROBIN }\n    connectionPool: { tcp: { maxConnections: 7 } }';
    const { cluster, diagnostics } = translateFirst(stream(se, destinationRule({ policy })));
    expect(cluster?.type).toBe('ORIGINAL_DST');
    expect(cluster?.lbPolicy).toBe('CLUSTER_PROVIDED');
    expect(cluster?.lbPolicyFrom).toBe('default');
    expect(cluster?.endpoints).toEqual([]);
    expect(cluster?.dnsTargets).toEqual([]);
    // The rest of the policy still applies.
    expect(cluster?.circuitBreakers.maxConnections).toBe(7);
    expect(diagnostics.map((d) => [d.path, d.severity])).toEqual([
      ['spec.trafficPolicy.loadBalancer', 'warning'],
    ]);
  });

  it('records where each policy part sits, null for the parts left to the defaults', () => {
    const policy = `    connectionPool: { tcp: { maxConnections: 7 } }
    retryBudget: { percent: 30 }
  subsets:
    - name: v1
      labels: { version: v1 }
      trafficPolicy:
        outlierDetection: { consecutive5xxErrors: 2 }`;
    const text = stream(serviceEntry(), destinationRule({ policy }));
    expect(translateFirst(text).cluster?.policyPaths).toEqual({
      loadBalancer: null,
      connectionPool: ['spec', 'trafficPolicy', 'connectionPool'],
      outlierDetection: null,
      tls: null,
      retryBudget: ['spec', 'trafficPolicy', 'retryBudget'],
    });
    expect(translateFirst(text, 'v1').cluster?.policyPaths).toEqual({
      loadBalancer: null,
      connectionPool: ['spec', 'trafficPolicy', 'connectionPool'],
      outlierDetection: ['spec', 'subsets', 0, 'trafficPolicy', 'outlierDetection'],
      tls: null,
      retryBudget: ['spec', 'trafficPolicy', 'retryBudget'],
    });
  });

  it.each([
    ['no outlierDetection', '    loadBalancer: { simple: RANDOM }', 'no outlierDetection'],
    ['outlierDetection', '    outlierDetection: {}', 'no proxy locality'],
    [
      'locality LB disabled',
      '    outlierDetection: {}\n    loadBalancer: { localityLbSetting: { enabled: false } }',
      'disabled',
    ],
  ])('says why locality failover is not applied: %s', (_, policy, reason) => {
    const { cluster } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster?.localityFailover).toBe(reason);
  });

  it('SIMPLE TLS: system roots, auto SNI and SAN validation from the Host, TLS 1.2–1.3', () => {
    const policy = '    tls: { mode: SIMPLE }';
    const { cluster } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster?.tls).toEqual({
      mode: 'SIMPLE',
      sni: '',
      autoSni: true,
      autoSanValidation: true,
      caCertificates: 'system',
      subjectAltNames: [],
      clientCertificate: '',
      insecureSkipVerify: false,
      minVersion: '1.2',
      maxVersion: '1.3',
    });
  });

  it('MUTUAL TLS with files and an SNI: no auto SNI, no auto SAN validation', () => {
    const policy =
      '    tls: { mode: MUTUAL, sni: api.example.com, clientCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem }';
    const { cluster } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster?.tls).toMatchObject({
      mode: 'MUTUAL',
      sni: 'api.example.com',
      autoSni: false,
      autoSanValidation: false,
      caCertificates: '/ca.pem',
      clientCertificate: '/c.pem',
    });
  });

  it.each([
    ['no tls', '    loadBalancer: { simple: RANDOM }'],
    ['DISABLE', '    tls: { mode: DISABLE }'],
    // buildUpstreamClusterTLSContext: a sidecar gets no context for credentialName without a workloadSelector.
    ['credentialName on a sidecar', '    tls: { mode: MUTUAL, credentialName: partner-certs }'],
  ])('%s is plaintext: tls null, and tlsMode DISABLE, so no handshake is simulated', (_, policy) => {
    const { cluster } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(cluster?.tls).toBeNull();
    expect(cluster?.tlsMode).toBe('DISABLE');
  });

  it('credentialName on a sidecar: one warning saying the traffic leaves in plaintext, none for the other tls fields', () => {
    const policy = '    tls: { mode: SIMPLE, credentialName: partner-certs, sni: api.example.com }';
    const { diagnostics } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['warning', 'spec.trafficPolicy.tls.credentialName'],
    ]);
    expect(diagnostics[0]?.message).toContain('plaintext');
  });

  it('failoverPriority applies without a proxy locality (the labels decide), with outlierDetection only', () => {
    const endpoints =
      '    - { address: 192.0.2.1, labels: { tier: gold } }\n    - { address: 192.0.2.2, labels: { tier: iron } }';
    const lb = '    loadBalancer: { localityLbSetting: { failoverPriority: [tier] } }';
    const text = (od: string) =>
      stream(serviceEntry({ endpoints }), destinationRule({ policy: `${lb}${od}` }));
    const loaded = loadConfig(text('\n    outlierDetection: {}'));
    const se = loaded.serviceEntries[0]!;
    const inputs = {
      serviceEntry: se,
      host: HOST,
      port: se.resource.spec.ports![0]!,
      destinationRule: loaded.destinationRules[0]!,
      istioVersion: '1.28',
      proxyLabels: { tier: 'iron' },
    };
    const cluster = translateCluster(inputs, []);
    expect(cluster?.localityFailover).toBe('applied');
    expect(cluster?.endpoints.map((e) => e.priority)).toEqual([1, 0]);
    expect(translateFirst(text('')).cluster?.localityFailover).toBe('no outlierDetection');
  });

  it('failover rules beside failoverPriority apply on top from Istio 1.20: no warning', () => {
    const policy =
      '    outlierDetection: {}\n    loadBalancer: { localityLbSetting: { failoverPriority: [tier], failover: [{ from: eu, to: us }] } }';
    const { diagnostics } = translateFirst(stream(serviceEntry(), destinationRule({ policy })));
    expect(diagnostics).toEqual([]);
  });
});

describe('locality weights: distribute, and failover rules (LocalityLBSettings.ApplyToCluster)', () => {
  /** translateCluster for a caller at `proxyLocality`. */
  function translateAt(text: string, proxyLocality: string) {
    const loaded = loadConfig(text);
    const se = loaded.serviceEntries[0]!;
    const diagnostics: Diagnostic[] = [];
    const cluster = translateCluster(
      {
        serviceEntry: se,
        host: HOST,
        port: se.resource.spec.ports![0]!,
        destinationRule: loaded.destinationRules[0] ?? null,
        istioVersion: '1.28',
        proxyLocality,
      },
      diagnostics,
    );
    return { cluster, diagnostics };
  }
  const endpoints = [
    '    - { address: a.example.com, locality: us/us-a, weight: 3 }',
    '    - { address: b.example.com, locality: us/us-a }',
    '    - { address: c.example.com, locality: us/us-b }',
    '    - { address: d.example.com, locality: eu/eu-a }',
  ].join('\n');
  const distribute =
    '    loadBalancer: { localityLbSetting: { distribute: [{ from: "us/*", to: { "us/us-b": 10, "us/us-a": 90 } }] } }';

  it('DNS targets: each locality group weighs the sum of its targets; unmatched localities lose their targets', () => {
    const text = stream(
      serviceEntry({ resolution: 'DNS', endpoints }),
      destinationRule({ policy: distribute }),
    );
    const { cluster, diagnostics } = translateAt(text, 'us/us-a');
    expect(diagnostics).toEqual([]);
    // us/us-a has weights 3 + 1 = 4 alone under its key: ceil(4·90/4) = 90; us/us-b: ceil(1·10/1) = 10.
    // The caller's locality comes first, then by (region, zone, subzone). eu/eu-a matches no key.
    expect(cluster?.localityWeights).toEqual([
      { priority: 0, locality: 'us/us-a', weight: 90 },
      { priority: 0, locality: 'us/us-b', weight: 10 },
    ]);
    expect(cluster?.dnsTargets.map((t) => t.hostname)).toEqual([
      'a.example.com',
      'b.example.com',
      'c.example.com',
    ]);
    expect(cluster?.distribute).toEqual({ entry: 0, from: 'us/*', dropped: ['eu/eu-a'] });
    expect(cluster?.localityFailover).toBe('distribute');
  });

  it('enabled: false turns distribute off with the rest of locality load balancing', () => {
    const policy = distribute.replace('localityLbSetting: {', 'localityLbSetting: { enabled: false,');
    const text = stream(serviceEntry({ resolution: 'DNS', endpoints }), destinationRule({ policy }));
    const { cluster } = translateAt(text, 'us/us-a');
    expect(cluster?.localityWeights).toBeNull();
    expect(cluster?.dnsTargets).toHaveLength(4);
    expect(cluster?.localityFailover).toBe('disabled');
  });

  it('outlierDetection alone fails over without locality weights; failover rules add them, per priority', () => {
    const text = (lb: string) =>
      stream(
        serviceEntry({
          endpoints: endpoints.replace(
            /([a-d])\.example\.com/g,
            (_, x) => `192.0.2.${'abcd'.indexOf(x) + 1}`,
          ),
        }),
        destinationRule({ policy: `    outlierDetection: {}${lb}` }),
      );
    expect(translateAt(text(''), 'us/us-a').cluster?.localityWeights).toBeNull();
    const { cluster } = translateAt(
      text('\n    loadBalancer: { localityLbSetting: { failover: [{ from: us, to: eu }] } }'),
      'us/us-a',
    );
    // P0 us/us-a (3 + 1), P1 us/us-b (same region, other zone: LbPriority 2), P2 eu/eu-a (other region: 3).
    expect(cluster?.localityWeights).toEqual([
      { priority: 0, locality: 'us/us-a', weight: 4 },
      { priority: 1, locality: 'us/us-b', weight: 1 },
      { priority: 2, locality: 'eu/eu-a', weight: 1 },
    ]);
  });
});

describe('ServiceEntry and DestinationRule fields the simulation leaves out are warned about', () => {
  it('addresses, MESH_INTERNAL, proxyProtocol and zoneAwareLbSetting each get a warning naming the field', () => {
    const se = serviceEntry().replace(
      '  resolution: STATIC',
      '  addresses: [192.0.2.100]\n  location: MESH_INTERNAL\n  resolution: STATIC',
    );
    const policy =
      '    proxyProtocol: { version: V2 }\n    loadBalancer: { zoneAwareLbSetting: { enabled: true } }';
    const { cluster, diagnostics } = translateFirst(stream(se, destinationRule({ policy })));
    expect(cluster).not.toBeNull();
    expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['warning', 'spec.trafficPolicy.loadBalancer.zoneAwareLbSetting'],
      ['warning', 'spec.trafficPolicy.proxyProtocol'],
      ['warning', 'spec.addresses'],
      ['warning', 'spec.location'],
    ]);
  });
});
