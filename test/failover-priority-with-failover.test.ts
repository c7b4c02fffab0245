import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { failoverPriorities } from '../packages/core/src/config/translate/locality-priority.js';
import { dbEntryYaml } from './fixtures/db-entry.js';

const CLUSTER = 'outbound|80||db.example.com';

/**
 * The caller is version v1 in us-east/a; failoverPriority [version], failover us-east → eu-west.
 * Hand-derived from Istio's loadbalancer.go: label priority (0 match, 1 miss) × 5 + locality priority
 * (0 same subzone … 3 other region, 4 a region the failover rule does not name), then renumbered.
 */
const ENDPOINTS = [
  { address: '10.0.0.1', locality: 'us-east/a', version: 'v1' }, // 0 × 5 + 0 = 0 → P0
  { address: '10.0.0.2', locality: 'eu-west/b', version: 'v1' }, // 0 × 5 + 3 = 3 → P1
  { address: '10.0.0.3', locality: 'ap-south/c', version: 'v1' }, // 0 × 5 + 4 = 4 → P2
  { address: '10.0.0.4', locality: 'us-east/a', version: 'v2' }, // 1 × 5 + 0 = 5 → P3
  { address: '10.0.0.5', locality: 'eu-west/b', version: 'v2' }, // 1 × 5 + 3 = 8 → P4
];

function run(istioVersion: string) {
  const config = dbEntryYaml(
    ENDPOINTS.map(
      (e) => `    - { address: ${e.address}, locality: ${e.locality}, labels: { version: ${e.version} } }`,
    ),
    `    outlierDetection: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1h, maxEjectionPercent: 100 }
    loadBalancer:
      localityLbSetting:
        failoverPriority: [version]
        failover: [{ from: us-east, to: eu-west }]`,
  );
  return simulate({
    config,
    seed: 3,
    duration: '20s',
    proxy: { locality: 'us-east/a', labels: { version: 'v1' }, istioVersion },
    traffic: { host: 'db.example.com', rps: 50 },
    endpoints: {
      '*': { latency: { constant: '2ms' } },
      '10.0.0.1': { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] },
    },
  });
}

describe('failoverPriority together with failover (Istio 1.20+, istio#47099)', () => {
  it('locality failover orders each label level: priorities label × 5 + locality, renumbered', () => {
    const localities = ENDPOINTS.map((e) => e.locality);
    const labels = [0, 0, 0, 1, 1];
    const rules = [{ from: 'us-east', to: 'eu-west' }];
    expect(failoverPriorities('us-east/a', localities, rules, labels)).toEqual([0, 1, 2, 3, 4]);
  });

  it('the failing local v1 host is ejected and all traffic fails over to eu-west v1, not to local v2', () => {
    const r = run('1.28');
    const hosts = r.clusters[CLUSTER]!.hosts;
    expect(hosts.map((h) => h.priority)).toEqual([0, 1, 2, 3, 4]);
    const byAddress = Object.fromEntries(hosts.map((h) => [h.address.split(':')[0], h.rqTotal]));
    // P0 holds one host, ejected after its first 500: P1's 100 % health takes everything after it.
    expect(byAddress['10.0.0.1']).toBe(1);
    expect(byAddress['10.0.0.2']).toBe(r.client.total - 1);
    expect(r.warnings.some((w) => w.includes('failover'))).toBe(false);
  });

  it('Istio 1.19 applies only the labels: the three v1 hosts share P0, and a warning says the rules are ignored', () => {
    const r = run('1.19');
    const hosts = r.clusters[CLUSTER]!.hosts;
    expect(hosts.map((h) => h.priority)).toEqual([0, 0, 0, 1, 1]);
    expect(r.warnings.some((w) => w.includes('ignored by Istio 1.19 together with failoverPriority'))).toBe(
      true,
    );
  });
});
