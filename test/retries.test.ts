import { type Report, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { istioDefaultRetryPolicy } from '../packages/core/src/config/translate/istio-defaults.js';

import { RandomStreams } from '../packages/core/src/kernel/random-streams.js';
import { nextBackoffMs } from '../packages/core/src/router/backoff.js';
import { ClientRequest } from '../packages/core/src/router/request.js';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const Z_999 = 3.2905267314919255;

function flaky(p: number, istioVersion: string, seed = 3): Report {
  return simulate({
    config: hostsYaml(3),
    seed,
    duration: '200s',
    proxy: { istioVersion },
    traffic: { host: 'api.example.com', rps: 200 },
    endpoints: { '*': { latency: { constant: '5ms' }, errors: [{ status: 503, rate: p }] } },
  });
}

describe("Istio's default retry policy on independent 503s (A.8, A.9 example 1)", () => {
  const p = 0.3;

  it('from 1.24 on 503 is not retried: the client sees p', () => {
    const r = flaky(p, '1.24');
    const n = r.client.total;
    const errors = r.client.byStatus['503'] ?? 0;
    expect(Math.abs(errors - p * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * p * (1 - p)));
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(0);
    expect(r.client.byFlag).toEqual({ '-': n });
  });

  it('before 1.24 503 is retried twice: the client sees p³, flagged URX, and upstream sees (1 − p³)/(1 − p) per request', () => {
    const r = flaky(p, '1.23');
    const n = r.client.total;
    const q = p ** 3;
    const errors = r.client.byStatus['503'] ?? 0;
    expect(Math.abs(errors - q * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * q * (1 - q)));
    expect(r.client.byFlag.URX).toBe(errors);
    const stats = r.clusters[CLUSTER]!.stats;
    // Attempts per request: 1 + p + p² for independent failures and two retries.
    const perRequest = stats.upstream_rq_total! / n;
    const expected = (1 - p ** 3) / (1 - p);
    // The count of attempts is a sum of n independent values in {1,2,3}, variance below 1 each.
    expect(Math.abs(perRequest - expected)).toBeLessThanOrEqual(Z_999 / Math.sqrt(n));
    expect(stats.upstream_rq_retry_limit_exceeded).toBe(errors);
    expect(stats.upstream_rq_retry).toBe(stats.upstream_rq_total! - n);
  });
});

describe('one refusing IP of three behind the default retries (A.9 example 2)', () => {
  const refusing = (lb: string, seed: number) =>
    simulate({
      config: hostsYaml(3, `loadBalancer: { simple: ${lb} }`),
      seed,
      duration: '120s',
      traffic: { host: 'api.example.com', rps: 100 },
      endpoints: {
        '*': { latency: { constant: '10ms' } },
        '10.0.0.2': { connect: 'refuse' },
      },
    });
  const r = refusing('ROUND_ROBIN', 11);
  const stats = r.clusters[CLUSTER]!.stats;

  it('the client sees no error: connect failures are retried on other hosts', () => {
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(stats.upstream_cx_connect_fail).toBeGreaterThan(0);
    const bad = r.clusters[CLUSTER]!.hosts.find((h) => h.address === '10.0.0.2:80')!;
    expect(bad.rqTotal).toBe(0);
  });

  it('round robin sends between a third and a half of first attempts to it: retries share the rotation', () => {
    // A worker's rotation index advances on every pick, retries included. The retry of a refused attempt
    // usually runs before the worker's next arrival (back-off < 25 ms, arrivals 20 ms apart on average)
    // and takes the next slot, a good host; the next new request then gets the slot after it, so new
    // requests alternate between the host before the refusing one and the refusing one itself.
    const n = r.client.total;
    const share = stats.upstream_rq_retry! / n;
    const margin = Z_999 * Math.sqrt(1 / (4 * n));
    expect(share).toBeGreaterThan(1 / 3 + margin);
    expect(share).toBeLessThanOrEqual(1 / 2 + margin);
    // A refusal fails every request pending on that pool, so at least one retry per refused connection.
    expect(stats.upstream_rq_retry).toBeGreaterThanOrEqual(stats.upstream_cx_connect_fail!);
  });

  it('a retried request costs the refusal (1 RTT) plus a back-off below 25 ms', () => {
    // Worst case: refusal 1 ms + back-off 24 ms + cold connect 1 ms + request 1 ms + service 10 ms.
    expect(r.client.latencyMs.max).toBeLessThanOrEqual(1 + 24 + 1 + 1 + 10 + 0.5);
  });

  it('least request is drawn to the refusing host: it never holds an active request, so it wins ties', () => {
    // rq_active counts attached streams only; pending ones do not count. A host that never accepts a
    // connection always shows 0 and wins every two-choice draw against a busy host.
    const lr = refusing('LEAST_REQUEST', 11);
    const n = lr.client.total;
    expect(lr.client.byStatus).toEqual({ '200': n });
    expect(lr.clusters[CLUSTER]!.stats.upstream_rq_retry!).toBeGreaterThan(
      n / 3 + Z_999 * Math.sqrt(n / 9) + 4,
    );
  });
});

describe('back-off: the k-th delay is uniform on [0, min(25·2^(k−1), 250)) (A.4)', () => {
  it('draws whole milliseconds over the right ranges, with means half the interval', () => {
    const policy = istioDefaultRetryPolicy([]);
    const rng = new RandomStreams(9).get('backoff-test');
    const intervals = [25, 50, 100, 200, 250, 250];
    const n = 20_000;
    const sums = new Float64Array(intervals.length);
    const maxima = new Float64Array(intervals.length);
    for (let i = 0; i < n; i++) {
      const req = new ClientRequest(0);
      req.backoffIntervalMs = policy.backoffBaseMs;
      intervals.forEach((_, k) => {
        const d = nextBackoffMs(req, policy, rng);
        expect(Number.isInteger(d)).toBe(true);
        sums[k]! += d;
        maxima[k] = Math.max(maxima[k]!, d);
      });
    }
    intervals.forEach((interval, k) => {
      expect(maxima[k]).toBe(interval - 1);
      // Mean of a uniform integer on [0, I−1] is (I−1)/2, standard deviation ≈ I/√12.
      const mean = sums[k]! / n;
      expect(Math.abs(mean - (interval - 1) / 2)).toBeLessThanOrEqual((Z_999 * interval) / Math.sqrt(12 * n));
    });
  });
});

describe('the retry circuit breaker (A.7, A.9 example 4)', () => {
  it('maxRetries 1: while one retry is outstanding cluster-wide, another failure goes to the client with UO', () => {
    const r = simulate({
      config: hostsYaml(3, 'connectionPool: { http: { maxRetries: 1 } }'),
      seed: 6,
      duration: '60s',
      proxy: { istioVersion: '1.23' },
      traffic: { host: 'api.example.com', rps: 400 },
      // Every request fails once per attempt with probability 0.5; retries take 0–25 ms of back-off
      // plus 20 ms of service, so at 400 rps several retries want to be outstanding at once.
      endpoints: { '*': { latency: { constant: '20ms' }, errors: [{ status: 503, rate: 0.5 }] } },
    });
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats.upstream_rq_retry_overflow).toBeGreaterThan(0);
    // An overflowed retry hands the upstream's own 503 to the client, flagged UO.
    expect(r.client.byFlag.UO).toBe(stats.upstream_rq_retry_overflow);
    // Never more than one retry outstanding: back-off + one attempt per retry fits in the run.
    expect(stats.upstream_rq_retry).toBeLessThanOrEqual((60_000 / 20) * 1.1);
  });

  it('a retry budget replaces maxRetries: 20 % of outstanding requests, at least minRetryConcurrency', () => {
    const run = (policy: string) =>
      simulate({
        config: hostsYaml(3, policy),
        seed: 6,
        duration: '60s',
        proxy: { istioVersion: '1.23' },
        traffic: { host: 'api.example.com', rps: 400 },
        endpoints: { '*': { latency: { constant: '20ms' }, errors: [{ status: 503, rate: 0.5 }] } },
      }).clusters[CLUSTER]!.stats;
    const capped = run('connectionPool: { http: { maxRetries: 1 } }');
    const budget = run(`connectionPool: { http: { maxRetries: 1 } }
retryBudget: { percent: 100, minRetryConcurrency: 50 }`);
    // With the budget the maxRetries of 1 no longer applies; 50 concurrent retries are plenty here.
    expect(budget.upstream_rq_retry_overflow).toBe(0);
    expect(capped.upstream_rq_retry_overflow).toBeGreaterThan(0);
  });
});

describe('upstream resets before the response (UC)', () => {
  it('are not connect failures: the default policy does not retry them; retryOn reset does', () => {
    const reset = { '*': { latency: { constant: '5ms' }, reset: { rate: 0.2 } } };
    const base = simulate({
      config: hostsYaml(3),
      seed: 12,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 100 },
      endpoints: reset,
    });
    const n = base.client.total;
    const uc = base.client.byFlag.UC ?? 0;
    expect(Math.abs(uc - 0.2 * n)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.16));
    expect(base.client.byStatus['503']).toBe(uc);
    expect(base.clusters[CLUSTER]!.stats.upstream_rq_rx_reset).toBe(uc);
    const retried = simulate({
      config: `${hostsYaml(3)}${virtualServiceYaml('- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 2, retryOn: reset }')}`,
      seed: 12,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 100 },
      endpoints: reset,
    });
    const m = retried.client.total;
    // Three independent resets in a row: 0.2³ = 0.8 %, flagged UC and URX.
    const q = 0.2 ** 3;
    const left = retried.client.byFlag['UC,URX'] ?? 0;
    expect(Math.abs(left - q * m)).toBeLessThanOrEqual(Z_999 * Math.sqrt(m * q * (1 - q)));
  });
});

describe('a black-holed IP costs the connect timeout (A.9 example 2, black hole)', () => {
  it('connectTimeout bounds each attempt; the retry then lands on a good host', () => {
    const r = simulate({
      config: hostsYaml(
        3,
        'loadBalancer: { simple: ROUND_ROBIN }\nconnectionPool: { tcp: { connectTimeout: 2s } }',
      ),
      seed: 13,
      duration: '60s',
      proxy: { workers: 1 },
      traffic: { host: 'api.example.com', rps: 0.5 },
      endpoints: { '*': { latency: { constant: '10ms' } }, '10.0.0.2': { connect: 'blackhole' } },
    });
    const stats = r.clusters[CLUSTER]!.stats;
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(stats.upstream_cx_connect_timeout).toBeGreaterThan(0);
    // Requests are 2 s apart on average; each one meeting the black hole waits the full 2 s timeout,
    // then a back-off under 25 ms, then a cold connect and the request (1 ms each) and 10 ms of service.
    expect(r.client.latencyMs.max).toBeGreaterThanOrEqual(2000 + 1 + 1 + 10);
    expect(r.client.latencyMs.max).toBeLessThan(2000 + 25 + 1 + 1 + 10 + 1);
  });
});
