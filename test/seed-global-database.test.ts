import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { SEED_DIR } from './fixtures/seed-dir.js';

const seed = readFileSync(join(SEED_DIR, '10-global-database.yaml'), 'utf8');
const CLUSTER = 'outbound|5432||db.global-service.com';

/** The caller sits in us-east-1; the us-east-1 database refuses connections from the start. */
function run(config: string) {
  return simulate({
    config,
    seed: 41,
    duration: '120s',
    proxy: { namespace: 'production', locality: 'us-east-1/us-east-1a' },
    traffic: { host: 'db.global-service.com', port: 5432, rps: 50 },
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
    // P0 keeps 100 % of the load, so every attempt, retries included, meets the refusing host.
    expect(r.client.byFlag).toEqual({ 'UF,URX': r.client.total });
  });

  it('with localityLbSetting under loadBalancer and maxEjectionPercent 100, traffic fails over to eu-west-1 only', () => {
    const fixed = seed
      .replace('      baseEjectionTime: 60s', '      baseEjectionTime: 60s\n      maxEjectionPercent: 100')
      .replace('    localityLbSetting:', '    loadBalancer:\n      localityLbSetting:')
      .replace(/\n {6}(enabled|# Prefer|failover:)/g, '\n        $1')
      .replace(/\n {8}- from/g, '\n          - from')
      .replace(/\n {10}to:/g, '\n            to:');
    const r = run(fixed);
    expect(r.warnings.filter((w) => w.includes('localityLbSetting'))).toEqual([]);
    const hosts = r.clusters[CLUSTER]!.hosts;
    expect(hosts.map((h) => h.priority)).toEqual([0, 1, 2]);
    // Five consecutive connect failures (each a 503 to the detector) eject us-east-1; its priority has
    // no healthy host left, so P1 = eu-west-1 takes everything. Nothing reaches ap-southeast-1.
    expect(r.clusters[CLUSTER]!.ejections.length).toBeGreaterThanOrEqual(1);
    expect(hosts[2]!.rqTotal).toBe(0);
    expect(hosts[1]!.rqTotal).toBe(r.client.total);
    // The connect failures were retried: no client error.
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });
});
