import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';

// resolution NONE → an ORIGINAL_DST cluster (ENVOY-SEMANTICS D.1): the sidecar balances nothing;
// each request goes to the address the application resolved and dialed.
const config = (policy = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: default }
spec:
  hosts: [db.internal.corp]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: db, namespace: default }
spec:
  host: db.internal.corp
  trafficPolicy:
    loadBalancer: { simple: LEAST_REQUEST }
${policy}`;
const CLUSTER = 'outbound|80||db.internal.corp';
const [A, B] = ['10.20.0.5', '10.20.0.6'];

describe('resolution NONE (ORIGINAL_DST)', () => {
  it("follows the application's resolver, not the DestinationRule's loadBalancer", () => {
    const r = simulate({
      config: config(),
      seed: 7,
      duration: '20s',
      // The resolver rotates on every query and the application looks up once per request: A, B, A, B…
      dns: { 'db.internal.corp': { ttl: '30s', answers: [A, B], rotate: true } },
      traffic: { host: 'db.internal.corp', rps: 50 },
      endpoints: { '*': { latency: { constant: '2ms' } } },
    });
    const hosts = r.clusters[CLUSTER]!.hosts;
    expect(hosts.map((h) => h.address)).toEqual([`${A}:80`, `${B}:80`]);
    // Strict alternation: the two counts differ by at most the one request in flight at the end.
    expect(Math.abs(hosts[0]!.rqTotal - hosts[1]!.rqTotal)).toBeLessThanOrEqual(1);
    expect(r.client.errorRate).toBe(0);
  });

  it('retries stay on the dialed address, and an ejection moves nothing', () => {
    const r = simulate({
      config: config(
        `    outlierDetection: { consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100 }`,
      ),
      seed: 8,
      duration: '20s',
      dns: { 'db.internal.corp': { ttl: '30s', answers: [A, B], rotate: true } },
      traffic: { host: 'db.internal.corp', rps: 50 },
      endpoints: {
        [A]: { latency: { constant: '2ms' }, errors: [{ status: 503, rate: 1 }] },
        '*': { latency: { constant: '2ms' } },
      },
    });
    const [a, b] = r.clusters[CLUSTER]!.hosts;
    // Every request dialed to A fails on all its attempts; every one dialed to B succeeds: half fail.
    expect(b!.rqError).toBe(0);
    expect(Math.abs(r.client.errorRate - 0.5)).toBeLessThanOrEqual(1 / r.client.total);
    // A is ejected by the detector, yet still serves every request dialed to it: nothing to fail over to.
    expect(a!.ejections).toBeGreaterThan(0);
    expect(a!.rqTotal).toBeGreaterThanOrEqual(b!.rqTotal);
  });

  it("a failing lookup never reaches the sidecar's upstream: 503 with DF", () => {
    const r = simulate({
      config: config(),
      seed: 9,
      duration: '5s',
      dns: { 'db.internal.corp': { ttl: '30s', answers: [A], failure: 'SERVFAIL' } },
      traffic: { host: 'db.internal.corp', rps: 20 },
    });
    expect(r.client.byFlag).toEqual({ DF: r.client.total });
    expect(r.clusters[CLUSTER]!.hosts).toEqual([]);
  });
});
