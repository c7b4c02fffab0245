import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { formatReportTable } from '../packages/core/src/render/report-table.js';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const SERVICE = hostsYaml(
  1,
  'connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRetries: 1 } }',
);

/** Envoy's ManagedResourceImpl sets each *_open gauge on every inc/dec: 1 while the count is at/over its max. */
describe('circuit_breakers.default.*_open gauges over time', () => {
  it('two simultaneous requests on a cold HTTP/1.1 pool: cx_open and rq_pending_open, by hand', () => {
    // rtt 1 ms, server 10 ms, 1 worker. t = 0: request A pends (pending 1 = max: rq_pending_open opens)
    // and opens the connection (1 = maxConnections: cx_open opens); request B finds the pending slot
    // taken: 503 UO. t = 1: connected, A leaves the queue (rq_pending_open closes: open 1 ms) and is
    // answered at 12. The connection stays open (idle timeout 1 h), so cx_open is 1 until the run ends
    // at 1 s. In the first 20 ms bucket: cx_open all of it, rq_pending_open 1/20 = 0.05.
    const report = simulate({
      config: SERVICE,
      seed: 3,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 2, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '10ms' } } },
      report: { timelineBucket: '20ms' },
    });
    expect(report.client.byFlag).toEqual({ '-': 1, UO: 1 });
    expect(report.clusters[CLUSTER]!.circuitBreakers).toEqual({
      cx_open: { openMs: 1000, openings: 1, openAtEnd: true },
      rq_pending_open: { openMs: 1, openings: 1, openAtEnd: false },
    });
    expect(report.timeline[0]!.breakersOpen).toEqual({ cx_open: 1, rq_pending_open: 0.05 });
    expect(report.timeline[1]!.breakersOpen).toEqual({ cx_open: 1 });
    // `meshsim run` prints them under the cluster's stats.
    const text = formatReportTable(report);
    expect(text).toMatch(/circuit_breakers\.default\.cx_open\s*│\s*1\.000 s\s*│\s*1\s*│\s*open/);
    expect(text).toMatch(/circuit_breakers\.default\.rq_pending_open\s*│\s*0\.001 s\s*│\s*1\s*│\s*closed/);
  });

  it('rq_retry_open is 1 while the one allowed retry is outstanding (back-off and attempt)', () => {
    // The endpoint always answers 503; retries: 1 on 5xx with a 1 ms back-off base, so the draw is
    // random() % 1 = 0 ms. t = 0 pending, t = 1 connected and sent, t = 7 the 503: a retry is granted
    // (retries 1 = maxRetries: rq_retry_open opens), sent at once on the kept-alive connection, its 503 at
    // 13 ends the retry (the gauge closes: 6 ms) and, no retry left, the client gets 503 URX at 13 ms.
    const vs = virtualServiceYaml(
      '- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 1, retryOn: 5xx, backoff: 1ms }',
    );
    const report = simulate({
      config: SERVICE + vs,
      seed: 3,
      duration: '1s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '10s' },
      endpoints: { '*': { latency: { constant: '5ms' }, errors: [{ status: 503, rate: 1 }] } },
    });
    expect(report.client.byFlag).toEqual({ URX: 1 });
    expect(report.client.latencyMs.max).toBe(13);
    expect(report.clusters[CLUSTER]!.circuitBreakers?.rq_retry_open).toEqual({
      openMs: 6,
      openings: 1,
      openAtEnd: false,
    });
  });

  it('no breaker at its limit: the report carries no circuitBreakers and the timeline no breakersOpen', () => {
    const report = simulate({
      config: hostsYaml(1),
      seed: 3,
      duration: '1s',
      traffic: { host: 'api.example.com', rps: 50 },
      endpoints: { '*': { latency: { constant: '10ms' } } },
    });
    expect(report.clusters[CLUSTER]!.circuitBreakers).toBeUndefined();
    expect(report.timeline.some((p) => p.breakersOpen !== undefined)).toBe(false);
  });
});
