import { planSimulation, runPlan, simulate, whyNotes } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

/**
 * One client, one worker, one host whose server closes keep-alive connections idle 5 s; round trip
 * 200 ms, 5 ms of server time. The sidecar hears the server's FIN exactly 5 s after the connection
 * went idle (the server's clock started with its last byte, which arrived then), so a request sent
 * within one round trip before that, idle gap in [4.8 s, 5 s), reaches a closed server: 503 UC.
 */
const closedLoop = (thinkTime: string, policy = '') =>
  simulate({
    config: hostsYaml(1, policy),
    seed: 81,
    duration: '60s',
    proxy: { workers: 1 },
    network: { rtt: '200ms' },
    traffic: { host: 'api.example.com', clients: 1, thinkTime },
    endpoints: { '*': { latency: { constant: '5ms' }, idleTimeout: '5s' } },
  });

describe('servers that close idle keep-alive connections (the keep-alive race)', () => {
  it('a request sent in the last round trip before the FIN arrives fails 503 UC; the next connects afresh', () => {
    const r = closedLoop('4900ms');
    const stats = r.clusters[CLUSTER]!.stats;
    // A cold request: connect 200 + round trip 200 + 5 = 405 ms; it leaves the connection idle at its
    // answer, so the next, 4.9 s later, is in [4.8, 5) s: caught, answered 503 UC when the FIN lands
    // 100 ms later. The one after finds no connection and is cold again. Pairs of 405 + 4900 + 100 +
    // 4900 = 10,305 ms: sends at 0, 5305, 10305, 15610, … 51525, 56830; the next would be 61,830 > 60 s.
    expect(r.client.byStatus).toEqual({ '200': 6, '503': 6 });
    expect(r.client.byFlag).toEqual({ '-': 6, UC: 6 });
    expect(r.client.latencyMs.max).toBe(405);
    expect(r.client.latencyMs.p50).toBe(100);
    expect(stats.upstream_cx_total).toBe(6);
    expect(stats.upstream_rq_rx_reset).toBe(6);
    expect(stats.upstream_cx_destroy_remote).toBe(6);
    expect(stats.upstream_cx_destroy_remote_with_active_rq).toBe(6);
    // Istio's default retryOn has no reset token: a connection termination is not retried.
    expect(stats.upstream_rq_retry).toBe(0);
  });

  it('the window is exactly one round trip: a 4799 ms gap is served warm, a 4800 ms gap is caught', () => {
    // Warm: 200 + 5 ms each after the first (405); 60 s hold 1 + ⌊(60000 − 405) / (4799 + 205)⌋ … all 200.
    const warm = closedLoop('4799ms');
    expect(warm.client.byFlag).toEqual({ '-': warm.client.total });
    expect(warm.clusters[CLUSTER]!.stats.upstream_cx_total).toBe(1);
    // 4800 ms: sends at 0, 5205 (caught at 5405), 10205 (cold), … alternating as above.
    const caught = closedLoop('4800ms');
    expect(caught.client.byFlag.UC).toBe(caught.client.total / 2);
  });

  it('retryOn: reset retries the caught request on a fresh connection: the client sees 200', () => {
    const r = simulate({
      config: `${hostsYaml(1)}${virtualServiceYaml('- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 2, retryOn: reset }')}`,
      seed: 81,
      duration: '60s',
      proxy: { workers: 1 },
      network: { rtt: '200ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '4900ms' },
      endpoints: { '*': { latency: { constant: '5ms' }, idleTimeout: '5s' } },
    });
    const n = r.client.total;
    const stats = r.clusters[CLUSTER]!.stats;
    // The first request is cold (405 ms). Every later one is sent 4.9 s after an answer, on the
    // connection that answer left idle: caught (FIN 100 ms later), retried after a back-off under
    // 25 ms on a fresh connection (405 ms): 505 to 530 ms, and answered 200.
    expect(r.client.byFlag).toEqual({ '-': n });
    expect(stats.upstream_rq_rx_reset).toBe(n - 1);
    expect(stats.upstream_rq_retry).toBe(n - 1);
    expect(stats.upstream_cx_total).toBe(n);
    expect(r.client.latencyMs.p50).toBeGreaterThanOrEqual(505);
    expect(r.client.latencyMs.max).toBeLessThan(530);
  });

  it('a sidecar idleTimeout below the server one closes first: no 503 at all, each request connects', () => {
    const r = closedLoop('4900ms', 'connectionPool: { http: { idleTimeout: 4s } }');
    const stats = r.clusters[CLUSTER]!.stats;
    // The sidecar closes each connection 4 s after its answer, before the 4.8 s window opens: every
    // request is cold (405 ms), sent every 405 + 4900 = 5305 ms: 12 in 60 s (11 × 5305 = 58,355).
    expect(r.client.byFlag).toEqual({ '-': 12 });
    expect(r.client.latencyMs.mean).toBe(405);
    expect(stats.upstream_cx_total).toBe(12);
    // The last connection's 4 s would end after the run: 11 idle timeouts, no server close.
    expect(stats.upstream_cx_idle_timeout).toBe(11);
    expect(stats.upstream_cx_destroy_remote).toBe(0);
  });
});

describe('the keep-alive race under low-rate Poisson traffic', () => {
  const LAMBDA = 0.2; // requests a second
  const T = 5; // server idleTimeout, s
  const RTT = 0.2; // s
  const poisson = (policy: string) =>
    simulate({
      config: hostsYaml(1, policy),
      seed: 82,
      duration: '20h',
      proxy: { workers: 1 },
      network: { rtt: '200ms' },
      traffic: { host: 'api.example.com', rps: LAMBDA },
      endpoints: { '*': { latency: { constant: '5ms' }, idleTimeout: '5s' } },
    });

  it('the share of idle periods that end in 503 UC is P(T − rtt ≤ gap < T) for exponential gaps', () => {
    // One connection (maxConnections 1): each time it goes idle with nothing pending, the next arrival
    // comes after an exponential gap G (Poisson arrivals are memoryless). G < 4.8 s: served warm;
    // 4.8 ≤ G < 5: caught (503 UC); G ≥ 5: the FIN closed it first and the request connects afresh.
    // p = e^{−λ(T − rtt)} − e^{−λT} = e^{−0.96} − e^{−1} = 0.3828929 − 0.3678794 = 0.0150134.
    const p = Math.exp(-LAMBDA * (T - RTT)) - Math.exp(-LAMBDA * T);
    expect(p).toBeCloseTo(0.0150134, 6);
    const r = poisson('connectionPool: { tcp: { maxConnections: 1 } }');
    const s = r.clusters[CLUSTER]!.stats;
    // Idle periods: requests that found the connection ready (not pending), plus idle FIN closes.
    const idlePeriods =
      s.upstream_rq_total! -
      s.upstream_rq_pending_total! +
      (s.upstream_cx_destroy_remote! - s.upstream_cx_destroy_remote_with_active_rq!);
    const caught = r.client.byFlag.UC ?? 0;
    expect(caught).toBe(s.upstream_cx_destroy_remote_with_active_rq);
    // Binomial(n, p), 4 standard deviations (n ≈ 13,600 over 20 h: mean ≈ 204, sd ≈ 14).
    const mean = idlePeriods * p;
    const sd = Math.sqrt(idlePeriods * p * (1 - p));
    expect(idlePeriods).toBeGreaterThan(12_000);
    expect(Math.abs(caught - mean)).toBeLessThanOrEqual(4 * sd);
  });

  it('with the sidecar idleTimeout at 4 s (below 5 s − rtt) the same traffic sees no 503', () => {
    const r = poisson('connectionPool: { tcp: { maxConnections: 1 }, http: { idleTimeout: 4s } }');
    expect(r.client.byFlag.UC).toBeUndefined();
    expect(r.client.errorRate).toBe(0);
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_idle_timeout).toBeGreaterThan(0);
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_destroy_remote).toBe(0);
  });
});

describe('the report says why', () => {
  it('names the idle-closing endpoint and the sidecar setting that avoids the race', () => {
    const config = `${hostsYaml(1)}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: idle-race }
spec:
  duration: 60s
  proxy: { workers: 1 }
  network: { rtt: 200ms }
  endpoints:
    "*": { latency: { constant: 5ms }, idleTimeout: 5s }
  traffic:
    - { host: api.example.com, port: 80, clients: 1, thinkTime: 4900ms }
`;
    const { plan, loaded } = planSimulation({ config });
    const report = runPlan(plan!);
    expect(report.client.byFlag.UC).toBe(6);
    const note = whyNotes(report, { plan: plan!, loaded }).find((n) => n.text.startsWith('10.0.0.1:80'));
    expect(note?.text).toContain('closes connections idle 5s');
    expect(note?.text).toContain('connectionPool.http.idleTimeout');
    expect(note?.at).toMatch(/:\d+ spec\.endpoints\["\*"\]$/);
  });
});
