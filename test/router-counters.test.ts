import { type ScenarioSpecInput, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

// The router's own counters, as Envoy's router.cc and retry_state_impl.cc count them.

function run(http: string, endpoints: ScenarioSpecInput['endpoints'], hosts = 1, policy = '', seed = 3) {
  return simulate({
    config: `${hostsYaml(hosts, policy)}\n${virtualServiceYaml(http)}`,
    seed,
    duration: '20s',
    network: { rtt: '0ms' },
    traffic: { host: 'api.example.com', rps: 20 },
    endpoints,
  });
}

describe('upstream_rq_timeout counts the attempts in flight when the route timeout fires (Filter::onResponseTimeout)', () => {
  it('a timeout during retry back-off counts nothing and charges no 504 upstream; the client still gets 504 UT', () => {
    // Attempt 1 answers 503 at 100.5 ms; the back-off is a whole number of ms in [0, 20); the route
    // timeout fires at 110 ms. A back-off of 0..9 ms starts attempt 2 before 110 ms (in flight then:
    // counted); 10..19 ms leaves the request in back-off, off upstream_requests_ (not counted).
    const r = run(
      `- route: [{ destination: { host: api.example.com } }]
  timeout: 110ms
  retries: { attempts: 3, retryOn: 5xx, backoff: 20ms }`,
      { '*': { errors: [{ status: 503, rate: 1 }], latency: { constant: '100.5ms' } } },
    );
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    expect(r.client.byFlag).toEqual({ UT: n });
    expect(s.upstream_rq_retry).toBe(n);
    const secondAttempts = s.upstream_rq_total! - n;
    // Exactly the requests whose second attempt started are counted, and charged 504.
    expect(s.upstream_rq_timeout).toBe(secondAttempts);
    expect(s.upstream_rq_504 ?? 0).toBe(secondAttempts);
    // Half the back-offs are below 10 ms: binomial(n, 1/2) within 4 standard deviations.
    expect(Math.abs(secondAttempts - n / 2)).toBeLessThan(4 * Math.sqrt(n / 4));
    expect(n).toBeGreaterThan(300);
    // The global timeout is no retry decision: nothing counts as a retry success.
    expect(s.upstream_rq_retry_success).toBe(0);
  });
});

describe('upstream_rq_retry_success counts a retry whose outcome the policy does not retry (RetryStateImpl::shouldRetry)', () => {
  it('a 500 the policy does not retry, after a retried 503, counts; the client sees the 500', () => {
    // Round robin with the previous_hosts predicate: a 503 from 10.0.0.1 is retried on 10.0.0.2,
    // whose 500 is not in retryOn "503": NoRetry with a retry armed. A first attempt on 10.0.0.2 is
    // no retry at all.
    const r = run(
      `- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 2, retryOn: "503" }`,
      {
        '10.0.0.1': { errors: [{ status: 503, rate: 1 }] },
        '10.0.0.2': { errors: [{ status: 500, rate: 1 }] },
      },
      2,
      'loadBalancer: { simple: ROUND_ROBIN }',
    );
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    expect(r.client.byStatus).toEqual({ '500': n });
    expect(s.upstream_rq_retry).toBeGreaterThan(n / 4);
    expect(s.upstream_rq_retry_success).toBe(s.upstream_rq_retry);
  });

  it('an exhausted retriable 429 is no success: the decision was a retry refused by the limit', () => {
    const r = run(
      `- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 2, retryOn: "429" }`,
      { '*': { errors: [{ status: 429, rate: 1 }] } },
    );
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    expect(r.client.byFlag).toEqual({ URX: n });
    expect(s.upstream_rq_retry).toBe(2 * n);
    expect(s.upstream_rq_retry_limit_exceeded).toBe(n);
    expect(s.upstream_rq_retry_success).toBe(0);
  });

  it('a per-try timeout the policy does not retry, after a retry, counts (shouldRetryReset with NoRetry)', () => {
    // 10.0.0.1 answers 503 at once (retried on 10.0.0.2); 10.0.0.2 hangs until the per-try timeout,
    // a local reset that neither "503" nor connect-failure retries.
    const r = run(
      `- route: [{ destination: { host: api.example.com } }]
  retries: { attempts: 2, retryOn: "503,connect-failure", perTryTimeout: 50ms }`,
      { '10.0.0.1': { errors: [{ status: 503, rate: 1 }] }, '10.0.0.2': { latency: { constant: '1h' } } },
      2,
      'loadBalancer: { simple: ROUND_ROBIN }',
    );
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    expect(r.client.byFlag).toEqual({ UT: n });
    expect(s.upstream_rq_per_try_timeout).toBe(n);
    expect(s.upstream_rq_retry).toBeGreaterThan(n / 4);
    expect(s.upstream_rq_retry_success).toBe(s.upstream_rq_retry);
  });
});
