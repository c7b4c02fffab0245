import { endpointBehaviourSchema, type Report, simulate, trafficSourceSchema } from '@meshsim/core';
import { endpoint, traffic } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

describe('endpoint builders return the Scenario YAML shape', () => {
  it('healthy() with no options is an empty entry (every field defaulted)', () => {
    expect(endpoint.healthy()).toStrictEqual({});
  });

  it('healthy({ latency }) carries the latency as written', () => {
    expect(endpoint.healthy({ latency: { median: '40ms', p99: '200ms' } })).toStrictEqual({
      latency: { median: '40ms', p99: '200ms' },
    });
    expect(endpoint.healthy({ latency: { constant: '5ms' } })).toStrictEqual({
      latency: { constant: '5ms' },
    });
    expect(endpoint.healthy({ latency: { exponential: '10ms' } })).toStrictEqual({
      latency: { exponential: '10ms' },
    });
  });

  it('failing({ status, rate }) is one errors entry', () => {
    expect(endpoint.failing({ status: 503, rate: 0.3 })).toStrictEqual({
      errors: [{ status: 503, rate: 0.3 }],
    });
  });

  it('failing({ status, rate, latency }) has both', () => {
    expect(endpoint.failing({ status: 500, rate: 1, latency: { constant: '2ms' } })).toStrictEqual({
      latency: { constant: '2ms' },
      errors: [{ status: 500, rate: 1 }],
    });
  });

  it('each call returns a fresh object', () => {
    const a = endpoint.failing({ status: 503, rate: 0.1 });
    const b = endpoint.failing({ status: 503, rate: 0.1 });
    expect(a).not.toBe(b);
    expect(a.errors).not.toBe(b.errors);
  });

  it("are valid for the Scenario's endpoint schema, which fills the defaults", () => {
    const parsed = endpointBehaviourSchema.parse(endpoint.failing({ status: 503, rate: 0.3 }));
    expect(parsed.errors).toEqual([{ status: 503, rate: 0.3 }]);
    expect(parsed.connect).toBe('ok');
    expect(endpointBehaviourSchema.parse(endpoint.healthy())).toEqual({ errors: [], connect: 'ok' });
  });
});

describe('traffic.poisson', () => {
  it('returns the traffic entry as written, with only the fields given', () => {
    expect(traffic.poisson({ host: 'api.example.com', rps: 200 })).toStrictEqual({
      host: 'api.example.com',
      rps: 200,
    });
    expect(
      traffic.poisson({
        host: 'api.example.com',
        rps: 5,
        port: 443,
        path: '/v1/charges',
        method: 'POST',
        headers: { 'x-tenant': 'a' },
      }),
    ).toStrictEqual({
      host: 'api.example.com',
      rps: 5,
      port: 443,
      path: '/v1/charges',
      method: 'POST',
      headers: { 'x-tenant': 'a' },
    });
  });

  it("is a valid open-loop entry for the Scenario's traffic schema", () => {
    expect(trafficSourceSchema.parse(traffic.poisson({ host: 'api.example.com', rps: 200 }))).toEqual({
      host: 'api.example.com',
      path: '/',
      method: 'GET',
      headers: {},
      rps: 200,
    });
  });
});

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
