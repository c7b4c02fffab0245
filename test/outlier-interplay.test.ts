import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

const dnsEntry = (resolution: string, outlier: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.third-party.io]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: ${resolution}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.third-party.io
  trafficPolicy:
    outlierDetection: ${outlier}
`;
const DNS_CLUSTER = 'outbound|80||api.third-party.io';

describe('outlier detection meets DNS (C.5, D.2, D.3)', () => {
  it('a LOGICAL_DNS cluster has one host: it can be ejected only with maxEjectionPercent 100', () => {
    const run = (max: number) =>
      simulate({
        config: dnsEntry('DNS_ROUND_ROBIN', `{ consecutive5xxErrors: 3, maxEjectionPercent: ${max} }`),
        seed: 81,
        duration: '20s',
        dns: { 'api.third-party.io': { ttl: '60s', answers: ['198.51.100.1'] } },
        traffic: { host: 'api.third-party.io', rps: 20 },
        endpoints: { '*': { latency: { constant: '5ms' }, errors: [{ status: 500, rate: 1 }] } },
      });
    // 100·1/1 = 100 %: allowed only at 100; then, with panic disabled, the whole service answers 503 UH.
    const at99 = run(99).clusters[DNS_CLUSTER]!;
    expect(at99.ejections).toHaveLength(0);
    expect(at99.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    const at100 = run(100);
    expect(at100.clusters[DNS_CLUSTER]!.ejections.length).toBeGreaterThanOrEqual(1);
    expect(at100.client.byFlag.UH).toBeGreaterThan(0);
  });

  it('a STRICT_DNS refresh that keeps an address keeps the host, its monitor and its ejection', () => {
    // Two addresses, the second failing; a 1 s TTL with rotating answers refreshes 20 times over the same
    // set. The cap (100·1/2 = 50 ≤ 50) lets the failing host out, and refreshes do not bring it back.
    const r = simulate({
      config: dnsEntry(
        'DNS',
        '{ consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50 }',
      ),
      seed: 82,
      duration: '20s',
      dns: { 'api.third-party.io': { ttl: '1s', answers: ['198.51.100.1', '198.51.100.2'], rotate: true } },
      traffic: { host: 'api.third-party.io', rps: 20 },
      endpoints: {
        '*': { latency: { constant: '5ms' } },
        '198.51.100.2': { latency: { constant: '5ms' }, errors: [{ status: 500, rate: 1 }] },
      },
    });
    const c = r.clusters[DNS_CLUSTER]!;
    // A refresh that keeps the address keeps the host object, its monitor and its ejection.
    expect(c.ejections).toHaveLength(1);
    expect(c.ejections[0]!.untilMs).toBeNull();
    expect(c.hosts).toHaveLength(2);
    expect(c.stats['outlier_detection.ejections_active']).toBe(1);
  });
});

describe('the success-rate and failure-percentage detectors (Istio: counted, never enforced)', () => {
  it('a host succeeding far less than its peers is detected each interval but never ejected', () => {
    // 5 hosts (the detectors' minimum), 1000 rps: every host sees about 200 requests per 1 s interval,
    // over the request volume of 100. With four hosts at 100 % and one at x %, mean = (x + 400)/5 and
    // stdev = 0.4·(100 − x), so the threshold mean − 1.9·stdev = 0.96·x + 4 exceeds x for any x < 100.
    const r = simulate({
      config: hostsYaml(
        5,
        'outlierDetection: { consecutive5xxErrors: 1000, interval: 1s, maxEjectionPercent: 100 }',
      ),
      seed: 83,
      duration: '10s',
      traffic: { host: 'api.example.com', rps: 1000 },
      endpoints: {
        '*': { latency: { constant: '2ms' } },
        '10.0.0.1': { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 0.4 }] },
      },
    });
    const stats = r.clusters[CLUSTER]!.stats;
    // Sweeps at 1 s … 10 s, each reading the interval just closed.
    expect(stats['outlier_detection.ejections_detected_success_rate']).toBe(10);
    expect(stats['outlier_detection.ejections_enforced_success_rate']).toBe(0);
    expect(r.clusters[CLUSTER]!.ejections).toHaveLength(0);
    // 40 % failures are below the 85 % failure-percentage threshold: never detected by that one.
    expect(stats['outlier_detection.ejections_detected_failure_percentage']).toBe(0);
  });
});

describe('splitExternalLocalOriginErrors (C.5)', () => {
  it('connect failures count only toward consecutiveLocalOriginFailures when split', () => {
    const run = (split: boolean) =>
      simulate({
        config: hostsYaml(
          3,
          split
            ? 'outlierDetection: { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 2, consecutive5xxErrors: 1000, maxEjectionPercent: 50 }'
            : 'outlierDetection: { consecutive5xxErrors: 2, maxEjectionPercent: 50 }',
        ),
        seed: 84,
        duration: '10s',
        traffic: { host: 'api.example.com', rps: 50 },
        endpoints: { '*': { latency: { constant: '2ms' } }, '10.0.0.2': { connect: 'refuse' } },
      }).clusters[CLUSTER]!;
    const split = run(true);
    expect(split.ejections[0]?.type).toBe('CONSECUTIVE_LOCAL_ORIGIN_FAILURE');
    // Not split: a connect failure is a 503 to the 5xx detector.
    const merged = run(false);
    expect(merged.ejections[0]?.type).toBe('CONSECUTIVE_5XX');
  });
});
