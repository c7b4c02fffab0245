import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const Z_999 = 3.2905267314919255;

function withVirtualService(http: string, hosts = 3, policy = ''): string {
  return `${hostsYaml(hosts, policy)}\n${virtualServiceYaml(http)}`;
}

describe('timeouts and per-try timeouts on a hung upstream (A.9 example 3)', () => {
  const hung = { '*': { latency: { constant: '1h' } } };

  it('timeout 3s, perTryTimeout 1s, retryOn gateway-error: three attempts, then 504 UT at exactly 3 s', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  timeout: 3s
  retries: { attempts: 3, perTryTimeout: 1s, retryOn: gateway-error }`),
      seed: 2,
      duration: '20s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 5 },
      endpoints: hung,
    });
    const n = r.client.total;
    expect(r.client.byStatus).toEqual({ '504': n });
    expect(r.client.byFlag).toEqual({ UT: n });
    // The route timer covers everything: each request ends exactly 3 s after it arrived.
    expect(r.client.latencyMs.max).toBe(3000);
    expect(r.client.latencyMs.p50).toBeGreaterThan(3000 * (1 - 0.01));
    const stats = r.clusters[CLUSTER]!.stats;
    // Attempt 1 times out at 1 s, attempt 2 at 2 s + back-off < 25 ms, attempt 3 is cut by the route timeout.
    expect(stats.upstream_rq_total).toBe(3 * n);
    expect(stats.upstream_rq_per_try_timeout).toBe(2 * n);
    expect(stats.upstream_rq_timeout).toBe(n);
    expect(stats.upstream_rq_retry).toBe(2 * n);
  });

  it('with retryOn connect-failure the per-try timeout is not retried: 504 UT at exactly 1 s', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  timeout: 3s
  retries: { attempts: 3, perTryTimeout: 1s, retryOn: connect-failure }`),
      seed: 2,
      duration: '20s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 5 },
      endpoints: hung,
    });
    const n = r.client.total;
    expect(r.client.byFlag).toEqual({ UT: n });
    expect(r.client.latencyMs.max).toBe(1000);
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(0);
  });

  it('a perTryTimeout ≥ the route timeout is ignored (Envoy sets it to 0)', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  timeout: 2s
  retries: { attempts: 3, perTryTimeout: 5s, retryOn: 5xx }`),
      seed: 2,
      duration: '10s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 5 },
      endpoints: hung,
    });
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_per_try_timeout).toBe(0);
    expect(r.client.latencyMs.max).toBe(2000);
  });

  it('with no VirtualService timeout (Istio: none) a hung request waits for the upstream', () => {
    const r = simulate({
      config: hostsYaml(1),
      seed: 2,
      duration: '10s',
      traffic: { host: 'api.example.com', rps: 2 },
      endpoints: { '*': { latency: { constant: '60s' } } },
    });
    // 60 s of server time + 1 RTT, far past any Envoy default of 15 s.
    expect(r.client.latencyMs.p50).toBeGreaterThan(60_000 * 0.99);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });
});

describe('fault injection (F.2)', () => {
  it('abort 10 % with retries on 5xx: exactly the aborted requests fail, and none reaches upstream', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 3, retryOn: 5xx }
  fault: { abort: { httpStatus: 503, percentage: { value: 10 } } }`),
      seed: 4,
      duration: '100s',
      traffic: { host: 'api.example.com', rps: 200 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    const n = r.client.total;
    const aborted = r.client.byFlag.FI ?? 0;
    expect(Math.abs(aborted - 0.1 * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.09));
    expect(r.client.byStatus['503']).toBe(aborted);
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats.upstream_rq_total).toBe(n - aborted);
    expect(stats.upstream_rq_retry).toBe(0);
  });

  it('an abort without a percentage aborts nothing (the FractionalPercent default is 0)', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  fault: { abort: { httpStatus: 500 } }`),
      seed: 4,
      duration: '20s',
      traffic: { host: 'api.example.com', rps: 50 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('a delay does not count against the route timeout: 5 s delay under a 3 s timeout gives ~5 s, not 504', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  timeout: 3s
  fault: { delay: { fixedDelay: 5s, percentage: { value: 100 } } }`),
      seed: 4,
      duration: '20s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 5 },
      endpoints: { '*': { latency: { constant: '10ms' } } },
    });
    const n = r.client.total;
    expect(r.client.byStatus).toEqual({ '200': n });
    expect(r.client.byFlag).toEqual({ DI: n });
    expect(r.client.latencyMs.max).toBe(5010);
  });
});

describe('route matching and weighted subsets', () => {
  const config = withVirtualService(
    `
- name: charges
  match: [{ uri: { prefix: /v1/charges }, method: { exact: POST } }]
  route:
    - { destination: { host: api.example.com, subset: blue }, weight: 80 }
    - { destination: { host: api.example.com, subset: green }, weight: 20 }
- name: health
  match: [{ uri: { exact: /healthz } }]
  directResponse: { status: 204 }`,
    4,
    '',
  )
    .replace('    - address: 10.0.0.1', '    - { address: 10.0.0.1, labels: { version: blue } }')
    .replace('    - address: 10.0.0.2', '    - { address: 10.0.0.2, labels: { version: blue } }')
    .replace('    - address: 10.0.0.3', '    - { address: 10.0.0.3, labels: { version: green } }')
    .replace('    - address: 10.0.0.4', '    - { address: 10.0.0.4, labels: { version: green } }')
    .concat(`---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api-subsets, namespace: default }
spec:
  host: api.example.com
  subsets:
    - { name: blue, labels: { version: blue } }
    - { name: green, labels: { version: green } }
`);

  const r = simulate({
    config,
    seed: 8,
    duration: '100s',
    traffic: [
      { host: 'api.example.com', path: '/v1/charges', method: 'POST', rps: 100 },
      { host: 'api.example.com', path: '/healthz', rps: 10 },
      { host: 'api.example.com', path: '/v1/other', rps: 10 },
    ],
    endpoints: { '*': { latency: { constant: '5ms' } } },
  });

  it('splits the matching route 80/20 between the subsets, whose clusters hold only their labelled hosts', () => {
    const blue = r.clusters['outbound|80|blue|api.example.com']!;
    const green = r.clusters['outbound|80|green|api.example.com']!;
    expect(blue.hosts.map((h) => h.address)).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
    expect(green.hosts.map((h) => h.address)).toEqual(['10.0.0.3:80', '10.0.0.4:80']);
    const b = blue.stats.upstream_rq_total!;
    const g = green.stats.upstream_rq_total!;
    const n = b + g;
    expect(Math.abs(b - 0.8 * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.16));
  });

  it('answers a direct response locally and a request that matches no route with 404 NR', () => {
    expect(r.client.byStatus['204']).toBeGreaterThan(0);
    expect(r.client.byStatus['404']).toBe(r.client.byFlag.NR);
    expect(r.client.byFlag.NR).toBeGreaterThan(0);
    // No default-subset cluster was needed: every forwarded request went to a subset.
    expect(r.clusters[CLUSTER]).toBeUndefined();
  });
});

describe('route fields the simulation leaves out', () => {
  it('rewrite, request headers and a gRPC abort are reported as warnings naming their lines, not dropped', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com }, headers: { request: { set: { x-a: b } } } }]
  rewrite: { uri: /v1 }
  headers: { request: { add: { x-legacy: "1" } } }
  fault: { abort: { grpcStatus: UNAVAILABLE, percentage: { value: 50 } } }`),
      duration: '1s',
      traffic: { host: 'api.example.com', rps: 5 },
    });
    const notes = r.warnings.filter((w) => w.includes('not modelled'));
    expect(notes.map((w) => w.replace(/^<inline>:\d+:\d+ warning /, ''))).toEqual([
      'spec.http[0].rewrite: not modelled yet: the simulation ignores it',
      'spec.http[0].headers: not modelled yet: the simulation ignores it',
      'spec.http[0].route[0].headers: not modelled yet: the simulation ignores it',
      'spec.http[0].fault.abort.grpcStatus: not modelled yet: the simulation ignores it',
    ]);
    // The simulation injects no gRPC abort: every request reached the upstream.
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('are warned about once, however many request shapes of a traffic mix take the route', () => {
    const r = simulate({
      config: withVirtualService(`
- route: [{ destination: { host: api.example.com } }]
  rewrite: { uri: /v1 }`),
      duration: '1s',
      traffic: [
        {
          host: 'api.example.com',
          rps: 5,
          routes: [
            { path: '/a', weight: 1 },
            { path: '/b', weight: 1 },
          ],
        },
        { host: 'api.example.com', rps: 5 },
      ],
    });
    expect(r.warnings.filter((w) => w.includes('rewrite'))).toHaveLength(1);
  });
});

describe('a traffic mix exercises several routes in one run', () => {
  it('three routes with their own timeouts: only the one whose timeout is under the server time answers 504', () => {
    const r = simulate({
      config: withVirtualService(`
- match: [{ uri: { prefix: /v1/charges } }]
  timeout: 60s
  retries: { attempts: 2, perTryTimeout: 25s, retryOn: "5xx,reset,connect-failure" }
  route: [{ destination: { host: api.example.com } }]
- match: [{ uri: { prefix: /v1/status } }]
  timeout: 10s
  retries: { attempts: 3, perTryTimeout: 3s, retryOn: "5xx,reset,connect-failure" }
  route: [{ destination: { host: api.example.com } }]
- timeout: 30s
  retries: { attempts: 3, perTryTimeout: 10s, retryOn: "5xx,reset,connect-failure" }
  route: [{ destination: { host: api.example.com } }]`),
      seed: 9,
      duration: '60s',
      traffic: {
        host: 'api.example.com',
        rps: 20,
        routes: [
          { path: '/v1/charges', method: 'POST', weight: 2 },
          { path: '/v1/status', weight: 1 },
          { path: '/v1/refunds', weight: 1 },
        ],
      },
      // Every answer takes 5 s: over the status route's 3 s per-try timeout, under the others'.
      endpoints: { '*': { latency: { constant: '5s' } } },
    });
    const n = r.client.total;
    const timedOut = r.client.byStatus['504'] ?? 0;
    // A quarter of the requests are /v1/status: per-try timeouts at 3 s, retried, cut by the 10 s route timeout.
    expect(Math.abs(timedOut - n / 4)).toBeLessThanOrEqual(Z_999 * Math.sqrt((n * 3) / 16));
    expect(r.client.byFlag.UT).toBe(timedOut);
    expect((r.client.byStatus['200'] ?? 0) + timedOut).toBe(n);
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_per_try_timeout).toBe(3 * timedOut);
  });
});

describe('two VirtualServices for one host', () => {
  it('are not merged for sidecars: the first one routes, the second is ignored with a warning (IST0109)', () => {
    const second = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api-second, namespace: default }
spec:
  hosts: [api.example.com]
  http:
    - directResponse: { status: 418 }
`;
    const r = simulate({
      config: `${withVirtualService(`
- match: [{ uri: { prefix: /v1 } }]
  route: [{ destination: { host: api.example.com } }]`)}${second}`,
      seed: 5,
      duration: '10s',
      traffic: { host: 'api.example.com', path: '/other', rps: 10 },
      endpoints: { '*': { latency: { constant: '1ms' } } },
    });
    // The first VirtualService has no route for /other: 404 NR, not the second's 418.
    expect(r.client.byFlag).toEqual({ NR: r.client.total });
    expect(r.warnings.some((w) => w.includes('IST0109'))).toBe(true);
  });
});

describe('sourceLabels and sourceNamespace match the calling workload (proxy.labels, proxy.namespace)', () => {
  const config = withVirtualService(`
- match: [{ sourceLabels: { app: checkout } }]
  directResponse: { status: 202 }
- match: [{ sourceNamespace: payments }]
  directResponse: { status: 203 }
- route: [{ destination: { host: api.example.com } }]`);
  const run = (proxy: { namespace?: string; labels?: Record<string, string> }) =>
    simulate({
      config,
      seed: 5,
      duration: '5s',
      proxy,
      traffic: { host: 'api.example.com', rps: 10 },
      endpoints: { '*': { latency: { constant: '1ms' } } },
    }).client.byStatus;

  it('routes by the caller', () => {
    expect(Object.keys(run({ labels: { app: 'checkout' } }))).toEqual(['202']);
    expect(Object.keys(run({ labels: { app: 'other' } }))).toEqual(['200']);
  });
});
