import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

/**
 * One host, one worker, rtt 1 ms, server time 5 ms: a stream attached at t answers at t + 1 + 5. `clients`
 * closed-loop clients all send at t = 0 and think longer than the run, so each sends exactly once.
 */
function run(trafficPolicy: string, clients = 10) {
  return simulate({
    config: hostsYaml(1, trafficPolicy),
    seed: 7,
    duration: '1s',
    proxy: { workers: 1 },
    network: { rtt: '1ms' },
    traffic: { host: 'api.example.com', clients, thinkTime: '10s' },
    endpoints: { '*': { latency: { constant: '5ms' } } },
    // 20 ms is the finest bucket a 1 s run (plus the drain allowance) gets.
    report: { timelineBucket: '20ms' },
  });
}

/** The median and the slowest client latency. */
function latencies(report: ReturnType<typeof simulate>): { p50: number; max: number } {
  return { p50: report.client.latencyMs.p50, max: report.client.latencyMs.max };
}

describe('HTTP/2 upstream pools (h2UpgradePolicy UPGRADE)', () => {
  it('cold, unlimited pending: one connection carries all 10 streams, answered together', () => {
    // t = 0: request 1 pends and opens a connection whose capacity (2^31 − 1 streams) covers the other 9,
    // so no second connection. t = 1: connected, all 10 attach; each answers at 1 + 1 + 5 = 7 ms.
    const report = run('connectionPool: { http: { h2UpgradePolicy: UPGRADE } }');
    const stats = report.clusters[CLUSTER]!.stats;
    expect(report.client.byStatus).toEqual({ '200': 10 });
    expect(stats.upstream_cx_total).toBe(1);
    expect(stats.upstream_cx_http2_total).toBe(1);
    expect(stats.upstream_cx_http1_total).toBe(0);
    expect(stats.upstream_rq_pending_total).toBe(10);
    expect(stats.upstream_rq_pending_overflow).toBe(0);
    expect(latencies(report)).toEqual({ p50: 7, max: 7 });
  });

  it('the same without UPGRADE is HTTP/1.1: 10 connections, one stream each', () => {
    // Each pending request beyond the connecting capacity (1 per connection) opens one more, 3 per call
    // at most but one request arrives per call, so 10 connections, all answered at 7 ms.
    const report = run('connectionPool: { http: { h2UpgradePolicy: DO_NOT_UPGRADE } }');
    const stats = report.clusters[CLUSTER]!.stats;
    expect(stats.upstream_cx_total).toBe(10);
    expect(stats.upstream_cx_http1_total).toBe(10);
    expect(stats.upstream_cx_http2_total).toBe(0);
    expect(latencies(report)).toEqual({ p50: 7, max: 7 });
  });

  it('maxConcurrentStreams 4, maxConnections 1: streams wait in the pending queue until one frees', () => {
    // t = 0: request 1 opens the connection (connecting capacity 4); requests 2-4 fit in that capacity;
    // requests 5-10 each find pending > 4 and the connection breaker full: upstream_cx_overflow 6, and
    // they stay pending (not failed). t = 1: 4 streams attach (answer at 7); 6 still pending, so
    // onUpstreamReady tries again: overflow 7. t = 7: each of the 4 closing streams frees a slot for the
    // next pending one (answers at 13), and tries again while some still wait: 4 more (11). t = 13:
    // requests 9 and 10 take the first two freed slots (answers at 19); only the first leaves one
    // pending: 12. Latencies: 4 × 7, 4 × 13, 2 × 19 ms.
    const report = run(
      'connectionPool: { tcp: { maxConnections: 1 }, http: { h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 4 } }',
    );
    const cluster = report.clusters[CLUSTER]!;
    expect(report.client.byStatus).toEqual({ '200': 10 });
    expect(cluster.stats.upstream_cx_total).toBe(1);
    expect(cluster.stats.upstream_cx_overflow).toBe(12);
    expect(cluster.stats.upstream_rq_pending_total).toBe(10);
    expect(cluster.stats.upstream_rq_pending_overflow).toBe(0);
    // Mean (4 × 7 + 4 × 13 + 2 × 19) / 10 = 11.8 ms.
    expect(report.client.latencyMs.mean).toBe(11.8);
    expect(report.client.latencyMs.max).toBe(19);
    // cx_open: the one connection is at maxConnections from t = 0 to the end of the 1 s run.
    expect(cluster.circuitBreakers).toEqual({ cx_open: { openMs: 1000, openings: 1, openAtEnd: true } });
  });

  it('http2MaxRequests 5: 5 streams go, the other 5 overflow 503 UO when they reach the connection', () => {
    // t = 0: 10 pending behind one connecting connection. t = 1: onUpstreamReady attaches 5; the 6th
    // finds max_requests full and fails with UO (counted as pending overflow), and so do 7-10. Overflow is
    // never retried. The 5 answer at 7 ms. rq_open is 1 from t = 1 (5 active) until the first of them
    // closes at t = 7: 6 ms, one opening; in the first 20 ms bucket that is 0.3 of the time.
    const report = run('connectionPool: { http: { h2UpgradePolicy: UPGRADE, http2MaxRequests: 5 } }');
    const cluster = report.clusters[CLUSTER]!;
    expect(report.client.byStatus).toEqual({ '200': 5, '503': 5 });
    expect(report.client.byFlag).toEqual({ '-': 5, UO: 5 });
    expect(cluster.stats.upstream_rq_pending_overflow).toBe(5);
    expect(cluster.stats.upstream_rq_total).toBe(5);
    expect(cluster.stats.upstream_rq_retry).toBe(0);
    expect(cluster.circuitBreakers).toEqual({ rq_open: { openMs: 6, openings: 1, openAtEnd: false } });
    expect(report.timeline[0]!.breakersOpen).toEqual({ rq_open: 0.3 });
    expect(report.timeline[1]!.breakersOpen).toBeUndefined();
  });

  it('a GRPC port is HTTP/2 without any DestinationRule; useClientProtocol keeps HTTP/1.1 clients on HTTP/1.1', () => {
    const grpc = hostsYaml(1).replace('protocol: HTTP }', 'protocol: GRPC }');
    const base = {
      seed: 7,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 10, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    };
    const h2 = simulate({ ...base, config: grpc });
    expect(h2.clusters[CLUSTER]!.stats.upstream_cx_http2_total).toBe(1);
    expect(h2.warnings.join('\n')).not.toMatch(/tcp-proxies/);
    const clientProtocol = simulate({
      ...base,
      config: hostsYaml(1, 'connectionPool: { http: { useClientProtocol: true } }').replace(
        'protocol: HTTP }',
        'protocol: GRPC }',
      ),
    });
    expect(clientProtocol.clusters[CLUSTER]!.stats.upstream_cx_http1_total).toBe(10);
  });

  it('the upstream closing a connection resets every stream on it: 503 UC each, one connection destroyed', () => {
    // All 10 streams ride one connection from t = 1. The endpoint refuses connections from t = 3: it has
    // gone away, so its open connection is reset then, and with it all 10 streams (latency 3 ms).
    // ConnectionTermination is not connect-failure, so Istio's default retry policy does not retry it.
    const report = simulate({
      config: hostsYaml(1, 'connectionPool: { http: { h2UpgradePolicy: UPGRADE } }'),
      seed: 7,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 10, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '3ms', endpoint: '10.0.0.1', set: { connect: 'refuse' } }],
    });
    const stats = report.clusters[CLUSTER]!.stats;
    expect(report.client.byFlag).toEqual({ UC: 10 });
    expect(report.client.latencyMs.max).toBe(3);
    expect(stats.upstream_rq_rx_reset).toBe(10);
    expect(stats.upstream_cx_destroy_remote_with_active_rq).toBe(1);
    expect(stats.upstream_cx_destroy).toBe(1);
  });

  it('a request whose connection the server closes (reset rate 1) takes its sibling streams with it', () => {
    // Every response is a close; the first at t = 7 closes the shared connection, resetting all 10.
    const report = simulate({
      config: hostsYaml(1, 'connectionPool: { http: { h2UpgradePolicy: UPGRADE } }'),
      seed: 7,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 10, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '5ms' }, reset: { rate: 1 } } },
    });
    const stats = report.clusters[CLUSTER]!.stats;
    expect(report.client.byFlag).toEqual({ UC: 10 });
    expect(report.client.latencyMs.max).toBe(7);
    expect(stats.upstream_cx_destroy_remote_with_active_rq).toBe(1);
    expect(stats.upstream_rq_rx_reset).toBe(10);
  });
});
