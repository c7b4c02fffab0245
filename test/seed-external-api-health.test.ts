import { readFileSync } from 'node:fs';
import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';

// examples/outlier-detection.yaml: the seed's 05-external-api-with-health over plain HTTP.
const config = readFileSync('examples/outlier-detection.yaml', 'utf8');
const CLUSTER = 'outbound|80||api.external-service.com';

describe('seed 05: three endpoints, 3 consecutive gateway errors, interval 30 s, base 60 s, max 50 %', () => {
  const r = simulate({ config });
  const cluster = r.clusters[CLUSTER]!;

  it('ejects the failing endpoint at its third consecutive 503 (the gateway detector fires before the 5xx one at 5)', () => {
    const first = cluster.ejections[0]!;
    expect(first.host).toBe('198.51.100.2:80');
    expect(first.type).toBe('CONSECUTIVE_GATEWAY_FAILURE');
    // LEAST_REQUEST sends it about a third of 100 rps: its third request comes within the first second.
    expect(first.atMs).toBeLessThan(1000);
  });

  it('returns it at the first 30 s sweep after base × n: 90 s, then 240 s, then 450 s', () => {
    // Ejected at ~0 s for 60 s → sweep at 90 s; re-ejected at ~90 s for 120 s → 240 s;
    // at ~240 s for 180 s → 420.1 s is not yet expired at the 420 s sweep → 450 s; at ~450 s for 240 s → past the end.
    expect(cluster.ejections.map((e) => e.untilMs)).toEqual([90_000, 240_000, 450_000, null]);
    expect(cluster.ejections.every((e) => e.type === 'CONSECUTIVE_GATEWAY_FAILURE')).toBe(true);
  });

  it('clients see three 503s per ejection cycle (Istio ≥ 1.24 does not retry them), then nothing', () => {
    const errors = r.client.byStatus['503'] ?? 0;
    // 4 cycles × 3 consecutive failures, plus at most a request or two already in flight at each ejection.
    expect(errors).toBeGreaterThanOrEqual(12);
    expect(errors).toBeLessThanOrEqual(12 + 4 * 2);
    expect(r.client.errorRate).toBeLessThan(0.001);
  });

  it('maxEjectionPercent 50 lets one host of three out, never two: 100·2/3 = 67 > 50', () => {
    const two = simulate({
      config,
      endpoints: {
        '*': { latency: { median: '20ms', p99: '80ms' } },
        '198.51.100.2': { latency: { constant: '20ms' }, errors: [{ status: 503, rate: 1 }] },
        '198.51.100.3': { latency: { constant: '20ms' }, errors: [{ status: 503, rate: 1 }] },
      },
    });
    const c = two.clusters[CLUSTER]!;
    expect(Math.max(...two.timeline.map((t) => t.ejectedHosts))).toBe(1);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    // The host that could not be ejected keeps failing: about a third of all requests... minus its
    // share while the other is ejected (then it gets half). The client error rate stays far above zero.
    expect(two.client.errorRate).toBeGreaterThan(0.3);
  });
});
