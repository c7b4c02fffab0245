import {
  ConfigError,
  type Report,
  type SimulationSpec,
  simulate,
  type TrafficSourceInput,
} from '@meshsim/core';
import { at, type Endpoint, endpoint, traffic } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  ports:
    - { number: 80, name: http, protocol: HTTP }
  resolution: STATIC
  endpoints:
    - address: 192.0.2.1
    - address: 192.0.2.2
    - address: 192.0.2.3
`;

/** The same scenario as the builders below, written as a YAML Scenario document. */
const SCENARIO_YAML = `${SERVICE_ENTRY}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: three-endpoints }
spec:
  seed: 7
  duration: 30s
  proxy: { namespace: shop }
  endpoints:
    192.0.2.1: { latency: { median: 20ms, p99: 80ms } }
    192.0.2.2:
      latency: { constant: 5ms }
      errors: [{ status: 503, rate: 0.2 }]
    192.0.2.3: {}
  traffic:
    - { host: api.example.com, port: 80, rps: 100 }
`;

function fromBuilders(): Report {
  return simulate({
    config: SERVICE_ENTRY,
    name: 'three-endpoints',
    seed: 7,
    duration: '30s',
    proxy: { namespace: 'shop' },
    endpoints: {
      '192.0.2.1': endpoint.healthy({ latency: { median: '20ms', p99: '80ms' } }),
      '192.0.2.2': endpoint.failing({ status: 503, rate: 0.2, latency: { constant: '5ms' } }),
      '192.0.2.3': endpoint.healthy(),
    },
    traffic: traffic.poisson({ host: 'api.example.com', port: 80, rps: 100 }),
  });
}

describe('simulate() accepts the builders', () => {
  it('three endpoints via the builders give the same JSON report as the YAML Scenario, byte for byte', () => {
    const built = fromBuilders();
    const written = simulate({ config: SCENARIO_YAML });
    expect(JSON.stringify(built)).toBe(JSON.stringify(written));
    expect(built.warnings).toEqual([]);
  });

  it('the report reflects what the builders said', () => {
    const report = fromBuilders();
    expect(report.scenario).toBe('three-endpoints');
    expect(report.seed).toBe(7);
    expect(report.durationMs).toBe(30_000);
    const cluster = report.clusters['outbound|80||api.example.com'];
    expect(cluster?.hosts.map((h) => h.address)).toEqual(['192.0.2.1:80', '192.0.2.2:80', '192.0.2.3:80']);
    const [healthy, failing, instant] = cluster!.hosts;
    // Only the failing endpoint answers 5xx.
    expect(healthy?.rqError).toBe(0);
    expect(instant?.rqError).toBe(0);
    // 100 rps for 30 s over 3 hosts: about 1000 requests to the failing one, each 503 with p = 0.2
    // independently, so its error share has sd √(0.2·0.8/1000) ≈ 0.0126; ±0.065 is over 5 sd.
    expect(failing!.rqTotal).toBeGreaterThan(500);
    expect(Math.abs(failing!.rqError / failing!.rqTotal - 0.2)).toBeLessThan(0.065);
    expect(report.client.byStatus['503']).toBe(failing!.rqError);
    // Arrivals are Poisson with mean 3000 (sd ≈ 55); ±300 is over 5 sd.
    expect(Math.abs(report.client.total - 3000)).toBeLessThan(300);
  });

  it('a different seed gives a different report: the comparison above is not vacuous', () => {
    const other = simulate({ config: SCENARIO_YAML, seed: 8 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(fromBuilders()));
  });

  it('a different endpoint behaviour gives a different report', () => {
    const report = simulate({
      config: SERVICE_ENTRY,
      name: 'three-endpoints',
      seed: 7,
      duration: '30s',
      proxy: { namespace: 'shop' },
      endpoints: {
        '192.0.2.1': endpoint.healthy({ latency: { median: '20ms', p99: '80ms' } }),
        '192.0.2.2': endpoint.failing({ status: 503, rate: 0.5, latency: { constant: '5ms' } }),
        '192.0.2.3': endpoint.healthy(),
      },
      traffic: traffic.poisson({ host: 'api.example.com', port: 80, rps: 100 }),
    });
    expect(JSON.stringify(report)).not.toBe(JSON.stringify(fromBuilders()));
  });
});

/** The errors `simulate` throws for a spec, as `path: message`. */
function refusals(spec: Omit<SimulationSpec, 'config'>): string[] {
  try {
    simulate({ config: SERVICE_ENTRY, duration: '1s', proxy: { namespace: 'shop' }, ...spec });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
  }
  return [];
}

const API = { host: 'api.example.com', port: 80 };

describe('simulate() refuses, naming the field, what the builders express but the engine does not model yet', () => {
  it('a timeline queue on an endpoint with no concurrency, and a tlsReason without connect: tlsError', () => {
    const problems = refusals({
      endpoints: { '192.0.2.2': endpoint.capacityLimited({ concurrency: 2 }) },
      traffic: traffic.poisson({ ...API, rps: 1 }),
      timeline: [
        at('1s')
          .endpoint('192.0.2.1')
          .set({ queue: { size: 5 } }),
        // Fine: 192.0.2.2 has concurrency of its own; and a connect: tlsError in the same patch.
        at('1s')
          .endpoint('192.0.2.2')
          .set({ queue: { size: 5 } }),
        at('2s').endpoint('192.0.2.3').set({ connect: 'tlsError', tlsReason: 'HANDSHAKE_FAILURE' }),
        // Already tlsError from the change before it in time, though written after it.
        at('4s').endpoint('192.0.2.3').set({ tlsReason: 'WRONG_VERSION_NUMBER' }),
        at('3s').endpoint('192.0.2.1').set({ tlsReason: 'WRONG_VERSION_NUMBER' }),
        at('3s').endpoint('192.0.2.1').becomes(endpoint.healthy()),
      ],
    });
    expect(problems).toEqual([
      'spec.timeline[0].set.queue: applies only with concurrency, and 192.0.2.1 at 1s has none',
      'spec.timeline[4].set.tlsReason: applies only with connect: tlsError, and 192.0.2.1 at 3s has connect: ok',
    ]);
  });

  it('a timeline change to what a source requests (its path), not to its rate', () => {
    const problems = refusals({
      traffic: traffic.poisson({ ...API, rps: 1 }),
      timeline: [
        at('1s')
          .traffic(0)
          .set({ path: '/b', ramp: { to: 2, over: '1s' } }),
      ],
    });
    expect(problems).toEqual([
      'spec.timeline[0].set.path: not modelled yet: a timeline changes only rps, arrivals, bursts, ramp, diurnal, clients and thinkTime',
    ]);
  });

  it('a timeline change for a locality with no endpoint', () => {
    const problems = refusals({
      traffic: traffic.poisson({ ...API, rps: 1 }),
      timeline: [at('1s').locality('us-east-1').down()],
    });
    expect(problems).toEqual(['spec.timeline[0].locality: no simulated endpoint is in this locality']);
  });

  it('while slow, brownout and idleClosing run', () => {
    const report = simulate({
      config: SERVICE_ENTRY,
      duration: '5s',
      proxy: { namespace: 'shop' },
      endpoints: {
        '192.0.2.1': endpoint.slow({ latency: { constant: '300ms' } }),
        '192.0.2.2': endpoint.brownout({ latency: { constant: '300ms' }, rate: 1 }),
        '192.0.2.3': endpoint.idleClosing({ idleTimeout: '1s' }),
      },
      traffic: traffic.poisson({ ...API, rps: 30 }),
    });
    const hosts = report.clusters['outbound|80||api.example.com']?.hosts ?? [];
    // brownout with rate 1 answers every request 503; slow and the default endpoint none.
    expect(hosts.map((h) => h.rqError === h.rqTotal && h.rqTotal > 0)).toEqual([false, true, false]);
    expect(hosts[0]?.rqError).toBe(0);
    // Every answer takes at least the 300 ms server time, except the third host's (no latency).
    expect(report.client.latencyMs.max).toBeGreaterThanOrEqual(300);
  });
});

describe('simulate() runs rate-limited endpoints and constant arrivals', () => {
  it('endpoint.rateLimited and traffic.constant: 20 evenly spaced requests a second against a limit of 5', () => {
    const report = simulate({
      config: SERVICE_ENTRY,
      duration: '10s',
      proxy: { namespace: 'shop' },
      endpoints: { '*': endpoint.rateLimited({ rps: 5, burst: 1 }) },
      traffic: traffic.constant({ ...API, rps: 20 }),
    });
    // 199 requests (every 50 ms from 50 ms); three endpoints share them, each admitting 5 a second
    // from a bucket of one token: 50 ms arrivals, 1/3 each → a token every 200 ms per endpoint.
    expect(report.client.total).toBe(199);
    const accepted = report.client.byStatus['200'] ?? 0;
    expect(accepted).toBeLessThanOrEqual(3 * (5 * 10 + 1));
    expect((report.client.byStatus['429'] ?? 0) + accepted).toBe(199);
  });
});

describe('simulate() runs closed-loop clients and broken TLS handshakes', () => {
  it('traffic.closedLoop: each client sends once answered, after its think time', () => {
    const report = simulate({
      config: SERVICE_ENTRY,
      duration: '10s',
      proxy: { namespace: 'shop' },
      endpoints: { '*': endpoint.healthy({ latency: { constant: '9ms' } }) },
      traffic: traffic.closedLoop({ ...API, clients: 2, thinkTime: '90ms' }),
    });
    // A cycle is 1 ms connect (first only) + 1 ms RTT + 9 ms + 90 ms think: about 100 ms per client,
    // so two clients make about 2 × 10 s / 100 ms = 200 requests, a few fewer for the first connect.
    expect(report.client.total).toBeGreaterThanOrEqual(196);
    expect(report.client.total).toBeLessThanOrEqual(200);
  });

  it('endpoint.tlsBroken behind TLS origination: 503 UF once the default retries are spent', () => {
    const config = `${SERVICE_ENTRY}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api.example.com
  trafficPolicy: { tls: { mode: SIMPLE } }
`;
    const report = simulate({
      config,
      duration: '5s',
      proxy: { namespace: 'shop' },
      endpoints: { '*': endpoint.tlsBroken() },
      traffic: traffic.poisson({ ...API, rps: 10 }),
    });
    expect(report.client.byFlag).toEqual({ 'UF,URX': report.client.total });
  });
});

describe('simulate() runs refused and black-holed connections and resets', () => {
  const CLUSTER = 'outbound|80||api.example.com';
  /** 192.0.2.2 behaves as `behaviour`, the two others answer at once; Istio's default retry policy. */
  const run = (behaviour: Endpoint, duration: string, rps: number) => {
    const report = simulate({
      config: SERVICE_ENTRY,
      seed: 5,
      duration,
      proxy: { namespace: 'shop' },
      endpoints: { '192.0.2.2': behaviour },
      traffic: traffic.poisson({ ...API, rps }),
    });
    const cluster = report.clusters[CLUSTER]!;
    const bad = cluster.hosts.find((h) => h.address === '192.0.2.2:80')!;
    return { report, stats: cluster.stats, bad, others: cluster.hosts.filter((h) => h !== bad) };
  };

  it('endpoint.refusing: each refused connect is retried on another host, so the client sees no error', () => {
    const { report, stats, bad } = run(endpoint.refusing(), '10s', 30);
    expect(report.warnings).toEqual([]);
    expect(report.client.total).toBeGreaterThan(200);
    expect(report.client.byStatus).toEqual({ '200': report.client.total });
    expect(stats.upstream_cx_connect_fail).toBeGreaterThan(0);
    // A refusal fails every request pending on that connection: at least one retry each.
    expect(stats.upstream_rq_retry).toBeGreaterThanOrEqual(stats.upstream_cx_connect_fail!);
    expect(bad.rqTotal).toBe(0);
  });

  it('endpoint.blackhole: an attempt there waits out the 10 s connect timeout, then the retry lands elsewhere', () => {
    const { report, stats, bad } = run(endpoint.blackhole(), '5s', 5);
    expect(report.warnings).toEqual([]);
    expect(report.client.byStatus).toEqual({ '200': report.client.total });
    expect(stats.upstream_cx_connect_timeout).toBeGreaterThan(0);
    expect(bad.rqTotal).toBe(0);
    // Istio's connectTimeout is 10 s; after it a back-off under 25 ms, a connect and the request
    // (1 ms round trip each, the default) to a host that answers at once.
    expect(report.client.latencyMs.max).toBeGreaterThanOrEqual(10_000);
    expect(report.client.latencyMs.max).toBeLessThan(10_000 + 25 + 1 + 1 + 1);
  });

  it('endpoint.resetting: every request it takes ends in a reset (503 UC), which the default policy does not retry', () => {
    const { report, stats, bad, others } = run(endpoint.resetting(), '10s', 30);
    expect(report.warnings).toEqual([]);
    const resets = report.client.byFlag.UC ?? 0;
    expect(resets).toBeGreaterThan(0);
    expect(resets).toBe(bad.rqTotal);
    expect(report.client.byStatus['503']).toBe(resets);
    expect(stats.upstream_rq_rx_reset).toBe(resets);
    expect(stats.upstream_rq_retry ?? 0).toBe(0);
    // The other two hosts answer everything else.
    expect(others.every((h) => h.rqError === 0)).toBe(true);
    expect(report.client.byStatus['200']).toBe(report.client.total - resets);
  });
});

describe('traffic.bursts, ramp and diurnal run: evenly spaced, one arrival per unit of ∫ rate', () => {
  const total = (source: TrafficSourceInput, duration: string) =>
    simulate({ config: SERVICE_ENTRY, duration, proxy: { namespace: 'shop' }, traffic: source }).client.total;

  it('bursts: 14 a second (0.2 s × 50 + 0.8 s × 5), 72.5 by 5.05 s, so 72', () => {
    const source = traffic.bursts({
      ...API,
      rps: 5,
      every: '1s',
      length: '200ms',
      burstRps: 50,
      arrivals: 'constant',
    });
    expect(total(source, '5050ms')).toBe(72);
  });

  it('ramp: 10 → 30 rps over 2 s is 40, then 30 rps for 1.05 s is 31.5: 71', () => {
    const source = traffic.ramp({ ...API, from: 10, to: 30, over: '2s', arrivals: 'constant' });
    expect(total(source, '3050ms')).toBe(71);
  });

  it('diurnal: 20 rps ± 50 % over 4 s from the peak: Λ(3 s) = 60 + (40/2π) sin(3π/2) = 53.6, so 53', () => {
    const source = traffic.diurnal({ ...API, rps: 20, amplitude: 0.5, period: '4s', arrivals: 'constant' });
    expect(total(source, '3s')).toBe(53);
  });
});
