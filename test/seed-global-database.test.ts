import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { between } from './fixtures/between.js';
import { SEED_DIR } from './fixtures/seed-dir.js';

const seed = readFileSync(join(SEED_DIR, '10-global-database.yaml'), 'utf8');
const CLUSTER = 'outbound|5432||db.global-service.com';

/**
 * The caller sits in us-east-1; the us-east-1 database refuses connections from the start. Port 5432 is
 * TCP: the sidecar tcp-proxies it, so a host is picked per application connection, and only connect
 * outcomes reach outlier detection (a refused connect counts as a 503).
 */
function run(config: string, keepAlive = true) {
  return simulate({
    config,
    seed: 41,
    duration: '120s',
    proxy: { namespace: 'production', locality: 'us-east-1/us-east-1a' },
    traffic: { host: 'db.global-service.com', port: 5432, rps: 50, keepAlive },
    endpoints: { '*': { latency: { constant: '5ms' } }, '10.1.1.10': { connect: 'refuse' } },
  });
}

describe('the seed 10-global-database pattern: us-east-1 goes down', () => {
  it('as written, it never fails over: localityLbSetting sits outside loadBalancer and the 10 % cap forbids ejecting 1 of 3', () => {
    const r = run(seed);
    expect(r.warnings.some((w) => w.includes('localityLbSetting'))).toBe(true);
    const hosts = r.clusters[CLUSTER]!.hosts;
    // The mesh default locality setting still splits priorities: us-east-1 alone in P0.
    expect(hosts.map((h) => h.priority)).toEqual([0, 1, 1]);
    // 100·(0+1)/3 = 33 % > maxEjectionPercent 10 (Envoy ≥ 1.27): detected, never ejected.
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats['outlier_detection.ejections_enforced_total']).toBe(0);
    expect(stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    // P0 keeps 100 % of the load, so every connection meets the refusing host, and none is retried.
    expect(r.client.byFlag).toEqual({ 'UF,URX': r.client.total });
    expect(r.client.byStatus).toEqual({ '0': r.client.total });
  });

  it('with localityLbSetting under loadBalancer and maxEjectionPercent 100, connections fail over to eu-west-1 only', () => {
    const fixed = seed
      .replace('      baseEjectionTime: 60s', '      baseEjectionTime: 60s\n      maxEjectionPercent: 100')
      .replace('    localityLbSetting:', '    loadBalancer:\n      localityLbSetting:')
      .replace(/\n {6}(enabled|# Prefer|failover:)/g, '\n        $1')
      .replace(/\n {8}- from/g, '\n          - from')
      .replace(/\n {10}to:/g, '\n            to:');
    // A connection per query, so every query is balanced (and can fail) on its own.
    const r = run(fixed, false);
    expect(r.warnings.filter((w) => w.includes('localityLbSetting'))).toEqual([]);
    const c = r.clusters[CLUSTER]!;
    const hosts = c.hosts;
    expect(hosts.map((h) => h.priority)).toEqual([0, 1, 2]);
    // Five refused connects in a row (each a 503 to the detector) eject us-east-1: at 50 rps, well within
    // the first second. P0 then has no healthy host, so P1 = eu-west-1 takes every connection.
    const [first, second] = c.ejections;
    expect(first!.type).toBe('CONSECUTIVE_5XX');
    expect(first!.atMs).toBeLessThan(1_000);
    // 60 s out, back at the first 30 s sweep after it: 90 s. The next five connections are refused again
    // and eject it for 2 × 60 s, past the end of the run.
    expect(first!.untilMs).toBe(90_000);
    expect(second!.atMs).toBeGreaterThanOrEqual(90_000);
    expect(second!.atMs).toBeLessThan(91_000);
    expect(second!.untilMs).toBeNull();
    expect(c.ejections).toHaveLength(2);
    // No retry on a TCP port: each refused connect closes the application's connection (status 0 UF,URX):
    // five per ejection, plus any query that arrived during the fifth refusal's 1 ms round trip
    // (Poisson, 50 × 0.001 per ejection: ≤ 2 in all at 99.9 %).
    const refused = r.client.byFlag['UF,URX'] ?? 0;
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(refused).toBeLessThanOrEqual(12);
    expect(r.client.byStatus).toEqual({ '0': refused, '200': r.client.total - refused });
    // Every session that opened went to eu-west-1; nothing reaches ap-southeast-1.
    expect(hosts[0]!.rqTotal).toBe(0);
    expect(hosts[1]!.rqTotal).toBe(r.client.total - refused);
    expect(hosts[2]!.rqTotal).toBe(0);
  });

  it('with keep-alive the application fails over per connection: only the five connections that eject us-east-1 fail', () => {
    const fixed = seed
      .replace('      baseEjectionTime: 60s', '      baseEjectionTime: 60s\n      maxEjectionPercent: 100')
      .replace('    localityLbSetting:', '    loadBalancer:\n      localityLbSetting:')
      .replace(/\n {6}(enabled|# Prefer|failover:)/g, '\n        $1')
      .replace(/\n {8}- from/g, '\n          - from')
      .replace(/\n {10}to:/g, '\n            to:');
    const r = run(fixed);
    const c = r.clusters[CLUSTER]!;
    // The first connections are refused until the fifth ejects us-east-1 (plus any opened during its 1 ms
    // round trip: Poisson 0.05, ≤ 1 at 99.9 %); the ones opened after go to eu-west-1, and the queries
    // reuse them. Until us-east-1 is back at 90 s nothing else fails; after, only a connection the app
    // opens for a new peak of concurrency would meet it again.
    expect(c.ejections[0]!.atMs).toBeLessThan(1_000);
    expect(c.ejections[0]!.untilMs).toBe(90_000);
    const early = between(r, 0, 90_000).errors;
    expect(early).toBeGreaterThanOrEqual(5);
    expect(early).toBeLessThanOrEqual(6);
    // Every answered query came over a connection to eu-west-1.
    expect(c.hosts[1]!.appRequests).toBe(r.client.byStatus['200']);
    expect(c.hosts[2]!.rqTotal).toBe(0);
  });
});
