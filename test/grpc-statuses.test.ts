import { type Report, type ScenarioSpecInput, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

// gRPC answers as Envoy's router treats them: RetryStateImpl::wouldRetryFromHeaders looks for a
// grpc-status in the response headers only; Istio's default retryOn has unavailable and cancelled.
const GRPC = { number: 50051, protocol: 'GRPC' };
const CLUSTER = 'outbound|50051||api.example.com';

function run(endpoints: ScenarioSpecInput['endpoints'], http = '', hosts = 1, outlier = ''): Report {
  const config = hostsYaml(hosts, outlier, GRPC) + (http === '' ? '' : `\n${virtualServiceYaml(http)}`);
  return simulate({
    config,
    seed: 9,
    duration: '10s',
    traffic: { host: 'api.example.com', port: 50051, rps: 50 },
    endpoints,
  });
}

describe('gRPC statuses from endpoints', () => {
  it("UNAVAILABLE in the headers is retried by Istio's default retryOn (2 retries); the application sees OK", () => {
    // Each attempt is UNAVAILABLE (Trailers-Only) with probability 1/2, independently.
    const r = run({ '*': { errors: [{ grpcStatus: 'UNAVAILABLE', rate: 0.5 }] } });
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    // P(all three attempts UNAVAILABLE) = 1/8: those reach the application, with HTTP 200.
    expect(r.client.byStatus).toEqual({ '200': n });
    expect(r.client.byGrpcStatus!.OK! + r.client.byGrpcStatus!.UNAVAILABLE!).toBe(n);
    expect(s.upstream_rq_retry).toBe(s.upstream_rq_total! - n);
    const failedShare = r.client.byGrpcStatus!.UNAVAILABLE! / n;
    expect(Math.abs(failedShare - 1 / 8)).toBeLessThan(4 * Math.sqrt(((1 / 8) * (7 / 8)) / n));
    expect(r.client.byFlag).toEqual({
      '-': n - r.client.byGrpcStatus!.UNAVAILABLE!,
      URX: r.client.byGrpcStatus!.UNAVAILABLE!,
    });
  });

  it('INTERNAL is not in the default retryOn; retryOn internal retries it', () => {
    const endpoints = { '*': { errors: [{ grpcStatus: 'INTERNAL' as const, rate: 1 }] } };
    const byDefault = run(endpoints);
    expect(byDefault.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(0);
    expect(byDefault.client.byGrpcStatus).toEqual({ INTERNAL: byDefault.client.total });
    const internal = run(
      endpoints,
      `- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 1, retryOn: internal }`,
    );
    expect(internal.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(internal.client.total);
    expect(internal.client.byFlag).toEqual({ URX: internal.client.total });
  });

  it('a status in trailers is neither retried nor seen by outlier detection; the host still counts it as an error', () => {
    const r = run(
      {
        '10.0.0.1': { errors: [{ grpcStatus: 'UNAVAILABLE', inTrailers: true, rate: 1 }] },
      },
      '',
      2,
      'outlierDetection: { consecutive5xxErrors: 3, maxEjectionPercent: 100 }',
    );
    const s = r.clusters[CLUSTER]!.stats;
    expect(s.upstream_rq_retry).toBe(0);
    expect(s['outlier_detection.ejections_enforced_total']).toBe(0);
    const failing = r.clusters[CLUSTER]!.hosts.find((h) => h.address.startsWith('10.0.0.1'))!;
    expect(failing.rqError).toBe(r.client.byGrpcStatus!.UNAVAILABLE);
    expect(r.client.byGrpcStatus!.UNAVAILABLE).toBeGreaterThan(r.client.total / 4);
  });

  it('the same status in the headers is an outlier 503: three in a row eject the host', () => {
    const r = run(
      { '10.0.0.1': { errors: [{ grpcStatus: 'UNAVAILABLE', rate: 1 }] } },
      `- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 0 }`,
      2,
      'outlierDetection: { consecutive5xxErrors: 3, baseEjectionTime: 60s, maxEjectionPercent: 100 }',
    );
    expect(r.clusters[CLUSTER]!.stats['outlier_detection.ejections_enforced_consecutive_5xx']).toBe(1);
    expect(r.client.byGrpcStatus!.UNAVAILABLE).toBe(3);
  });

  it("Envoy's local replies reach a gRPC application as grpc-status: a 503 UO is UNAVAILABLE", () => {
    const r = run(
      { '*': { latency: { constant: '200ms' } } },
      '',
      1,
      'connectionPool: { http: { http2MaxRequests: 1, http1MaxPendingRequests: 1 } }',
    );
    const uo = r.client.byFlag.UO ?? 0;
    expect(uo).toBeGreaterThan(0);
    expect(r.client.byGrpcStatus!.UNAVAILABLE).toBe(uo);
    expect(r.client.byGrpcStatus!.OK).toBe(r.client.total - uo);
  });

  it('a Trailers-Only error needs grpcStatus for inTrailers, and status or grpcStatus', () => {
    expect(() => run({ '*': { errors: [{ rate: 1 } as never] } })).toThrow(
      /status: is required without grpcStatus/,
    );
    expect(() => run({ '*': { errors: [{ status: 503, inTrailers: true, rate: 1 }] } })).toThrow(
      /inTrailers: needs grpcStatus/,
    );
  });
});
