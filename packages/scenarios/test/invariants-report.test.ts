import type { ClusterReport } from '@meshsim/core';
import { simulate } from '@meshsim/core';
import { endpoint, scenario, toSimulationSpec, traffic } from '@meshsim/scenarios';
import {
  assertInvariants,
  clientCountsAgree,
  ejectionsWithinMaxEjectionPercent,
  holds,
  InvariantError,
  maxEjectedHosts,
  sameSeedSameReport,
  upstreamRequestsWithinRetries,
} from '@meshsim/scenarios/invariants';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER,
  cluster,
  ejection,
  messages,
  report,
  staticServiceEntry,
} from './fixtures/synthetic-report.js';

describe('maxEjectedHosts: the worked examples of ENVOY-SEMANTICS C.5', () => {
  it.each([
    [3, 50, 'current', 1],
    [3, 50, 'legacy', 2],
    [3, 10, 'current', 0],
    [3, 10, 'legacy', 1],
    [10, 10, 'current', 1],
    [10, 10, 'legacy', 1],
    [4, 100, 'current', 4],
    [4, 150, 'current', 4],
    [5, 0, 'legacy', 0],
  ] as const)('%i hosts, %i %% (%s rule): %i', (hosts, percent, rule, expected) => {
    expect(maxEjectedHosts(hosts, percent, rule)).toBe(expected);
  });
});

describe('ejectionsWithinMaxEjectionPercent', () => {
  const within = (c: ClusterReport, limits: Parameters<typeof ejectionsWithinMaxEjectionPercent>[0] = {}) =>
    ejectionsWithinMaxEjectionPercent(limits)(report({ clusters: { [CLUSTER]: c } }));

  it('holds for one host out at a time of ten at the default 10 %, an uneject at the same ms counting first', () => {
    const c = cluster(10, [ejection(1, 1000, 31_000), ejection(2, 31_000, null)], {
      'outlier_detection.ejections_active': 1,
    });
    expect(within(c)).toEqual([]);
  });

  it('fails when a second of ten is ejected while the first is out: 20 % > 10 %', () => {
    const violations = within(cluster(10, [ejection(1, 1000, 31_000), ejection(2, 2000, 32_000)]));
    expect(violations).toEqual([
      {
        invariant: 'ejectionsWithinMaxEjectionPercent',
        cluster: CLUSTER,
        host: '10.0.0.2:80',
        atMs: 2000,
        message:
          '10.0.0.2:80 ejected at 2000 ms with 1 of 10 hosts already ejected (20.0 % ejected) beyond maxEjectionPercent 10 (current rule)',
      },
    ]);
  });

  it('3 hosts at 50 %: a second overlapping ejection breaks the current rule, a third the legacy one', () => {
    const two = cluster(3, [ejection(1, 0, null), ejection(2, 10, null)]);
    expect(within(two, { maxEjectionPercent: 50 })).toHaveLength(1);
    expect(within(two, { maxEjectionPercent: 50, rule: 'legacy' })).toEqual([]);
    const three = cluster(3, [ejection(1, 0, null), ejection(2, 10, null), ejection(3, 20, null)]);
    expect(within(three, { maxEjectionPercent: 50, rule: 'legacy' }).map((v) => v.host)).toEqual([
      '10.0.0.3:80',
    ]);
  });

  it('3 hosts at the default 10 %: no ejection at all under the current rule, one under the legacy rule', () => {
    const one = cluster(3, [ejection(1, 0, 30_000)]);
    expect(within(one)).toHaveLength(1);
    expect(within(one, { rule: 'legacy' })).toEqual([]);
  });

  it('a host ejected while already ejected is flagged', () => {
    const c = cluster(4, [ejection(1, 0, 30_000), ejection(1, 5000, 35_000)]);
    expect(messages(within(c, { maxEjectionPercent: 100 }))).toEqual([
      '10.0.0.1:80 ejected at 5000 ms while already ejected',
    ]);
  });

  it('the ejections_active gauge may not exceed the hosts the limit allows', () => {
    const c = cluster(10, [], { 'outlier_detection.ejections_active': 2 });
    expect(messages(within(c))).toEqual([
      'ejections_active is 2 at the end, over the 1 of 10 hosts maxEjectionPercent 10 allows',
    ]);
    expect(within(c, { maxEjectionPercent: 20 })).toEqual([]);
  });

  it('takes the limit per cluster', () => {
    const r = report({
      clusters: {
        a: cluster(4, [ejection(1, 0, null), ejection(2, 0, null)]),
        b: cluster(4, [ejection(1, 0, null), ejection(2, 0, null)]),
      },
    });
    const limits = { maxEjectionPercent: (name: string) => (name === 'a' ? 50 : 25) };
    expect(ejectionsWithinMaxEjectionPercent(limits)(r).map((v) => v.cluster)).toEqual(['b']);
  });
});

describe('clientCountsAgree', () => {
  it('holds on a consistent report', () => {
    expect(clientCountsAgree()(report())).toEqual([]);
  });

  it('holds on the report of a real run', () => {
    const config = staticServiceEntry('10.0.0.1', '10.0.0.2');
    const doc = scenario({
      duration: '20s',
      endpoints: { '10.0.0.2': endpoint.failing({ status: 503, rate: 0.3 }) },
      traffic: traffic.poisson({ host: 'api.example.com', rps: 50 }),
    });
    const real = simulate(toSimulationSpec(doc, config));
    expect(real.client.byStatus['503']).toBeGreaterThan(0);
    expect(clientCountsAgree()(real)).toEqual([]);
  });

  it('holds on a tcp-proxied port, where a refused connect leaves a request unanswered (status 0)', () => {
    const config = staticServiceEntry('10.0.0.1', '10.0.0.2').replace('protocol: HTTP', 'protocol: TCP');
    const doc = scenario({
      duration: '20s',
      endpoints: { '10.0.0.2': endpoint.refusing() },
      traffic: traffic.poisson({ host: 'api.example.com', rps: 50, keepAlive: false }),
    });
    const real = simulate(toSimulationSpec(doc, config));
    expect(real.client.byStatus['0']).toBeGreaterThan(0);
    expect(clientCountsAgree()(real)).toEqual([]);
  });

  it('fails when a breakdown loses or double-counts a request', () => {
    const base = report();
    // 89 + 10 answers for 100 requests; the 10 × 503 still make the 0.1 error rate.
    const lost = { ...base.client, byStatus: { '200': 89, '503': 10 } };
    expect(messages(clientCountsAgree()(report({ client: lost })))).toEqual([
      'the sum of client.byStatus is 99, expected 100',
    ]);
    expect(
      messages(clientCountsAgree()(report({ client: { ...base.client, byFlag: { '-': 91, UH: 10 } } }))),
    ).toEqual(['the sum of client.byFlag is 101, expected 100']);
    const timeline = [{ tMs: 0, requests: 60, errors: 5, ejectedHosts: 0, p99Ms: 1 }];
    expect(messages(clientCountsAgree()(report({ timeline })))).toEqual([
      'the sum of timeline requests is 60, expected 100',
      'the sum of timeline errors is 5, expected 10',
    ]);
    expect(messages(clientCountsAgree()(report({ client: { ...base.client, errorRate: 0.2 } })))).toEqual([
      'client.errorRate is 0.2, expected 10/100',
    ]);
  });
});

describe('upstreamRequestsWithinRetries', () => {
  it('bounds the cluster stats by the client requests: 100 requests and 2 retries allow 300 upstream, 200 retried', () => {
    const withStats = (stats: Record<string, number>) =>
      report({ clusters: { [CLUSTER]: cluster(1, [], stats) } });
    const check = upstreamRequestsWithinRetries({ retries: 2 });
    expect(check(withStats({ upstream_rq_total: 300, upstream_rq_retry: 200 }))).toEqual([]);
    expect(messages(check(withStats({ upstream_rq_total: 301, upstream_rq_retry: 201 })))).toEqual([
      '301 upstream requests for 100 client requests: over 1 + 2 each',
      '201 retries for 100 client requests: over 2 each',
    ]);
    // Unfinished requests count as client requests too: 101 × 3 = 303.
    expect(check({ ...withStats({ upstream_rq_total: 303 }), unfinished: 1 })).toEqual([]);
  });
});

describe('sameSeedSameReport', () => {
  it('holds for simulate() and fails, naming the field, for a run that changes', () => {
    const config = staticServiceEntry('10.0.0.1');
    const spec = toSimulationSpec(
      scenario({ seed: 3, duration: '5s', traffic: traffic.poisson({ host: 'api.example.com', rps: 20 }) }),
      config,
    );
    expect(sameSeedSameReport({ runs: 3 })(() => simulate(spec))).toEqual([]);
    let calls = 0;
    const drifting = () =>
      report({ client: { ...report().client, byStatus: { '200': 90 + calls++, '503': 10 } } });
    expect(messages(sameSeedSameReport()(drifting))).toEqual([
      'run 2 differs from run 1 at report.client.byStatus["200"]',
    ]);
  });
});

describe('assertInvariants and holds', () => {
  it('throw or answer false with every violation, and pass silently otherwise', () => {
    const bad = report({ client: { ...report().client, errorRate: 0.5 }, timeline: [] });
    expect(holds(bad, clientCountsAgree())).toBe(false);
    expect(holds(report(), clientCountsAgree(), ejectionsWithinMaxEjectionPercent())).toBe(true);
    expect(() => assertInvariants(report(), clientCountsAgree())).not.toThrow();
    let thrown: unknown;
    try {
      assertInvariants(bad, clientCountsAgree());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvariantError);
    expect((thrown as InvariantError).violations).toHaveLength(3);
    expect((thrown as InvariantError).message).toBe(
      '3 invariant violation(s):\n' +
        '  clientCountsAgree: the sum of timeline requests is 0, expected 100\n' +
        '  clientCountsAgree: the sum of timeline errors is 0, expected 10\n' +
        '  clientCountsAgree: client.errorRate is 0.5, expected 10/100',
    );
  });
});
