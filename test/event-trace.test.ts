// The optional event trace, checked against real runs: the trace invariants hold on each scenario
// they are about, the trace agrees with the report's counters, and each invariant catches a broken
// copy of a real trace.
import { type SimulationSpec, simulate, type TraceEvent } from '@meshsim/core';
import {
  attemptsWithinRetries,
  connectionsWithinBreaker,
  everyRequestEndsOnce,
  noRequestToEjectedHost,
  type Violation,
} from '@meshsim/scenarios/invariants';
import { describe, expect, it } from 'vitest';
import { dnsRemovalSpec } from './fixtures/dns-removal.js';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';
import { twoPrioritiesSpec } from './fixtures/two-priorities-panic.js';

const Z_999 = 3.2905267314919255;

function traced(spec: SimulationSpec) {
  const trace: TraceEvent[] = [];
  const report = simulate(spec, { trace: (event) => trace.push(event) });
  return { report, trace };
}

const ofType = <T extends TraceEvent['type']>(trace: readonly TraceEvent[], type: T) =>
  trace.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

const names = (violations: Violation[]) => [...new Set(violations.map((v) => v.invariant))];

/** Istio 1.23's default retries (2, on 503) over three hosts answering 503 to 30 % of requests. */
const flakySpec: SimulationSpec = {
  config: hostsYaml(3),
  seed: 7,
  duration: '20s',
  proxy: { istioVersion: '1.23' },
  traffic: { host: 'api.example.com', rps: 100 },
  endpoints: { '*': { latency: { constant: '5ms' }, errors: [{ status: 503, rate: 0.3 }] } },
};

/** For the whole run: ejected hosts stay out (baseEjectionTime 1h). */
const twoPriorities = () => twoPrioritiesSpec('1h', '30s');
const DB = 'outbound|80||db.example.com';

/**
 * maxConnections 2 over three hosts and two workers (six pools), a connection per request
 * (maxRequestsPerConnection 1) and 12 closed-loop clients: the cluster keeps hitting its limit while
 * pools with no connection open one anyway.
 */
const breakerSpec: SimulationSpec = {
  config: hostsYaml(
    3,
    'connectionPool: { tcp: { maxConnections: 2 }, http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 1 } }',
  ),
  seed: 11,
  duration: '10s',
  proxy: { workers: 2 },
  traffic: { host: 'api.example.com', clients: 12, thinkTime: '1ms' },
  endpoints: { '*': { latency: { constant: '10ms' } } },
};

describe('simulate(spec, { trace }): the event trace of a run', () => {
  it('changes nothing in the report', () => {
    for (const spec of [flakySpec, twoPriorities(), breakerSpec]) {
      expect(JSON.stringify(traced(spec).report)).toBe(JSON.stringify(simulate(spec)));
    }
  });

  it('numbers requests and connections once per run, though the engine recycles their slots', () => {
    const { report, trace } = traced(breakerSpec);
    const requests = ofType(trace, 'request').map((e) => e.request);
    // 1, 2, 3, … in arrival order: far more requests than slots (12 clients in flight at most).
    expect(requests).toEqual(requests.map((_, i) => i + 1));
    expect(requests.length).toBe(report.client.total + report.unfinished);
    const opened = ofType(trace, 'cx-open').map((e) => e.connection);
    expect(opened).toEqual(opened.map((_, i) => i + 1));
    const stats = report.clusters[CLUSTER]!.stats;
    expect(opened.length).toBe(stats.upstream_cx_total);
    expect(ofType(trace, 'cx-close').length).toBe(stats.upstream_cx_destroy);
  });
});

describe('the trace invariants hold on real runs', () => {
  it('retries with failing hosts: each request ends once, after at most 1 + 2 attempts', () => {
    const { report, trace } = traced(flakySpec);
    expect(everyRequestEndsOnce({ unfinished: report.unfinished })(trace)).toEqual([]);
    expect(attemptsWithinRetries({ retries: 2 })(trace)).toEqual([]);
    expect(noRequestToEjectedHost()(trace)).toEqual([]);
    // The trace agrees with the counters: every attempt got a stream (no breaker, no connect failure).
    const stats = report.clusters[CLUSTER]!.stats;
    const attempts = ofType(trace, 'attempt');
    expect(attempts.length).toBe(stats.upstream_rq_total);
    for (const host of report.clusters[CLUSTER]!.hosts) {
      expect(attempts.filter((a) => a.host === host.address).length).toBe(host.rqTotal);
    }
    expect(ofType(trace, 'response').length).toBe(report.client.total);
    // Not vacuous: a request makes its third attempt when its first two meet 503s, with probability
    // p² = 0.09 (independent answers); the count is binomial over the n requests.
    const perRequest = new Map<number, number>();
    for (const a of attempts) perRequest.set(a.request, (perRequest.get(a.request) ?? 0) + 1);
    const n = report.client.total;
    const thrice = [...perRequest.values()].filter((k) => k === 3).length;
    expect(Math.abs(thrice - 0.09 * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.09 * 0.91));
    expect(stats.upstream_rq_retry).toBe(attempts.length - perRequest.size);
  });

  it('outlier ejections with panic in one priority: ejected hosts get attempts only in panic', () => {
    const { report, trace } = traced(twoPriorities());
    expect(everyRequestEndsOnce({ unfinished: report.unfinished })(trace)).toEqual([]);
    expect(noRequestToEjectedHost()(trace)).toEqual([]);
    const ejects = ofType(trace, 'eject');
    expect(ejects.map((e) => e.host).sort()).toEqual(
      [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `10.1.0.${i}:80`),
        ...[1, 2, 3, 4, 5].map((i) => `10.2.0.${i}:80`),
      ].sort(),
    );
    expect(ofType(trace, 'uneject')).toEqual([]);
    // Once all 14 are out (P0 14 %, P1 70 % available): every P0 pick is in panic, over all ten
    // P0 hosts; no P1 pick is, and P1 picks only its five healthy hosts.
    const settled = ejects.at(-1)!.tMs;
    const after = ofType(trace, 'attempt').filter((a) => a.tMs > settled);
    const p0 = after.filter((a) => a.host.startsWith('10.1.'));
    const p1 = after.filter((a) => a.host.startsWith('10.2.'));
    expect(p0.every((a) => a.panic === true)).toBe(true);
    expect(p1.every((a) => a.panic === false)).toBe(true);
    expect(new Set(p1.map((a) => a.host))).toEqual(new Set([6, 7, 8, 9, 10].map((i) => `10.2.0.${i}:80`)));
    // P0 takes 14/84 of the load and spreads it over its ten hosts, nine of them ejected: 9/10 of its
    // attempts reach an ejected host (binomial bound on the count).
    const n = p0.length;
    const toEjected = p0.filter((a) => a.host !== '10.1.0.10:80').length;
    expect(n).toBeGreaterThan(100);
    expect(Math.abs(toEjected - 0.9 * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.09));
    expect(report.clusters[DB]!.stats['outlier_detection.ejections_active']).toBe(14);
  });

  it('ORIGINAL_DST: attempts go to the dialed address, ejected or not, and say so', () => {
    // resolution NONE: the application resolves and dials; A always answers 503 and is ejected
    // after two (cap 100 %), yet every request dialed to A still goes there (no balancing).
    const [A, B] = ['10.20.0.5', '10.20.0.6'];
    const { report, trace } = traced({
      config: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: default }
spec:
  hosts: [db.internal.corp]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: db, namespace: default }
spec:
  host: db.internal.corp
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100 }
`,
      seed: 8,
      duration: '5s',
      dns: { 'db.internal.corp': { ttl: '30s', answers: [A, B], rotate: true } },
      traffic: { host: 'db.internal.corp', rps: 50 },
      endpoints: {
        [A]: { latency: { constant: '2ms' }, errors: [{ status: 503, rate: 1 }] },
        '*': { latency: { constant: '2ms' } },
      },
    });
    expect(everyRequestEndsOnce({ unfinished: report.unfinished })(trace)).toEqual([]);
    expect(noRequestToEjectedHost()(trace)).toEqual([]);
    const ejectedAt = ofType(trace, 'eject').find((e) => e.host === `${A}:80`)!.tMs;
    const attempts = ofType(trace, 'attempt');
    expect(attempts.every((a) => a.originalDst === true && a.panic === false)).toBe(true);
    const afterToA = attempts.filter((a) => a.host === `${A}:80` && a.tMs > ejectedAt);
    expect(afterToA.length).toBeGreaterThan(0);
    // Without the flag the same trace would look like the load balancer ignoring the ejection.
    const unflagged = trace.map((e) => (e.type === 'attempt' ? { ...e, originalDst: false } : e));
    expect(noRequestToEjectedHost()(unflagged)).toHaveLength(afterToA.length);
  });

  it('a DNS refresh that removes an ejected host ends its ejection in the trace too', () => {
    // As in outlier-dns-removal.test.ts: .2 always fails, is ejected for 300 s, leaves with the refresh
    // after 10 s and comes back after 20 s as a fresh host, which gets requests until its third 500.
    const { report, trace } = traced(dnsRemovalSpec);
    const ejections = report.clusters['outbound|80||api.third-party.io']!.ejections;
    const changes = trace.filter((e) => e.type === 'eject' || e.type === 'uneject');
    expect(changes.map((e) => [e.type, e.tMs])).toEqual([
      ['eject', ejections[0]!.atMs],
      ['uneject', ejections[0]!.untilMs],
      ['eject', ejections[1]!.atMs],
    ]);
    expect(noRequestToEjectedHost()(trace)).toEqual([]);
    // The returned host's three failing attempts fall between the uneject and the new ejection.
    const back = ofType(trace, 'attempt').filter(
      (a) => a.host === '198.51.100.2:80' && a.tMs > ejections[0]!.untilMs! && a.tMs <= ejections[1]!.atMs,
    );
    expect(back).toHaveLength(3);
  });

  it('circuit breaking: connections stay within maxConnections but for a pool opening its first', () => {
    const { report, trace } = traced(breakerSpec);
    expect(everyRequestEndsOnce({ unfinished: report.unfinished })(trace)).toEqual([]);
    expect(connectionsWithinBreaker({ maxConnections: 2 })(trace)).toEqual([]);
    // Not vacuous: the exception is used. Peak open connections go over 2, and never over 2 plus one
    // per pool (six pools: three hosts × two workers), the most the exception allows.
    let open = 0;
    let peak = 0;
    for (const e of trace) {
      if (e.type === 'cx-open') peak = Math.max(peak, ++open);
      else if (e.type === 'cx-close') open--;
    }
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThanOrEqual(2 + 6);
    expect(report.clusters[CLUSTER]!.stats.upstream_cx_overflow).toBeGreaterThan(0);
    expect(connectionsWithinBreaker({ maxConnections: 1 })(trace).length).toBeGreaterThan(0);
  });
});

describe('each trace invariant fails on a broken copy of a real trace', () => {
  it('everyRequestEndsOnce: a dropped, a doubled or an early response', () => {
    const { report, trace } = traced(flakySpec);
    const check = everyRequestEndsOnce({ unfinished: report.unfinished });
    const first = trace.findIndex((e) => e.type === 'response');
    const response = trace[first] as Extract<TraceEvent, { type: 'response' }>;
    const dropped = trace.filter((_, i) => i !== first);
    expect(check(dropped).map((v) => v.message)).toEqual([
      `1 request(s) never ended (${response.request}); the run reports 0 unfinished`,
    ]);
    const doubled = [...trace.slice(0, first + 1), response, ...trace.slice(first + 1)];
    expect(check(doubled).map((v) => v.message)).toEqual([`request ${response.request} ended twice`]);
    // The response moved before its request: an end without a start, then a start never ended.
    const start = trace.findIndex((e) => e.type === 'request' && e.request === response.request);
    const early = [...trace.slice(0, start), response, ...trace.filter((_, i) => i >= start && i !== first)];
    expect(names(check(early))).toEqual(['everyRequestEndsOnce']);
    expect(check(early).some((v) => v.message === `request ${response.request} ended without starting`)).toBe(
      true,
    );
  });

  it('attemptsWithinRetries: one attempt too many, or a stricter policy', () => {
    const { trace } = traced(flakySpec);
    const counts = new Map<number, number>();
    for (const a of ofType(trace, 'attempt')) counts.set(a.request, (counts.get(a.request) ?? 0) + 1);
    const [request] = [...counts].find(([, k]) => k === 3)!;
    const last = trace.findLastIndex((e) => e.type === 'attempt' && e.request === request);
    const extra = [...trace.slice(0, last + 1), trace[last]!, ...trace.slice(last + 1)];
    const violations = attemptsWithinRetries({ retries: 2 })(extra);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.request).toBe(request);
    expect(violations[0]!.message).toMatch(/made attempt 4 at .* ms; 1 \+ retries allows 3$/);
    // One retry allowed: every request that made a third attempt is flagged once.
    const thrice = [...counts.values()].filter((k) => k === 3).length;
    expect(attemptsWithinRetries({ retries: 1 })(trace)).toHaveLength(thrice);
  });

  it('noRequestToEjectedHost: the same picks without their panic flag', () => {
    const { trace } = traced(twoPriorities());
    const ejected = new Set<string>();
    let inPanicToEjected = 0;
    for (const e of trace) {
      if (e.type === 'eject') ejected.add(e.host);
      else if (e.type === 'attempt' && e.panic === true && ejected.has(e.host)) inPanicToEjected++;
    }
    expect(inPanicToEjected).toBeGreaterThan(0);
    const calm = trace.map((e) => (e.type === 'attempt' ? { ...e, panic: false } : e));
    const violations = noRequestToEjectedHost()(calm);
    expect(violations).toHaveLength(inPanicToEjected);
    expect(names(violations)).toEqual(['noRequestToEjectedHost']);
  });

  it('connectionsWithinBreaker: a close lost, or a connection closed twice', () => {
    const { trace } = traced(breakerSpec);
    const check = connectionsWithinBreaker({ maxConnections: 2 });
    // Without their closes, connections pile up: each pool's second open at the limit is flagged.
    const noCloses = trace.filter((e) => e.type !== 'cx-close');
    expect(check(noCloses).length).toBeGreaterThan(0);
    expect(names(check(noCloses))).toEqual(['connectionsWithinBreaker']);
    const close = trace.findIndex((e) => e.type === 'cx-close');
    const twice = [...trace.slice(0, close + 1), trace[close]!, ...trace.slice(close + 1)];
    const connection = (trace[close] as Extract<TraceEvent, { type: 'cx-close' }>).connection;
    expect(check(twice).map((v) => v.message)[0]).toMatch(
      new RegExp(`^connection ${connection} closed at .* ms but was not open$`),
    );
  });
});
