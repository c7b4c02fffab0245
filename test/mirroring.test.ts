import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const Z_999 = 3.2905267314919255;
const SHADOW = 'outbound|80||shadow.example.com';

/** api.example.com (3 endpoints) with `http` as its routes, and shadow.example.com on 10.0.1.1. */
function mirrored(http: string): string {
  return `${hostsYaml(3)}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: shadow, namespace: default }
spec:
  hosts: [shadow.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 10.0.1.1 }]
${virtualServiceYaml(http)}`;
}

const PLAIN = `- route: [{ destination: { host: api.example.com } }]`;
/**
 * The shadow's server fails every request: if anything of it leaked into the client's answer, it would
 * show. It answers before the primary does, so no shadow is still out when the run stops.
 */
const failing = { latency: { constant: '5ms' }, errors: [{ status: 503, rate: 1 }] };
const run = (http: string, shadowServer: object = failing) =>
  simulate({
    config: mirrored(http),
    seed: 7,
    duration: '10s',
    traffic: { host: 'api.example.com', rps: 50 },
    endpoints: { '*': { latency: { constant: '10ms' } }, '10.0.1.1': shadowServer },
  });

describe('VirtualService mirror: Envoy request_mirror_policies and its shadow writer', () => {
  it('mirrors every request by default; the client gets exactly the answers of the unmirrored run', () => {
    const plain = run(PLAIN);
    const r = run(`${PLAIN}\n  mirror: { host: shadow.example.com }`);
    expect(r.client).toEqual(plain.client);
    expect(r.clusters[CLUSTER]!.stats).toEqual(plain.clusters[CLUSTER]!.stats);
    // Istio's MirrorPercent with no percentage is 100 %: one shadow per request, each a 503 of its own.
    const shadow = r.clusters[SHADOW]!.stats;
    expect(shadow.upstream_rq_total).toBe(r.client.total);
    expect(shadow.upstream_rq_503).toBe(r.client.total);
    expect(plain.clusters[SHADOW]).toBeUndefined();
  });

  it('the shadow never retries: the async client gets no retry policy', () => {
    const r = run(`${PLAIN}
  retries: { attempts: 3, retryOn: 5xx }
  mirror: { host: shadow.example.com }`);
    const shadow = r.clusters[SHADOW]!.stats;
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(shadow.upstream_rq_total).toBe(r.client.total);
    expect(shadow.upstream_rq_503).toBe(r.client.total);
    expect(shadow.upstream_rq_retry).toBe(0);
  });

  it("the shadow takes the route's timeout: a 3 s shadow server never answers within 1 s", () => {
    const slow = { latency: { constant: '3s' } };
    const r = run(
      `${PLAIN}
  timeout: 1s
  mirror: { host: shadow.example.com }`,
      slow,
    );
    const shadow = r.clusters[SHADOW]!.stats;
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(shadow.upstream_rq_completed).toBe(0);
    // Every shadow times out but those of the run's last second, still out when the client is done.
    const lastSecond = 50 + Z_999 * Math.sqrt(50);
    expect(shadow.upstream_rq_timeout).toBeGreaterThanOrEqual(shadow.upstream_rq_total! - lastSecond);
    expect(shadow.upstream_rq_timeout).toBeLessThan(shadow.upstream_rq_total!);
  });

  it('mirrorPercentage 25: a Bernoulli share of requests, within 3.29 σ of n/4', () => {
    const r = run(`${PLAIN}\n  mirror: { host: shadow.example.com }\n  mirrorPercentage: { value: 25 }`);
    const n = r.client.total;
    const k = r.clusters[SHADOW]!.stats.upstream_rq_total!;
    expect(Math.abs(k - n / 4)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n * 0.25 * 0.75));
  });

  it('one stream id decides every mirror of a request: two 50 % mirrors shadow the same requests', () => {
    // A server that serves one request at a time and turns away the next: the two shadows of one
    // request arrive together, so one is served and one gets 429. Requests are 20 ms apart, shadows 5 ms.
    const oneAtATime = { latency: { constant: '5ms' }, concurrency: 1, queue: { size: 0, status: 429 } };
    const r = simulate({
      config: mirrored(`${PLAIN}
  mirrors:
  - { destination: { host: shadow.example.com }, percentage: { value: 50 } }
  - { destination: { host: shadow.example.com, port: { number: 80 } }, percentage: { value: 50 } }`),
      seed: 7,
      duration: '10s',
      traffic: { host: 'api.example.com', rps: 50, arrivals: 'constant' },
      endpoints: { '*': { latency: { constant: '10ms' } }, '10.0.1.1': oneAtATime },
    });
    const n = r.client.total;
    const shadow = r.clusters[SHADOW]!.stats;
    // Shared draw: a request has both shadows or none, so as many 429s as 200s. Independent draws
    // would give 200 for 3/4 of the requests and 429 for 1/4.
    expect(shadow.upstream_rq_429).toBe(shadow.upstream_rq_200);
    expect(Math.abs(shadow.upstream_rq_200! - n / 2)).toBeLessThanOrEqual(Z_999 * Math.sqrt(n / 4));
  });

  it('an explicit 0 % emits no mirror policy, and an unknown mirror host shadows nothing, with a warning', () => {
    const zero = run(`${PLAIN}\n  mirror: { host: shadow.example.com }\n  mirrorPercentage: { value: 0 }`);
    expect(zero.clusters[SHADOW]).toBeUndefined();
    const unknown = run(`${PLAIN}\n  mirror: { host: nowhere.example.com }`);
    expect(unknown.warnings).toContainEqual(
      expect.stringContaining('mirror nowhere.example.com names a cluster this sidecar does not have'),
    );
  });
});
