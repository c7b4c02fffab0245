import { type Report, type ScenarioSpecInput, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

// What Envoy charges a host's rq_error for an attempt that ends in a reset (source/common/router/router.cc):
// Filter::onUpstreamReset and Filter::onPerTryTimeoutCommon ask maybeRetryReset first, which on a retry
// charges the host it leaves (upstreamHost()->stats().rq_error_.inc()); without one, chargeUpstreamAbort
// charges the 503 (502, 504) through chargeUpstreamCode, a 5xx, so rq_error again. Every reset attempt is
// charged exactly once, retried or not; a 200 charges none.
type Endpoint = NonNullable<ScenarioSpecInput['endpoints']>[string];

function run(endpoint: Endpoint, retries: string, protocol: 'HTTP' | 'HTTP2' = 'HTTP'): Report {
  const vs = virtualServiceYaml(
    `- route: [{ destination: { host: api.example.com } }]\n  retries: ${retries}`,
  );
  return simulate({
    config: `${hostsYaml(1, '', { number: 80, protocol })}\n${vs}`,
    seed: 21,
    duration: '10s',
    traffic: { host: 'api.example.com', port: 80, rps: 100 },
    endpoints: { '*': endpoint },
  });
}

describe("a host's rq_error for attempts that end in a reset", () => {
  it('a connection reset on every attempt: two retried and one unretried attempt per request, three charges', () => {
    const r = run({ reset: { rate: 1 } }, '{ attempts: 2, retryOn: reset }');
    const n = r.client.total;
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    expect(r.client.byFlag).toEqual({ 'UC,URX': n });
    expect(host.rqTotal).toBe(3 * n);
    // Before the retried resets were charged this was n: only the last, unretried attempt.
    expect(host.rqError).toBe(3 * n);
  });

  it('REFUSED_STREAM half the time under the default retries: each refused attempt is charged once', () => {
    const r = run({ errors: [{ reset: 'refused-stream', rate: 0.5 }] }, '{ attempts: 2 }', 'HTTP2');
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    const failed = r.client.byStatus['503'] ?? 0;
    // A refused attempt is either retried (upstream_rq_retry counts it) or the last one, which fails the request.
    expect(host.rqError).toBe(s.upstream_rq_retry! + failed);
    // Every attempt that was not refused answered 200, the request's only answer.
    expect(host.rqError).toBe(host.rqTotal - (n - failed));
    // Refused attempts per request: p + p² + p³ = 7/8 with p = 1/2; its variance is 0.4844, so four
    // standard deviations of the mean over n requests is 4·√(0.4844/n).
    expect(Math.abs(host.rqError / n - 7 / 8)).toBeLessThan(4 * Math.sqrt(0.484375 / n));
  });

  it('a per-try timeout retried twice, then unretried: a charge per attempt (504 on the last)', () => {
    const r = run({ latency: { constant: '50ms' } }, '{ attempts: 2, perTryTimeout: 10ms, retryOn: 5xx }');
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    expect(r.client.byStatus).toEqual({ 504: n });
    expect(s.upstream_rq_per_try_timeout).toBe(3 * n);
    expect(host.rqError).toBe(3 * n);
  });

  it('a reset retry_on does not list is charged once, by chargeUpstreamAbort', () => {
    const r = run({ reset: { rate: 1 } }, '{ attempts: 2, retryOn: connect-failure }');
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry ?? 0).toBe(0);
    expect(host.rqError).toBe(r.client.total);
    expect(host.rqTotal).toBe(r.client.total);
  });
});
