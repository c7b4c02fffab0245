import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { threeHostsYaml } from './fixtures/three-hosts.js';

/** Two-sided 99.9 % standard normal quantile. */
const Z_999 = 3.2905267314919255;

describe('three hosts, round robin, one failing 30 % with 503', () => {
  const report = simulate({
    config: threeHostsYaml('loadBalancer: { simple: ROUND_ROBIN }'),
    seed: 7,
    duration: '300s',
    traffic: { host: 'api.example.com', port: 80, rps: 200 },
    endpoints: {
      '*': { latency: { median: '20ms', p99: '80ms' } },
      '10.0.0.2': { latency: { median: '20ms', p99: '80ms' }, errors: [{ status: 503, rate: 0.3 }] },
    },
  });
  const cluster = report.clusters['outbound|80||api.example.com']!;
  const bad = cluster.hosts.find((h) => h.address === '10.0.0.2:80')!;

  it('splits requests exactly evenly: each worker rotates over the three hosts', () => {
    const n = report.client.total;
    // Each of the 2 workers hands out its own requests in strict rotation: at most 1 off per worker.
    for (const h of cluster.hosts) expect(Math.abs(h.rqTotal - n / 3)).toBeLessThanOrEqual(2);
  });

  it('gives the client a 10 % error rate within the binomial 99.9 % bound', () => {
    const n = report.client.total;
    // The failing host gets n/3 (±2) requests, each failing independently with p = 0.3.
    const nBad = bad.rqTotal;
    const errors = report.client.byStatus['503'] ?? 0;
    const bound = Z_999 * Math.sqrt(nBad * 0.3 * 0.7);
    expect(Math.abs(errors - 0.3 * nBad)).toBeLessThanOrEqual(bound);
    expect(Math.abs(report.client.errorRate - 0.1)).toBeLessThanOrEqual((bound + 0.3 * 2) / n);
    expect(bad.rqError).toBe(errors);
    expect(cluster.stats.upstream_rq_503).toBe(errors);
    expect(report.client.byFlag).toEqual({ '-': n });
  });

  it('sees about rps × duration requests (Poisson count within 99.9 %)', () => {
    const mean = 200 * 300;
    expect(Math.abs(report.client.total - mean)).toBeLessThanOrEqual(Z_999 * Math.sqrt(mean));
  });
});

describe('M/M/1/2: one host, one worker, maxConnections 1, http1MaxPendingRequests 1', () => {
  // Envoy overflows a new request when no connection is ready and the pending queue is full, so with
  // one connection and one pending slot the pool is an M/M/1/2 queue: blocking = ρ²(1−ρ)/(1−ρ³).
  const lambda = 80; // arrivals per second
  const meanServiceMs = 10;
  const rho = (lambda * meanServiceMs) / 1000;
  const blocking = (rho ** 2 * (1 - rho)) / (1 - rho ** 3);
  const config = threeHostsYaml(`
connectionPool:
  tcp: { maxConnections: 1 }
  http: { http1MaxPendingRequests: 1 }`).replace(/ {4}- address: 10\.0\.0\.[23]\n/g, '');

  const shares = Array.from({ length: 20 }, (_, i) => {
    const r = simulate({
      config,
      seed: 1000 + i,
      duration: '200s',
      proxy: { workers: 1 },
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: lambda },
      endpoints: { '*': { latency: { exponential: `${meanServiceMs}ms` } } },
    });
    const stats = r.clusters['outbound|80||api.example.com']!.stats;
    expect(r.client.byFlag.UO ?? 0).toBe(stats.upstream_rq_pending_overflow);
    expect(stats.upstream_cx_total).toBe(1);
    return (r.client.byFlag.UO ?? 0) / r.client.total;
  });

  it(`overflows ρ²(1−ρ)/(1−ρ³) = ${blocking.toFixed(4)} of requests, within the 99.9 % interval of 20 replications`, () => {
    const mean = shares.reduce((s, x) => s + x, 0) / shares.length;
    const sd = Math.sqrt(shares.reduce((s, x) => s + (x - mean) ** 2, 0) / (shares.length - 1));
    const t999 = 3.8834; // Student t, 19 degrees of freedom, two-sided 99.9 %
    expect(Math.abs(mean - blocking)).toBeLessThanOrEqual((t999 * sd) / Math.sqrt(shares.length));
    // The interval is narrow enough to mean something: under 1 % absolute.
    expect((t999 * sd) / Math.sqrt(shares.length)).toBeLessThan(0.01);
  });
});

describe('determinism', () => {
  const spec = (seed: number) => ({
    config: threeHostsYaml(),
    seed,
    duration: '20s',
    traffic: { host: 'api.example.com', rps: 300 },
    endpoints: { '*': { latency: { median: '10ms', p99: '90ms' }, errors: [{ status: 500, rate: 0.05 }] } },
  });

  it('gives a byte-identical JSON report for the same spec and seed', () => {
    expect(JSON.stringify(simulate(spec(3)))).toBe(JSON.stringify(simulate(spec(3))));
  });

  it('gives a different report for a different seed', () => {
    expect(JSON.stringify(simulate(spec(3)))).not.toBe(JSON.stringify(simulate(spec(4))));
  });
});
