import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/resources/load.js';
import type { ClusterExplanation } from '../src/explain/cluster.js';
import { type ExplainOptions, type Explanation, explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';
import type { Explained } from '../src/explain/values.js';
import { planSimulation } from '../src/simulate.js';

const FILE = 'cfg.yaml';
const UNLIMITED = 4_294_967_295;

function explain(text: string, options: ExplainOptions = {}): Explanation {
  const loaded = loadConfig({ file: FILE, text });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return explainConfig(loaded, options);
}

/** The 1-based line of the only line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(hits, needle).toHaveLength(1);
  return hits[0]!;
}

/** `set@LINE`, or the default's owner: one string to compare. */
function origin(e: Explained<unknown>): string {
  return e.from === 'set' ? `set@${e.at.file}:${e.at.line}` : e.default;
}

function cluster(e: Explanation, name: string): ClusterExplanation {
  const c = e.clusters.find((x) => x.name === name);
  expect(c, `cluster ${name} in ${e.clusters.map((x) => x.name).join(', ')}`).toBeDefined();
  return c!;
}

const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  ports:
    - { number: 80, name: http, protocol: HTTP }
  resolution: STATIC
  endpoints:
    - { address: 10.0.0.1, labels: { version: v1 } }
    - { address: 10.0.0.2, labels: { version: v2 } }
    - { address: 10.0.0.3, labels: { version: v2 } }
`;
const CLUSTER = 'outbound|80||api.example.com';

const docs = (...parts: string[]) => parts.join('---\n');

function dr(policy: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api.example.com
  trafficPolicy:
${policy}
${extra === '' ? '' : `${extra}\n`}`;
}

function vs(http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  http:
${http}
`;
}

describe('a ServiceEntry alone: every value is a default, and says whose', () => {
  const e = explain(SE, { namespace: 'shop' });
  const c = cluster(e, CLUSTER);

  it('the cluster type comes from spec.resolution, the protocol from the port', () => {
    expect(c.type.value).toBe('EDS');
    expect(origin(c.type)).toBe(`set@${FILE}:${lineOf(SE, 'resolution: STATIC')}`);
    expect(c.protocol.value).toBe('HTTP');
    expect(origin(c.protocol)).toBe(`set@${FILE}:${lineOf(SE, 'protocol: HTTP')}`);
    expect(c.endpoints.map((x) => x.address)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it("LEAST_REQUEST, 2^32−1 thresholds and no outlier detection are Istio's; 10 s is the mesh's; panic 50 % is Envoy's", () => {
    expect([c.lbPolicy.value, origin(c.lbPolicy)]).toEqual(['LEAST_REQUEST', 'Istio default']);
    const { retryBudget, ...thresholds } = c.circuitBreakers;
    expect(Object.keys(thresholds)).toHaveLength(4);
    for (const t of Object.values(thresholds)) {
      expect([t.value, origin(t)]).toEqual([UNLIMITED, 'Istio default']);
    }
    expect(retryBudget).toBeNull();
    expect([c.connectTimeoutMs.value, origin(c.connectTimeoutMs)]).toEqual([10_000, 'mesh default']);
    expect(c.outlierDetection).toBeNull();
    expect([c.healthyPanicThresholdPct.value, origin(c.healthyPanicThresholdPct)]).toEqual([
      50,
      'Envoy default',
    ]);
    expect(c.tls.mode.value).toBe('DISABLE');
    expect(c.tls.context).toBeNull();
    expect(c.dns).toBeNull();
    expect([c.locality.enabled.value, origin(c.locality.enabled)]).toEqual([true, 'mesh default']);
    expect(c.locality.failover.value).toBe('not applied');
    expect(c.locality.failover.note).toContain('only with outlierDetection');
  });

  it("the host gets Istio's default route: 2 retries on connect-failure etc., no 503 since 1.24, no timeout", () => {
    expect(e.virtualHosts.map((v) => v.name)).toEqual(['api.example.com:80']);
    const [route] = e.virtualHosts[0]!.routes;
    expect(route?.name).toBe('default');
    expect(route?.virtualService).toBeNull();
    expect(route?.destinations.map((d) => [d.cluster, d.weight.value])).toEqual([[CLUSTER, 100]]);
    expect([route?.timeoutMs?.value, origin(route!.timeoutMs!)]).toEqual([0, 'Istio default']);
    const retry = route!.retry!;
    expect([retry.numRetries.value, origin(retry.numRetries)]).toEqual([2, 'Istio default']);
    const p = retry.policy!;
    expect(p.retryOn.value).toBe(
      'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
    );
    expect(p.retriableStatusCodes.value).toEqual([]);
    expect([p.backoffBaseMs.value, origin(p.backoffBaseMs)]).toEqual([25, 'Envoy default']);
    expect([p.backoffMaxMs.value, origin(p.backoffMaxMs)]).toEqual([250, 'Envoy default']);
    expect([p.retryHostPredicate.value, p.hostSelectionRetryMaxAttempts.value]).toEqual([
      'previous_hosts',
      5,
    ]);
    expect(p.perTryTimeoutMs.value).toBe(0);
  });

  it('Istio 1.23 still retried upstream 503s by default', () => {
    const old = explain(SE, { namespace: 'shop', istioVersion: '1.23' });
    const p = old.virtualHosts[0]!.routes[0]!.retry!.policy!;
    expect(p.retriableStatusCodes.value).toEqual([503]);
    expect(p.retriableStatusCodes.note).toContain('1.23');
  });

  it('the proxy settings say where they came from', () => {
    expect([e.proxy.namespace.value, origin(e.proxy.namespace)]).toEqual(['shop', 'set@explain options:0']);
    expect([e.proxy.istioVersion.value, origin(e.proxy.istioVersion)]).toEqual(['1.28', 'meshsim default']);
    expect(explain(SE).proxy.namespace.value).toBe('default');
  });
});

describe('DestinationRule values: set ones point at their line', () => {
  const policy = `    connectionPool:
      tcp: { maxConnections: 7, connectTimeout: 250ms }
      http: { http1MaxPendingRequests: 0, maxRetries: 4 }
    outlierDetection:
      consecutive5xxErrors: 2
      interval: 5s
      maxEjectionPercent: 0
      minHealthPercent: 30`;
  const text = docs(SE, dr(policy));
  const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);

  it('circuit breakers and connect timeout', () => {
    expect([c.circuitBreakers.maxConnections.value, origin(c.circuitBreakers.maxConnections)]).toEqual([
      7,
      `set@${FILE}:${lineOf(text, 'maxConnections: 7')}`,
    ]);
    expect(c.circuitBreakers.maxConnections.from === 'set' && c.circuitBreakers.maxConnections.at.path).toBe(
      'spec.trafficPolicy.connectionPool.tcp.maxConnections',
    );
    expect([c.connectTimeoutMs.value, origin(c.connectTimeoutMs)]).toEqual([
      250,
      `set@${FILE}:${lineOf(text, 'connectTimeout: 250ms')}`,
    ]);
    // A DR value replaces Istio's default only when it is > 0.
    expect([
      c.circuitBreakers.maxPendingRequests.value,
      origin(c.circuitBreakers.maxPendingRequests),
    ]).toEqual([UNLIMITED, 'Istio default']);
    expect(c.circuitBreakers.maxPendingRequests.note).toBe('0 counts as unset');
    expect(c.circuitBreakers.maxRetries.value).toBe(4);
    expect(c.circuitBreakers.maxRequests.note).toBeUndefined();
  });

  it('outlier detection: set fields, the enforcing Istio derives, and every Envoy default', () => {
    const od = c.outlierDetection!;
    const line5xx = `set@${FILE}:${lineOf(text, 'consecutive5xxErrors: 2')}`;
    expect([od.consecutive5xx.value, origin(od.consecutive5xx)]).toEqual([2, line5xx]);
    expect([od.enforcingConsecutive5xx.value, origin(od.enforcingConsecutive5xx)]).toEqual([100, line5xx]);
    expect([od.consecutiveGatewayFailure.value, origin(od.consecutiveGatewayFailure)]).toEqual([
      5,
      'Envoy default',
    ]);
    expect(od.enforcingConsecutiveGatewayFailure.value).toBe(0);
    expect([od.intervalMs.value, origin(od.intervalMs)]).toEqual([
      5000,
      `set@${FILE}:${lineOf(text, 'interval: 5s')}`,
    ]);
    expect([od.baseEjectionTimeMs.value, origin(od.baseEjectionTimeMs)]).toEqual([30_000, 'Envoy default']);
    expect([od.maxEjectionTimeMs.value, origin(od.maxEjectionTimeMs)]).toEqual([300_000, 'Envoy default']);
    expect([od.maxEjectionPercent.value, origin(od.maxEjectionPercent)]).toEqual([10, 'Envoy default']);
    expect(od.maxEjectionPercent.note).toBe('maxEjectionPercent 0 counts as unset');
    expect([od.enforcingSuccessRate.value, origin(od.enforcingSuccessRate)]).toEqual([0, 'Istio default']);
    expect([od.capRule.value, origin(od.capRule)]).toEqual(['current', 'Envoy default']);
    expect([c.healthyPanicThresholdPct.value, origin(c.healthyPanicThresholdPct)]).toEqual([
      30,
      `set@${FILE}:${lineOf(text, 'minHealthPercent: 30')}`,
    ]);
  });

  it('notes how many of the hosts the cap lets go: 10 % of 3 is none', () => {
    expect(c.notes).toContain(
      'with 3 hosts and maxEjectionPercent 10, no host can ever be ejected (each detection counts ejections_overflow)',
    );
  });

  it('before Istio 1.19 the cap is the old Envoy rule, and then one host of three can go', () => {
    const old = cluster(explain(text, { namespace: 'shop', istioVersion: '1.18' }), CLUSTER);
    expect(old.outlierDetection?.capRule.value).toBe('pre-1.27');
    expect(old.notes).toContain('with 3 hosts and maxEjectionPercent 10, at most 1 can be ejected at once');
  });

  it('without minHealthPercent, outlier detection turns panic off: 0 is Istio’s default then', () => {
    const c2 = cluster(explain(docs(SE, dr('    outlierDetection: {}')), { namespace: 'shop' }), CLUSTER);
    expect([c2.healthyPanicThresholdPct.value, origin(c2.healthyPanicThresholdPct)]).toEqual([
      0,
      'Istio default',
    ]);
  });

  it('is the cluster meshsim run simulates: one translation', () => {
    const { plan } = planSimulation({
      config: { file: FILE, text },
      proxy: { namespace: 'shop' },
      duration: '1s',
      traffic: { host: 'api.example.com', port: 80, rps: 1 },
    });
    const model = plan!.model.clusters[0]!;
    expect(c.circuitBreakers.maxConnections.value).toBe(model.circuitBreakers.maxConnections);
    expect(c.connectTimeoutMs.value).toBe(model.connectTimeoutMs);
    expect(c.outlierDetection?.consecutive5xx.value).toBe(model.outlierDetection?.consecutive5xx);
    expect(c.healthyPanicThresholdPct.value).toBe(model.healthyPanicThresholdPct);
  });
});

describe('idle timeout and requests per connection', () => {
  it("unset: Envoy's 1 h idle timeout, which Istio leaves in place, and no limit on requests", () => {
    const c = cluster(explain(SE, { namespace: 'shop' }), CLUSTER);
    expect([c.idleTimeoutMs.value, origin(c.idleTimeoutMs)]).toEqual([3_600_000, 'Envoy default']);
    expect([c.maxRequestsPerConnection.value, origin(c.maxRequestsPerConnection)]).toEqual([
      0,
      'Envoy default',
    ]);
    const table = formatExplanationTable(explain(SE, { namespace: 'shop' }));
    expect(table).toMatch(/common_http_protocol_options\.idle_timeout +│ 1h +│ Envoy default/);
    expect(table).toMatch(/common_http_protocol_options\.max_requests_per_connection +│ unlimited +│/);
  });

  it('http.idleTimeout and maxRequestsPerConnection point at their lines; 1 means no keep-alive', () => {
    const text = docs(
      SE,
      dr('    connectionPool:\n      http: { idleTimeout: 90s, maxRequestsPerConnection: 1 }'),
    );
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    const line = `set@${FILE}:${lineOf(text, 'idleTimeout: 90s')}`;
    expect([c.idleTimeoutMs.value, origin(c.idleTimeoutMs)]).toEqual([90_000, line]);
    expect([c.maxRequestsPerConnection.value, origin(c.maxRequestsPerConnection)]).toEqual([1, line]);
    expect(c.maxRequestsPerConnection.note).toContain('no keep-alive');
    // Both are simulated now: nothing is listed as not modelled.
    expect(c.notModelled).toEqual([]);
  });

  it('tcp.idleTimeout stands in when http.idleTimeout is unset', () => {
    const tcp = docs(SE, dr('    connectionPool:\n      tcp: { idleTimeout: 5m }'));
    const c = cluster(explain(tcp, { namespace: 'shop' }), CLUSTER);
    expect([c.idleTimeoutMs.value, origin(c.idleTimeoutMs)]).toEqual([
      300_000,
      `set@${FILE}:${lineOf(tcp, 'idleTimeout: 5m')}`,
    ]);
    expect(c.idleTimeoutMs.note).toContain('tcp.idleTimeout');
  });

  it('are the values meshsim run simulates', () => {
    const text = docs(
      SE,
      dr('    connectionPool:\n      tcp: { idleTimeout: 5m }\n      http: { maxRequestsPerConnection: 20 }'),
    );
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    const { plan } = planSimulation({
      config: { file: FILE, text },
      proxy: { namespace: 'shop' },
      duration: '1s',
      traffic: { host: 'api.example.com', port: 80, rps: 1 },
    });
    const model = plan!.model.clusters[0]!;
    expect([c.idleTimeoutMs.value, c.maxRequestsPerConnection.value]).toEqual([
      model.idleTimeoutMs,
      model.maxRequestsPerConnection,
    ]);
  });
});

describe('subsets and port-level settings', () => {
  const policy = `    outlierDetection: { consecutive5xxErrors: 9 }
    portLevelSettings:
      - port: { number: 80 }
        connectionPool: { tcp: { maxConnections: 11 } }`;
  const subsets = `  subsets:
    - name: v2
      labels: { version: v2 }
      trafficPolicy:
        outlierDetection: { consecutive5xxErrors: 4 }`;
  const text = docs(SE, dr(policy, subsets));
  const e = explain(text, { namespace: 'shop' });

  it('a cluster per subset, with only the endpoints carrying its labels', () => {
    expect(e.clusters.map((c) => c.name)).toEqual([CLUSTER, 'outbound|80|v2|api.example.com']);
    const v2 = cluster(e, 'outbound|80|v2|api.example.com');
    expect(v2.subset).toBe('v2');
    expect(v2.endpoints.map((x) => x.address)).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it('a port-level part replaces the top level whole: its values point into portLevelSettings', () => {
    const c = cluster(e, CLUSTER);
    const max = c.circuitBreakers.maxConnections;
    expect(max.from === 'set' && max.at.path).toBe(
      'spec.trafficPolicy.portLevelSettings[0].connectionPool.tcp.maxConnections',
    );
    // portLevelSettings for port 80 has no outlierDetection: Istio's defaults, not the top level's 9.
    expect(c.outlierDetection).toBeNull();
  });

  it("the subset's own outlierDetection wins, and says so", () => {
    const od = cluster(e, 'outbound|80|v2|api.example.com').outlierDetection!;
    expect(od.consecutive5xx.value).toBe(4);
    expect(od.consecutive5xx.from === 'set' && od.consecutive5xx.at.path).toBe(
      'spec.subsets[0].trafficPolicy.outlierDetection.consecutive5xxErrors',
    );
  });
});

describe('VirtualService routes', () => {
  const http = `    - name: pay
      match:
        - uri: { prefix: /pay }
          headers: { x-tenant: { exact: a } }
        - method: { exact: POST }
      timeout: 2s
      retries: { attempts: 4, perTryTimeout: 3s, retryOn: "gateway-error,503", backoff: 100ms, retryIgnorePreviousHosts: false }
      route:
        - { destination: { host: api.example.com, subset: v2 }, weight: 80 }
        - { destination: { host: api.example.com } }
    - name: none
      match: [{ uri: { exact: /none } }]
      retries: { attempts: 0 }
      fault: { abort: { httpStatus: 500 } }
      route: [{ destination: { host: api.example.com } }]
    - name: gone
      match: [{ uri: { exact: /gone } }]
      directResponse: { status: 410 }
    - name: missing
      match: [{ uri: { exact: /missing } }]
      route: [{ destination: { host: api.example.com, subset: nope } }]`;
  const subsets = '  subsets:\n    - { name: v2, labels: { version: v2 } }';
  const text = docs(SE, dr('    loadBalancer: { simple: RANDOM }', subsets), vs(http));
  const e = explain(text, { namespace: 'shop' });
  const routes = e.virtualHosts[0]!.routes;

  it('lists each http route in order, then the 404 NR every other request gets', () => {
    expect(routes.map((r) => r.name)).toEqual(['pay', 'none', 'gone', 'missing', 'no route']);
    expect(routes.at(-1)?.localReply).toEqual({ status: 404, flags: 'NR' });
    expect(e.virtualHosts[0]!.virtualServices.map((v) => v.name)).toEqual(['shop/api']);
  });

  it('shows the match as written, OR-ed blocks and all', () => {
    const pay = routes[0]!;
    expect(pay.match.value).toBe(
      '{ uri: { prefix: /pay }, headers: { x-tenant: { exact: a } } } OR { method: { exact: POST } }',
    );
    expect(origin(pay.match)).toBe(`set@${FILE}:${lineOf(text, '- name: pay') + 1}`);
  });

  it('weights: written, or 0 when unset beside others', () => {
    const pay = routes[0]!;
    expect(pay.destinations.map((d) => [d.cluster, d.weight.value, origin(d.weight)])).toEqual([
      ['outbound|80|v2|api.example.com', 80, `set@${FILE}:${lineOf(text, 'weight: 80')}`],
      [CLUSTER, 0, 'Istio default'],
    ]);
  });

  it('retries: numeric retryOn tokens become codes; a per-try timeout not below the route timeout is dropped', () => {
    const pay = routes[0]!;
    const retriesLine = `set@${FILE}:${lineOf(text, 'retries: { attempts: 4')}`;
    expect([pay.timeoutMs?.value, origin(pay.timeoutMs!)]).toEqual([
      2000,
      `set@${FILE}:${lineOf(text, 'timeout: 2s')}`,
    ]);
    const r = pay.retry!;
    expect([r.numRetries.value, origin(r.numRetries)]).toEqual([4, retriesLine]);
    const p = r.policy!;
    expect(p.retryOn.value).toBe('gateway-error,503');
    expect([p.retriableStatusCodes.value, origin(p.retriableStatusCodes)]).toEqual([[503], retriesLine]);
    expect(p.perTryTimeoutMs.value).toBe(0);
    expect(p.perTryTimeoutMs.note).toBe('ignored: 3s is not below the route timeout');
    expect([p.backoffBaseMs.value, p.backoffMaxMs.value]).toEqual([100, 1000]);
    expect(origin(p.backoffMaxMs)).toBe(retriesLine);
    expect([p.retryHostPredicate.value, origin(p.retryHostPredicate)]).toEqual(['none', retriesLine]);
    // The retries block is one line, so the field paths tell the sources apart.
    const pathOf = (x: Explained<unknown>) => (x.from === 'set' ? x.at.path : x.default);
    expect([p.retryOn, p.perTryTimeoutMs, p.backoffBaseMs, p.retryHostPredicate].map(pathOf)).toEqual([
      'spec.http[0].retries.retryOn',
      'spec.http[0].retries.perTryTimeout',
      'spec.http[0].retries.backoff',
      'spec.http[0].retries.retryIgnorePreviousHosts',
    ]);
  });

  it('attempts 0 is no retry policy at all; an abort without percentage aborts nothing', () => {
    const none = routes[1]!;
    expect(none.retry?.numRetries.value).toBe(0);
    expect(none.retry?.policy).toBeNull();
    expect(origin(none.retry!.numRetries)).toBe(`set@${FILE}:${lineOf(text, 'attempts: 0')}`);
    expect(none.fault?.abortStatus.value).toBe(500);
    expect([none.fault?.abortPct.value, origin(none.fault!.abortPct)]).toEqual([0, 'Envoy default']);
  });

  it('local answers: a directResponse, and 503 NC for a subset no DestinationRule defines', () => {
    expect(routes[2]?.localReply).toEqual({ status: 410, flags: '-' });
    expect(routes[2]?.retry).toBeNull();
    expect(routes[3]?.localReply).toEqual({ status: 503, flags: 'NC' });
    expect(routes[3]?.notes).toEqual(['no cluster for api.example.com subset nope: 503 NC']);
  });

  it('the table shows the route rows with their sources', () => {
    const table = formatExplanationTable(e);
    expect(table).toContain('retry_policy.retriable_status_codes');
    expect(table).toMatch(/│ timeout\s+│ 2s\s+│ set cfg\.yaml:\d+/);
    expect(table).toContain('Route no route');
  });
});

describe('consistent hashing drops the previous_hosts predicate', () => {
  const text = docs(SE, dr('    loadBalancer: { consistentHash: { httpHeaderName: x-user } }'));
  const e = explain(text, { namespace: 'shop' });

  it('on the cluster: RING_HASH on the header, Envoy’s 1024 ring', () => {
    const c = cluster(e, CLUSTER);
    expect(c.lbPolicy.value).toBe('RING_HASH');
    expect(c.consistentHash?.key.value).toBe('header x-user');
    expect([c.consistentHash?.tableSize.value, origin(c.consistentHash!.tableSize)]).toEqual([
      1024,
      'Envoy default',
    ]);
  });

  it('on the default route', () => {
    const p = e.virtualHosts[0]!.routes[0]!.retry!.policy!;
    expect([p.retryHostPredicate.value, origin(p.retryHostPredicate)]).toEqual(['none', 'Istio default']);
    expect(p.retryHostPredicate.note).toContain('consistent hash');
  });
});

describe('TLS origination', () => {
  const se = SE.replace('  resolution: STATIC', '  subjectAltNames: [api.example.com]\n  resolution: STATIC');

  it('SIMPLE without sni: auto SNI, system roots, the ServiceEntry’s SANs', () => {
    const text = docs(se, dr('    tls: { mode: SIMPLE }'));
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    expect([c.tls.mode.value, origin(c.tls.mode)]).toEqual([
      'SIMPLE',
      `set@${FILE}:${lineOf(text, 'mode: SIMPLE')}`,
    ]);
    const t = c.tls.context!;
    expect([t.sni.value, origin(t.sni)]).toEqual(['', 'Istio default']);
    expect(t.sni.note).toContain('auto_sni');
    expect([t.caCertificates.value, origin(t.caCertificates)]).toEqual(['system', 'Istio default']);
    expect([t.subjectAltNames.value, origin(t.subjectAltNames)]).toEqual([
      ['api.example.com'],
      `set@${FILE}:${lineOf(text, 'subjectAltNames')}`,
    ]);
    // The handshake is simulated; nothing of this DestinationRule is left out.
    expect(c.tls.mode.note).toMatch(
      /^simulated: the handshake on every new connection, one round trip with a TLS 1.3 server \(two with a TLS 1.2 one/,
    );
    expect(c.notModelled).toEqual([]);
  });

  it('trust: caCertificates names the CA whose certificates pass; before Istio 1.21 no CA, no auto SNI', () => {
    const text = docs(se, dr('    tls: { mode: SIMPLE, caCertificates: /etc/certs/partner-ca.pem }'));
    const t = cluster(explain(text, { namespace: 'shop' }), CLUSTER).tls.context!;
    expect([t.caCertificates.value, origin(t.caCertificates)]).toEqual([
      '/etc/certs/partner-ca.pem',
      `set@${FILE}:${lineOf(text, 'caCertificates')}`,
    ]);
    expect(t.caCertificates.note).toBe('trusts endpoint certificates whose issuer is this name');
    const old = docs(se, dr('    tls: { mode: SIMPLE }'));
    const o = cluster(explain(old, { namespace: 'shop', istioVersion: '1.20' }), CLUSTER).tls.context!;
    expect(o.caCertificates.value).toBe('');
    expect(o.caCertificates.note).toContain('nothing is verified');
    expect(o.sni.note).toBe('none sent: ENABLE_AUTO_SNI was off before Istio 1.21');
  });

  it('the mode is the one meshsim run simulates: a handshake when istiod builds a context, none when it declines', () => {
    const modelOf = (text: string) =>
      planSimulation({
        config: { file: FILE, text },
        proxy: { namespace: 'shop' },
        duration: '1s',
        traffic: { host: 'api.example.com', port: 80, rps: 1 },
      }).plan!.model.clusters[0]!;
    const simple = docs(se, dr('    tls: { mode: SIMPLE }'));
    expect(modelOf(simple).tlsMode).toBe('SIMPLE');
    expect(cluster(explain(simple, { namespace: 'shop' }), CLUSTER).tls.context).not.toBeNull();
    const declined = docs(SE, dr('    tls: { mode: MUTUAL, credentialName: certs }'));
    expect(modelOf(declined).tlsMode).toBe('DISABLE');
    expect(cluster(explain(declined, { namespace: 'shop' }), CLUSTER).tls.context).toBeNull();
  });

  it('credentialName on a sidecar DestinationRule: no TLS context, and the mode says why', () => {
    const text = docs(SE, dr('    tls: { mode: MUTUAL, credentialName: certs }'));
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    expect(c.tls.mode.value).toBe('MUTUAL');
    expect(c.tls.context).toBeNull();
    expect(c.tls.mode.note).toContain('credentialName');
    expect(c.notModelled.map((d) => [d.path, d.line])).toEqual([
      ['spec.trafficPolicy.tls.credentialName', lineOf(text, 'credentialName')],
    ]);
    expect(c.notModelled[0]?.message).toContain('plaintext');
  });

  it('an HTTPS port is tcp-proxied, and TLS origination on it would nest TLS', () => {
    const https = SE.replace(
      '{ number: 80, name: http, protocol: HTTP }',
      '{ number: 443, name: https, protocol: HTTPS }',
    );
    const c = cluster(
      explain(docs(https, dr('    tls: { mode: SIMPLE }')), { namespace: 'shop' }),
      'outbound|443||api.example.com',
    );
    expect(c.notes[0]).toMatch(/^HTTPS port: the app speaks TLS, so the sidecar tcp-proxies it:/);
    expect(c.notes[1]).toContain('TLS inside TLS');
  });

  it('tcp.maxConnectionDuration: the HTTP pools drain at it; a tcp_proxy closes its sessions at it', () => {
    const policy = dr('    connectionPool: { tcp: { maxConnectionDuration: 30s } }');
    const http = cluster(explain(docs(SE, policy), { namespace: 'shop' }), CLUSTER);
    expect(http.maxConnectionDuration?.field).toBe('common_http_protocol_options.max_connection_duration');
    expect(http.maxConnectionDuration?.ms.value).toBe(30_000);
    expect(origin(http.maxConnectionDuration!.ms)).toMatch(/^set@/);
    const tcpSe = SE.replace(
      '{ number: 80, name: http, protocol: HTTP }',
      '{ number: 80, name: tcp, protocol: TCP }',
    );
    const tcp = cluster(explain(docs(tcpSe, policy), { namespace: 'shop' }), CLUSTER);
    expect(tcp.maxConnectionDuration?.field).toBe('tcp_proxy.max_downstream_connection_duration');
    expect(cluster(explain(SE, { namespace: 'shop' }), CLUSTER).maxConnectionDuration).toBeNull();
  });

  it("an HTTPS port's route is the tcp_proxy's: no timeout or retry, whatever the http routes say", () => {
    const https = SE.replace(
      '{ number: 80, name: http, protocol: HTTP }',
      '{ number: 443, name: https, protocol: HTTPS }',
    );
    const vs = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  http:
  - route: [{ destination: { host: api.example.com } }]
    timeout: 2s
    retries: { attempts: 5 }
`;
    const e = explain(docs(https, vs), { namespace: 'shop' });
    const vh = e.virtualHosts.find((v) => v.port === 443)!;
    expect(vh.notes[0]).toMatch(/^HTTPS: the sidecar tcp-proxies this port/);
    expect(vh.routes).toHaveLength(1);
    expect(vh.routes[0]!.match.note).toContain('tcp_proxy, per connection');
    // The http route is not this port's: reported among the parts nothing uses.
    expect(e.notExplained.some((n) => n.file !== undefined && n.what.includes('http[0]'))).toBe(true);
  });
});

describe('resolutions', () => {
  it('NONE is an ORIGINAL_DST cluster balancing CLUSTER_PROVIDED, noted as not simulated', () => {
    const se = SE.replace('resolution: STATIC', 'resolution: NONE').replace(/ {2}endpoints:\n(.*\n)*/, '');
    const c = cluster(explain(se, { namespace: 'shop' }), CLUSTER);
    expect([c.type.value, c.lbPolicy.value, origin(c.lbPolicy)]).toEqual([
      'ORIGINAL_DST',
      'CLUSTER_PROVIDED',
      'Istio default',
    ]);
    expect(c.notes).toContain(
      'ORIGINAL_DST: each request goes to the address the application resolved; the load balancer ignores health, so an ejection moves nothing',
    );
  });

  it("an unwritten resolution is the CRD's NONE: a default, not a set value", () => {
    const se = SE.replace('  resolution: STATIC\n', '').replace(/ {2}endpoints:\n(.*\n)*/, '');
    const c = cluster(explain(se, { namespace: 'shop' }), CLUSTER);
    expect([c.type.value, origin(c.type)]).toEqual(['ORIGINAL_DST', 'Istio default']);
    expect(c.type.note).toBe('resolution unset = NONE: to the address the app dialled');
  });

  it('DNS: refresh from the mesh default, and the host count the ejection cap needs', () => {
    const se = SE.replace('resolution: STATIC', 'resolution: DNS').replace(/ {2}endpoints:\n(.*\n)*/, '');
    const c = cluster(
      explain(docs(se, dr('    outlierDetection: { maxEjectionPercent: 25 }')), { namespace: 'shop' }),
      CLUSTER,
    );
    expect(c.type.value).toBe('STRICT_DNS');
    expect(c.endpoints.map((x) => x.address)).toEqual(['api.example.com']);
    expect([c.dns?.refreshRateMs.value, origin(c.dns!.refreshRateMs)]).toEqual([60_000, 'mesh default']);
    expect(c.notes).toContain(
      'hosts are the addresses DNS returns: with maxEjectionPercent 25, a host can be ejected only once there are at least 4',
    );
  });

  it('locality failover applies with outlierDetection and a known caller locality', () => {
    const se = SE.replace(
      'labels: { version: v1 } }',
      'labels: { version: v1 }, locality: eu/eu-a }',
    ).replace(
      '10.0.0.2, labels: { version: v2 } }',
      '10.0.0.2, labels: { version: v2 }, locality: us/us-a }',
    );
    const c = cluster(
      explain(docs(se, dr('    outlierDetection: {}')), { namespace: 'shop', locality: 'eu/eu-a' }),
      CLUSTER,
    );
    expect([c.locality.failover.value, origin(c.locality.failover)]).toEqual(['applied', 'Istio default']);
    expect(c.endpoints.map((x) => [x.address, x.priority])).toEqual([
      ['10.0.0.1', 0],
      ['10.0.0.2', 1],
      ['10.0.0.3', 1],
    ]);
  });
});

describe('failoverPriority', () => {
  const se = SE.replace('labels: { version: v1 } }', 'labels: { version: v1, tier: gold } }')
    .replace('10.0.0.2, labels: { version: v2 } }', '10.0.0.2, labels: { version: v2, tier: gold } }')
    .replace('10.0.0.3, labels: { version: v2 } }', '10.0.0.3, labels: { version: v2, tier: iron } }');
  const policy = (extra = '') => `    outlierDetection: {}
    loadBalancer:
      localityLbSetting:
        failoverPriority: [tier, version]${extra}`;

  it("ranks endpoints by the caller's labels, without a locality; the row points at failoverPriority", () => {
    const text = docs(se, dr(policy()));
    const c = cluster(explain(text, { namespace: 'shop', labels: { tier: 'gold', version: 'v1' } }), CLUSTER);
    // gold/v1 matches both → 0; gold/v2 misses the second label (j = 1) → 2 − 1 = 1; iron misses the first → 2.
    expect(c.endpoints.map((x) => [x.address, x.priority])).toEqual([
      ['10.0.0.1', 0],
      ['10.0.0.2', 1],
      ['10.0.0.3', 2],
    ]);
    expect([c.locality.failover.value, origin(c.locality.failover)]).toEqual([
      'applied',
      `set@${FILE}:${lineOf(text, 'failoverPriority:')}`,
    ]);
    expect(c.locality.failover.note).toContain("by the caller's labels");
  });

  it('are the priorities meshsim run simulates, with the Scenario’s proxy.labels', () => {
    const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: s }
spec:
  proxy: { namespace: shop, labels: { tier: gold, version: v2 } }
  traffic: [{ host: api.example.com, port: 80, rps: 1 }]
`;
    const text = docs(se, dr(policy()), scenario);
    const e = explain(text);
    expect(origin(e.proxy.labels)).toBe(`set@${FILE}:${lineOf(text, 'labels: { tier: gold, version: v2 }')}`);
    const { plan } = planSimulation({ config: { file: FILE, text } });
    const model = plan!.model.clusters[0]!;
    expect(cluster(e, CLUSTER).endpoints.map((x) => x.priority)).toEqual(
      model.endpoints.map((x) => x.priority),
    );
    expect(model.endpoints.map((x) => x.priority)).toEqual([1, 0, 2]);
    // The first paragraph says who the caller is (wrapped to the page: lines joined here).
    const caller = formatExplanationTable(e).split('\n\n')[0]!.replace(/\n +/g, ' ');
    expect(caller).toContain('labels tier=gold, version=v2 (set cfg.yaml:');
  });

  it('failover rules beside failoverPriority apply on top (Istio 1.20+), and the note says how', () => {
    const text = docs(se, dr(policy('\n        failover: [{ from: eu, to: us }]')));
    const c = cluster(explain(text, { namespace: 'shop', labels: { tier: 'gold' } }), CLUSTER);
    expect(c.notModelled).toEqual([]);
    expect(c.locality.failover.note).toContain('label priority × 5 + locality priority');
  });
});

describe('what shapes nothing for this caller is said, not dropped', () => {
  it('a ServiceEntry exported elsewhere, a DestinationRule without service, gateway-only and tcp VirtualServices', () => {
    const hidden = SE.replace('  resolution: STATIC', '  exportTo: ["."]\n  resolution: STATIC');
    const orphanDr = dr('    loadBalancer: { simple: RANDOM }').replace(
      'host: api.example.com',
      'host: other.example.com',
    );
    const gatewayVs = vs('    - route: [{ destination: { host: api.example.com } }]').replace(
      '  http:',
      '  gateways: [istio-system/egress]\n  http:',
    );
    const tcpVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: tcp, namespace: shop }
spec:
  hosts: [api.example.com]
  tcp:
    - route: [{ destination: { host: api.example.com } }]
`;
    const e = explain(docs(hidden, orphanDr, gatewayVs, tcpVs), { namespace: 'web' });
    expect(e.clusters).toEqual([]);
    expect(e.notExplained.map((n) => `${n.what}: ${n.reason}`)).toEqual([
      'ServiceEntry shop/api: not exported to namespace web (exportTo ["."])',
      'DestinationRule shop/api: host other.example.com matches no ServiceEntry host visible from namespace web',
      'VirtualService shop/api: bound to gateways istio-system/egress only, not to sidecars (mesh)',
      'VirtualService shop/tcp tcp: tcp routes are not modelled yet',
    ]);
    expect(formatExplanationTable(e)).toContain('Clusters\n  none');
  });

  it('route fields not modelled are listed on the route', () => {
    const text = docs(
      SE,
      vs('    - rewrite: { uri: /v1 }\n      route: [{ destination: { host: api.example.com } }]'),
    );
    const route = explain(text, { namespace: 'shop' }).virtualHosts[0]!.routes[0]!;
    expect(route.notModelled.map((d) => [d.path, d.line])).toEqual([
      ['spec.http[0].rewrite', lineOf(text, 'rewrite:')],
    ]);
  });
});

describe('which routes this sidecar gets', () => {
  it('a second VirtualService for the host is ignored, as sidecars do (IST0109), and said so', () => {
    const second = vs('    - directResponse: { status: 418 }').replace('name: api,', 'name: second,');
    const text = docs(SE, vs('    - route: [{ destination: { host: api.example.com } }]'), second);
    const e = explain(text, { namespace: 'shop' });
    const host = e.virtualHosts[0]!;
    expect(host.virtualServices.map((v) => v.name)).toEqual(['shop/api']);
    expect(host.routes.map((r) => r.localReply?.status ?? r.destinations[0]?.cluster)).toEqual([CLUSTER]);
    expect(e.notExplained.map((n) => [n.what, n.reason])).toEqual([
      [
        'VirtualService shop/second host api.example.com',
        'another VirtualService (shop/api) already binds api.example.com for the mesh; sidecars do not merge them, so this one is ignored (IST0109)',
      ],
    ]);
  });

  const sourced = vs(`    - name: checkout
      match: [{ sourceLabels: { app: checkout } }]
      directResponse: { status: 202 }
    - name: mixed
      match:
        - { sourceNamespace: payments, uri: { prefix: /a } }
        - { uri: { prefix: /b } }
      directResponse: { status: 203 }
    - route: [{ destination: { host: api.example.com } }]`);

  it('routes whose sourceLabels or sourceNamespace name another workload are left out, and said so', () => {
    const text = docs(SE, sourced);
    const e = explain(text, { namespace: 'shop', labels: { app: 'web' } });
    const routes = e.virtualHosts[0]!.routes;
    expect(routes.map((r) => r.name)).toEqual(['mixed', 'shop/api.http[2]']);
    // Only the block this caller can match is in the route.
    expect(routes[0]!.match.value).toBe('{ uri: { prefix: /b } }');
    expect(routes[0]!.notes).toEqual([
      "match[0] not in this sidecar's route: another port, or another caller (sourceLabels, sourceNamespace)",
    ]);
    expect(e.notExplained.map((n) => [n.what, n.line])).toEqual([
      ['VirtualService shop/api http[0]', lineOf(text, '- name: checkout')],
    ]);
    expect(e.notExplained[0]?.reason).toContain('name other callers');
  });

  it('the caller the labels name gets the route, as meshsim run routes it', () => {
    const text = docs(SE, sourced);
    const e = explain(text, { namespace: 'shop', labels: { app: 'checkout' } });
    expect(e.virtualHosts[0]!.routes.map((r) => r.name)).toEqual(['checkout', 'mixed', 'shop/api.http[2]']);
    expect(e.notExplained).toEqual([]);
    const r = planSimulation({
      config: { file: FILE, text },
      proxy: { namespace: 'shop', labels: { app: 'checkout' } },
      duration: '1s',
      traffic: { host: 'api.example.com', port: 80, rps: 1 },
    });
    expect(r.plan!.model.routes.map((x) => [x.name, x.localStatus])).toEqual([['checkout', 202]]);
  });

  it('a redirect without a code, or with redirectCode 0, is a 301 from the sidecar', () => {
    const text = docs(
      SE,
      vs(`    - match: [{ uri: { prefix: /old } }]
      redirect: { uri: /new, redirectCode: 0 }
    - redirect: { uri: /new }`),
    );
    const routes = explain(text, { namespace: 'shop' }).virtualHosts[0]!.routes;
    expect(routes.map((r) => r.localReply)).toEqual([
      { status: 301, flags: '-' },
      { status: 301, flags: '-' },
    ]);
  });
});

describe('proxy settings', () => {
  const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: s }
spec:
  proxy: { namespace: shop, istioVersion: "1.22" }
`;

  it('come from the Scenario document when there is one, each pointing at its line', () => {
    const text = docs(SE, scenario);
    const e = explain(text);
    expect([e.proxy.namespace.value, origin(e.proxy.namespace)]).toEqual([
      'shop',
      `set@${FILE}:${lineOf(text, 'proxy:')}`,
    ]);
    expect(e.proxy.istioVersion.value).toBe('1.22');
    expect(e.virtualHosts[0]!.routes[0]!.retry!.policy!.retriableStatusCodes.value).toEqual([503]);
    expect(origin(e.proxy.locality)).toBe('meshsim default');
  });

  it('options override the Scenario, named by their origin', () => {
    const e = explain(docs(SE, scenario), { istioVersion: '1.26', origin: 'command line' });
    expect(e.proxy.istioVersion).toEqual({
      value: '1.26',
      from: 'set',
      at: { file: 'command line', line: 0, column: 0, path: '--istioVersion' },
    });
  });

  it('a malformed Istio version is an error diagnostic', () => {
    const e = explain(SE, { istioVersion: 'latest' });
    expect(e.diagnostics.map((d) => [d.severity, d.path])).toEqual([['error', 'istioVersion']]);
  });
});

describe('notes on what the numbers come to', () => {
  function routeOf(http: string) {
    return explain(docs(SE, vs(http)), { namespace: 'shop' }).virtualHosts[0]!.routes[0]!;
  }

  it('more attempts than fit in the route timeout (seed 11’s 4 × 10s under 30s)', () => {
    const r = routeOf(`    - timeout: 30s
      retries: { attempts: 3, perTryTimeout: 10s, retryOn: "5xx,retriable-4xx" }
      route: [{ destination: { host: api.example.com } }]`);
    expect(r.notes).toEqual([
      '4 attempts of up to 10s need up to 40s plus back-off, more than the 30s route timeout: it can cut the last attempts short (504 UT)',
    ]);
    expect(r.retry?.policy?.retryOn.note).toBe(
      'retriable-4xx is 409 only; 5xx covers resets, connect failures and per-try timeouts too',
    );
    expect(r.retry?.policy?.perTryTimeoutMs.note).toBeUndefined();
  });

  it('a per-try timeout retryOn does not retry, and attempts that fit say nothing', () => {
    const r = routeOf(`    - timeout: 30s
      retries: { attempts: 2, perTryTimeout: 10s, retryOn: connect-failure }
      route: [{ destination: { host: api.example.com } }]`);
    expect(r.notes).toEqual([]);
    expect(r.retry?.policy?.perTryTimeoutMs.note).toBe(
      'a per-try timeout is not retried under this retryOn (needs 5xx, gateway-error or reset)',
    );
  });

  it("Istio's default retryOn, on HTTP/1.1, is connect-failure and the codes", () => {
    expect(explain(SE, { namespace: 'shop' }).virtualHosts[0]!.routes[0]!.retry?.policy?.retryOn.note).toBe(
      'refused-stream needs HTTP/2 and unavailable/cancelled need grpc-status',
    );
  });

  it('retriable-headers matches nothing under Istio; envoy-ratelimited is the only token for x-envoy-ratelimited', () => {
    const r = routeOf(`    - retries: { attempts: 2, retryOn: "retriable-headers,envoy-ratelimited" }
      route: [{ destination: { host: api.example.com } }]`);
    expect(r.retry?.policy?.retryOn.note).toBe(
      'retriable-headers matches nothing: Istio sets no retriable_headers; envoy-ratelimited retries answers marked x-envoy-ratelimited, which no other token retries',
    );
  });

  it('http2MaxRequests limits HTTP/1.1 too; a max ejection time equal to the base stops growth', () => {
    const policy = `    connectionPool: { http: { http2MaxRequests: 100 } }
    outlierDetection: { baseEjectionTime: 300s }`;
    const c = cluster(explain(docs(SE, dr(policy)), { namespace: 'shop' }), CLUSTER);
    expect(c.circuitBreakers.maxRequests.note).toBe('http2MaxRequests limits HTTP/1.1 requests too');
    expect(c.outlierDetection?.maxEjectionTimeMs.note).toContain('equal to baseEjectionTime');
  });
});

describe('two DestinationRules for one host (seeds 08 and 09 together)', () => {
  it('the first keeps the cluster; the second is reported with what Istio would merge', () => {
    const second = dr('    tls: { mode: MUTUAL, credentialName: certs }').replace(
      'name: api,',
      'name: api-2,',
    );
    const e = explain(docs(SE, dr('    loadBalancer: { simple: RANDOM }'), second), { namespace: 'shop' });
    expect(cluster(e, CLUSTER).destinationRule?.name).toBe('shop/api');
    expect(e.notExplained.map((n) => `${n.what}: ${n.reason}`)).toEqual([
      "DestinationRule shop/api-2: DestinationRule shop/api for the same host comes first: Istio keeps its traffic policy and would merge in this one's subsets, which meshsim does not",
    ]);
  });
});

describe('upstream protocol (shouldH2Upgrade, setUpstreamProtocol, applyConnectionPool)', () => {
  it('HTTP/1.1 by default; h2UpgradePolicy UPGRADE makes it HTTP/2 with its max_concurrent_streams', () => {
    const plain = cluster(explain(SE, { namespace: 'shop' }), CLUSTER);
    expect([plain.upstreamProtocol.value, origin(plain.upstreamProtocol)]).toEqual([
      'HTTP/1.1',
      'Istio default',
    ]);
    expect(plain.maxConcurrentStreams).toBeNull();
    const text = docs(
      SE,
      dr(
        '    connectionPool:\n      http:\n        h2UpgradePolicy: UPGRADE\n        maxConcurrentStreams: 100',
      ),
    );
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    expect([c.upstreamProtocol.value, origin(c.upstreamProtocol)]).toEqual([
      'HTTP/2',
      `set@${FILE}:${lineOf(text, 'h2UpgradePolicy')}`,
    ]);
    expect([c.maxConcurrentStreams?.value, origin(c.maxConcurrentStreams!)]).toEqual([
      100,
      `set@${FILE}:${lineOf(text, 'maxConcurrentStreams')}`,
    ]);
    expect(c.notModelled).toEqual([]);
    const table = formatExplanationTable(explain(text, { namespace: 'shop' }));
    expect(table).toMatch(/upstream protocol +│ HTTP\/2 +│/);
    expect(table).toMatch(/http2_protocol_options\.max_concurrent_streams +│ 100 +│/);
  });

  it('http2KeepAlive on an HTTP/2 cluster: the PING interval and timeout where written, the jitter Envoy adds', () => {
    const text = docs(
      SE,
      dr(
        '    connectionPool:\n      http:\n        h2UpgradePolicy: UPGRADE\n        http2KeepAlive:\n          interval: 30s\n          timeout: 5s',
      ),
    );
    const c = cluster(explain(text, { namespace: 'shop', istioVersion: '1.31' }), CLUSTER);
    const k = c.http2KeepAlive!;
    expect([k.intervalMs.value, origin(k.intervalMs)]).toEqual([
      30_000,
      `set@${FILE}:${lineOf(text, 'interval:')}`,
    ]);
    expect([k.timeoutMs.value, origin(k.timeoutMs)]).toEqual([
      5000,
      `set@${FILE}:${lineOf(text, 'timeout:')}`,
    ]);
    expect([k.intervalJitterPct.value, origin(k.intervalJitterPct)]).toEqual([15, 'Envoy default']);
    expect(c.notModelled).toEqual([]);
    const table = formatExplanationTable(explain(text, { namespace: 'shop', istioVersion: '1.31' }));
    expect(table).toMatch(
      /http2_protocol_options\.connection_keepalive\.interval +│ 30s +│ set cfg\.yaml:\d+/,
    );
    expect(table).toMatch(/http2_protocol_options\.connection_keepalive\.timeout +│ 5s +│ set cfg\.yaml:\d+/);
    expect(table).toMatch(
      /http2_protocol_options\.connection_keepalive\.interval_jitter +│ 15 % +│ Envoy default/,
    );
    // On the HTTP/1.1 cluster Istio drops it: no row, and a warning at the field.
    const h1 = docs(
      SE,
      dr('    connectionPool:\n      http:\n        http2KeepAlive: { interval: 30s, timeout: 5s }'),
    );
    const plain = cluster(explain(h1, { namespace: 'shop', istioVersion: '1.31' }), CLUSTER);
    expect(plain.http2KeepAlive).toBeUndefined();
    expect(plain.notModelled.map((d) => [d.line, d.message])).toEqual([
      [
        lineOf(h1, 'http2KeepAlive'),
        'ignored: the cluster speaks HTTP/1.1, and Istio sets connection_keepalive only on an HTTP/2 cluster (h2UpgradePolicy UPGRADE, or an HTTP2/GRPC port)',
      ],
    ]);
  });

  it("useClientProtocol: use_downstream_protocol, HTTP/1.1 for meshsim's clients", () => {
    const text = docs(SE, dr('    connectionPool:\n      http: { useClientProtocol: true }'));
    const c = cluster(explain(text, { namespace: 'shop' }), CLUSTER);
    expect([c.upstreamProtocol.value, origin(c.upstreamProtocol)]).toEqual([
      'use_downstream_protocol: HTTP/1.1',
      `set@${FILE}:${lineOf(text, 'useClientProtocol')}`,
    ]);
  });
});
