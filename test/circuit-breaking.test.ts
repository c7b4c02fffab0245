import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

/** Istio's circuit-breaking task: maxConnections 1, http1MaxPendingRequests 1, n closed-loop clients. */
function overflowShare(clients: number, workers = 1): { share: number; report: ReturnType<typeof simulate> } {
  const report = simulate({
    config: hostsYaml(
      1,
      'connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } }',
    ),
    seed: 61,
    duration: '30s',
    proxy: { workers },
    traffic: { host: 'api.example.com', clients, thinkTime: '1ms' },
    endpoints: { '*': { latency: { constant: '10ms' } } },
  });
  return { share: (report.client.byFlag.UO ?? 0) / report.client.total, report };
}

describe("circuit breaking as in Istio's task (B.2, B.3)", () => {
  it('one client never overflows; two overflow once, at the cold start; three and more overflow more and more', () => {
    const one = overflowShare(1).share;
    const two = overflowShare(2);
    const three = overflowShare(3).share;
    const twenty = overflowShare(20).share;
    expect(one).toBe(0);
    // Both clients send at t = 0: the first waits for the pool's first connection in the one pending
    // slot, so the second overflows (B.3, cold). After that one active + one pending always fit.
    expect(two.report.client.byFlag.UO).toBe(1);
    expect(three).toBeGreaterThan(0);
    expect(three).toBeGreaterThan(two.share);
    expect(twenty).toBeGreaterThan(three);
    // With 20 clients at most 2 requests are admitted per 10 ms cycle; the others answer 503 UO at once.
    expect(twenty).toBeGreaterThan(0.8);
  });

  it('the overflowed requests are 503 UO, counted as pending overflow, and never reach the host', () => {
    const { report } = overflowShare(3);
    const stats = report.clusters[CLUSTER]!.stats;
    expect(report.client.byStatus['503']).toBe(report.client.byFlag.UO);
    expect(stats.upstream_rq_pending_overflow).toBe(report.client.byFlag.UO);
    expect(stats.upstream_rq_total).toBe(report.client.total - report.client.byFlag.UO!);
    expect(stats.upstream_rq_retry).toBe(0);
  });

  it('with two workers each pool may open its first connection over the limit of 1', () => {
    // The exception in tryCreateNewConnection: a pool with no connection always opens one.
    const stats = overflowShare(20, 2).report.clusters[CLUSTER]!.stats;
    expect(stats.upstream_cx_total).toBe(2);
    expect(stats.upstream_cx_overflow).toBeGreaterThan(0);
  });
});
