import { ConfigError, simulate } from '@meshsim/core';
import { at, dns, endpoint, fromYaml, scenario, toSimulationSpec, toYaml, traffic } from '@meshsim/scenarios';
import { describe, expect, it } from 'vitest';

/** The Scenario document of DESIGN.md, written with the builders. */
const DESIGN_EXAMPLE = scenario({
  name: 'payments-one-bad-endpoint',
  seed: 42,
  duration: '10m',
  proxy: { namespace: 'production', locality: 'us-east-1/us-east-1a', istioVersion: '1.24' },
  dns: {
    'api.third-party.io': dns.record({ ttl: '30s', answers: ['198.51.100.1', '198.51.100.2'], rotate: true }),
  },
  endpoints: {
    '198.51.100.1': endpoint
      .healthy({ latency: { median: '40ms', p99: '200ms' } })
      .with(endpoint.failing({ status: 503, rate: 0.3 })),
    '*': endpoint.rateLimited({ rps: 50 }),
  },
  traffic: [
    traffic.poisson({ host: 'api.third-party.io', port: 443, path: '/v1/charges', rps: 200 }),
    traffic.closedLoop({ host: 'db.global-service.com', port: 5432, clients: 10, thinkTime: '100ms' }),
  ],
  timeline: [
    at('2m').endpoint('198.51.100.1').becomes(endpoint.refusing()).labelled('outage'),
    at('5m').dns('api.third-party.io').answers(['198.51.100.4']),
    at('7m').traffic(0).rps(400),
  ],
});

const DESIGN_EXAMPLE_YAML = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata:
  name: payments-one-bad-endpoint
spec:
  seed: 42
  duration: 10m
  proxy:
    namespace: production
    locality: us-east-1/us-east-1a
    istioVersion: "1.24"
  dns:
    api.third-party.io:
      ttl: 30s
      answers:
        - 198.51.100.1
        - 198.51.100.2
      rotate: true
  endpoints:
    198.51.100.1:
      latency:
        median: 40ms
        p99: 200ms
      errors:
        - status: 503
          rate: 0.3
    "*":
      rateLimit:
        rps: 50
  traffic:
    - host: api.third-party.io
      port: 443
      path: /v1/charges
      rps: 200
    - host: db.global-service.com
      port: 5432
      clients: 10
      thinkTime: 100ms
  timeline:
    - at: 2m
      phase: outage
      endpoint: 198.51.100.1
      becomes:
        connect: refuse
    - at: 5m
      dns: api.third-party.io
      set:
        answers:
          - 198.51.100.4
    - at: 7m
      traffic: 0
      set:
        rps: 400
`;

describe('scenario()', () => {
  it('is the kind: Scenario envelope around the fields given, and only those', () => {
    expect(scenario()).toStrictEqual({ apiVersion: 'meshsim.dev/v1alpha1', kind: 'Scenario', spec: {} });
    expect(
      scenario({ name: 'x', seed: 3, traffic: traffic.poisson({ host: 'a.io', rps: 1 }) }),
    ).toStrictEqual({
      apiVersion: 'meshsim.dev/v1alpha1',
      kind: 'Scenario',
      metadata: { name: 'x' },
      spec: { seed: 3, traffic: [{ host: 'a.io', rps: 1 }] },
    });
  });

  it('toSimulationSpec gives simulate() the same fields as the YAML document', () => {
    const config = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.1 }, { address: 192.0.2.2 }]
`;
    const doc = scenario({
      name: 'two',
      seed: 5,
      duration: '10s',
      endpoints: { '192.0.2.2': endpoint.failing({ status: 503, rate: 0.5 }) },
      traffic: traffic.poisson({ host: 'api.example.com', rps: 50 }),
    });
    const fromTs = simulate(toSimulationSpec(doc, config));
    const fromText = simulate({ config: `${config}---\n${toYaml(doc)}` });
    expect(JSON.stringify(fromTs)).toBe(JSON.stringify(fromText));
    expect(fromTs.scenario).toBe('two');
    expect(fromTs.client.byStatus['503']).toBeGreaterThan(0);
  });
});

describe('toYaml / fromYaml', () => {
  it("prints DESIGN.md's Scenario as the YAML a user would write", () => {
    expect(toYaml(DESIGN_EXAMPLE)).toBe(DESIGN_EXAMPLE_YAML);
  });

  it('reads it back as the same document', () => {
    expect(fromYaml(DESIGN_EXAMPLE_YAML)).toStrictEqual(DESIGN_EXAMPLE);
  });

  it('joins several documents into one stream and writes shared objects out each time', () => {
    const latency = { constant: '5ms' };
    const doc = scenario({
      endpoints: { '10.0.0.1': endpoint.healthy({ latency }), '10.0.0.2': endpoint.healthy({ latency }) },
    });
    const text = toYaml({ kind: 'Other', apiVersion: 'v1' }, doc);
    expect(text).not.toContain('&');
    expect(text.split('\n---\n')).toHaveLength(2);
    expect(fromYaml(text)).toStrictEqual(doc);
  });

  it('finds the Scenario among Istio resources', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: a, namespace: default }
spec: { hosts: [a.io], resolution: DNS }
---
${toYaml(scenario({ seed: 9 }))}`;
    expect(fromYaml(text)).toStrictEqual({
      apiVersion: 'meshsim.dev/v1alpha1',
      kind: 'Scenario',
      spec: { seed: 9 },
    });
  });

  it('throws ConfigError with the diagnostics when the stream is invalid or has no Scenario', () => {
    const bad = toYaml(scenario({ endpoints: { '*': { connect: 'timeout' as 'ok' } } }));
    expect(() => fromYaml(bad, 'bad.yaml')).toThrow(ConfigError);
    expect(() => fromYaml(bad, 'bad.yaml')).toThrow(
      /bad\.yaml:\d+:\d+ error spec\.endpoints\["\*"\]\.connect: must be one of/,
    );
    expect(() => fromYaml('apiVersion: v1\nkind: ConfigMap\n')).toThrow(/no kind: Scenario document/);
  });
});
