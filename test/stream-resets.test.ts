import { checkExpectations, type Report, type ScenarioSpecInput, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

// Streams the server ends in a reset, and answers marked x-envoy-ratelimited, as Envoy's router meets
// them: Filter::onUpstreamReset / maybeRetryReset, RetryStateImpl::wouldRetryFromReset and
// wouldRetryFromHeaders (source/common/router/router.cc, retry_state_impl.cc).
type Errors = NonNullable<NonNullable<ScenarioSpecInput['endpoints']>[string]['errors']>;

function run(protocol: 'HTTP' | 'HTTP2', errors: Errors, retries = '', hosts = 1, outlier = ''): Report {
  const vs =
    retries === ''
      ? ''
      : `\n${virtualServiceYaml(`- route: [{ destination: { host: api.example.com } }]\n  retries: ${retries}`)}`;
  return simulate({
    config: hostsYaml(hosts, outlier, { number: 80, protocol }) + vs,
    seed: 9,
    duration: '10s',
    traffic: { host: 'api.example.com', port: 80, rps: 100 },
    endpoints: { '*': { errors } },
  });
}

/** |x/n − p| within four standard deviations of a binomial share. */
function expectShare(x: number, n: number, p: number): void {
  expect(Math.abs(x / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
}

describe('REFUSED_STREAM from an HTTP/2 server', () => {
  it("Istio's default retryOn retries it twice: a request fails only when all three attempts are refused", () => {
    const r = run('HTTP2', [{ reset: 'refused-stream', rate: 0.5 }]);
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    const failed = r.client.byStatus['503']!;
    // Each attempt is refused with probability 1/2: P(three refusals) = 1/8, 503 UR once retries ran out.
    expectShare(failed, n, 1 / 8);
    expect(r.client.byFlag).toEqual({ '-': n - failed, 'UR,URX': failed });
    // Expected retries per request p + p² = 3/4; every attempt is a request upstream.
    expect(s.upstream_rq_total).toBe(n + s.upstream_rq_retry!);
    expect(Math.abs(s.upstream_rq_retry! / n - 0.75)).toBeLessThan(4 * Math.sqrt(0.6875 / n));
    expect(s.upstream_rq_retry_limit_exceeded).toBe(failed);
    // Only the answer the client got is charged: retried resets charge no code.
    expect(s.upstream_rq_503).toBe(failed);
    // The connection carries on: one connection per worker, nothing destroyed, no rx_reset counted.
    expect(s.upstream_cx_destroy ?? 0).toBe(0);
    expect(s.upstream_rq_rx_reset ?? 0).toBe(0);
  });

  it('is not retried without refused-stream, reset, 5xx or gateway-error', () => {
    const r = run(
      'HTTP2',
      [{ reset: 'refused-stream', rate: 0.5 }],
      '{ attempts: 2, retryOn: connect-failure }',
    );
    const n = r.client.total;
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry ?? 0).toBe(0);
    expectShare(r.client.byFlag.UR!, n, 1 / 2);
    expect(r.client.byStatus['503']).toBe(r.client.byFlag.UR);
  });

  it('counts for outlier detection as a local-origin failure (a 503 when not split)', () => {
    const r = run(
      'HTTP2',
      [{ reset: 'refused-stream', rate: 1 }],
      '{ attempts: 0 }',
      2,
      'outlierDetection: { consecutive5xxErrors: 3, baseEjectionTime: 60s, maxEjectionPercent: 50 }',
    );
    expect(r.clusters[CLUSTER]!.stats['outlier_detection.ejections_enforced_consecutive_5xx']).toBe(1);
  });

  it('on an HTTP/1.1 connection, which cannot refuse a stream, it is a connection closed before the answer (UC)', () => {
    const r = run('HTTP', [{ reset: 'refused-stream', rate: 0.5 }]);
    const s = r.clusters[CLUSTER]!.stats;
    // Istio's default retryOn has no token for a closed connection: nothing is retried.
    expect(s.upstream_rq_retry ?? 0).toBe(0);
    expectShare(r.client.byFlag.UC!, r.client.total, 1 / 2);
    expect(s.upstream_cx_destroy_remote_with_active_rq).toBe(r.client.byFlag.UC);
  });

  // The Scenario document starts after the ServiceEntry's ten lines: its endpoint is on line 14, the timeline on 18.
  const refusing = (protocol: string) => ({
    file: 'refusing.yaml',
    text: `${hostsYaml(1, '', { number: 80, protocol })}---
kind: Scenario
apiVersion: meshsim.dev/v1alpha1
spec:
  endpoints: { "10.0.0.1": { errors: [{ reset: refused-stream, rate: 0.1 }] } }
  traffic: [{ host: api.example.com, rps: 10 }]
  duration: 2s
  timeline:
    - { at: 1s, endpoint: 10.0.0.1, set: { errors: [{ status: 500, rate: 0.1 }, { reset: refused-stream, rate: 0.2 }] } }
`,
  });

  it('is warned about at each field that asks for it on an HTTP/1.1 cluster, saying why', () => {
    const warnings = simulate({ config: refusing('HTTP') }).warnings.filter((w) =>
      w.includes('REFUSED_STREAM'),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^refusing\.yaml:14:\d+ warning spec\.endpoints\["10\.0\.0\.1"\]\.errors\[0\]\.reset: /,
    );
    expect(warnings[0]).toContain(
      'cluster outbound|80||api.example.com speaks HTTP/1.1 to this endpoint, and REFUSED_STREAM is an HTTP/2 RST_STREAM code',
    );
    expect(warnings[1]).toMatch(
      /^refusing\.yaml:18:\d+ warning spec\.timeline\[0\]\.set\.errors\[1\]\.reset: /,
    );
    // HTTP/2 can refuse a stream: nothing to warn about.
    expect(simulate({ config: refusing('HTTP2') }).warnings.join('\n')).not.toContain('REFUSED_STREAM');
  });
});

describe('a reset after the response headers', () => {
  it('HTTP/2: the client keeps the status already sent, flag UR; nothing is retried, the connection stays', () => {
    const r = run('HTTP2', [{ reset: 'after-headers', rate: 0.5 }]);
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    const reset = r.client.byFlag.UR!;
    expectShare(reset, n, 1 / 2);
    expect(r.client.byStatus).toEqual({ '200': n });
    expect(s.upstream_rq_retry ?? 0).toBe(0);
    expect(s.upstream_rq_200).toBe(n);
    expect(s.upstream_rq_rx_reset).toBe(reset);
    expect(s.upstream_cx_destroy ?? 0).toBe(0);
    // A 200 whose body broke is still a success for the host (rq_success at the headers).
    expect(r.clusters[CLUSTER]!.hosts[0]!.rqError).toBe(0);
  });

  it('HTTP/1.1: the server closes the connection mid-response, flag UC', () => {
    const r = run('HTTP', [{ reset: 'after-headers', rate: 0.5 }]);
    const s = r.clusters[CLUSTER]!.stats;
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expectShare(r.client.byFlag.UC!, r.client.total, 1 / 2);
    expect(s.upstream_cx_destroy_remote_with_active_rq).toBe(r.client.byFlag.UC);
  });

  it('headers the policy retries are retried at the headers, before the reset matters', () => {
    const r = run(
      'HTTP2',
      [{ status: 503, reset: 'after-headers', rate: 1 }],
      '{ attempts: 2, retryOn: 5xx }',
    );
    const n = r.client.total;
    const s = r.clusters[CLUSTER]!.stats;
    expect(s.upstream_rq_retry).toBe(2 * n);
    expect(s['retry.upstream_rq_503']).toBe(2 * n);
    // The last 503 goes downstream, then its stream is reset.
    expect(r.client.byFlag).toEqual({ 'UR,URX': n });
    expect(s.upstream_rq_rx_reset).toBe(n);
  });

  it('a gRPC application reads the broken stream as INTERNAL', () => {
    const r = simulate({
      config: hostsYaml(1, '', { number: 50051, protocol: 'GRPC' }),
      seed: 9,
      duration: '5s',
      traffic: { host: 'api.example.com', port: 50051, rps: 50 },
      endpoints: { '*': { errors: [{ reset: 'after-headers', rate: 1 }] } },
    });
    expect(r.client.byGrpcStatus).toEqual({ INTERNAL: r.client.total });
    // The deferred gRPC success never comes: each one is a host error (chargeUpstreamAbort).
    expect(r.clusters['outbound|50051||api.example.com']!.hosts[0]!.rqError).toBe(r.client.total);
  });
});

describe('x-envoy-ratelimited', () => {
  const limited: Errors = [{ status: 503, envoyRateLimited: true, rate: 1 }];

  it('is never retried under another token, even 5xx', () => {
    const r = run('HTTP', limited, '{ attempts: 2, retryOn: 5xx }');
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry ?? 0).toBe(0);
    expect(r.client.byFlag).toEqual({ '-': r.client.total });
  });

  it('nor as a retriable status code', () => {
    const r = run(
      'HTTP',
      [{ status: 429, envoyRateLimited: true, rate: 1 }],
      '{ attempts: 2, retryOn: "429" }',
    );
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry ?? 0).toBe(0);
  });

  it('is retried under envoy-ratelimited', () => {
    const r = run('HTTP', limited, '{ attempts: 2, retryOn: envoy-ratelimited }');
    const n = r.client.total;
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(2 * n);
    expect(r.client.byFlag).toEqual({ URX: n });
  });
});

describe('a rate limiter that is an Envoy rate limit filter', () => {
  function limitedRun(envoyRateLimited: boolean): Report {
    return simulate({
      config:
        hostsYaml(1) +
        `\n${virtualServiceYaml('- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 2, retryOn: "429" }')}`,
      seed: 9,
      duration: '5s',
      traffic: { host: 'api.example.com', port: 80, rps: 100 },
      endpoints: { '*': { rateLimit: { rps: 50, envoyRateLimited } } },
    });
  }

  it('marks its 429s x-envoy-ratelimited: the retriable status code 429 no longer retries them', () => {
    const marked = limitedRun(true);
    const s = marked.clusters[CLUSTER]!.stats;
    expect(s.upstream_rq_retry ?? 0).toBe(0);
    expect(marked.client.byStatus['429']).toBe(s.upstream_rq_429);
    // The bucket admits its 50-token burst plus 50 a second for 5 s: 300 at most; at 100 rps it is full
    // only before the first arrival, so hardly a token is lost. Every other request is a 429.
    const admitted = marked.client.total - s.upstream_rq_429!;
    expect(admitted).toBeLessThanOrEqual(300);
    expect(admitted).toBeGreaterThanOrEqual(298);
    // Unmarked, the same 429s are retried.
    expect(limitedRun(false).clusters[CLUSTER]!.stats.upstream_rq_retry).toBeGreaterThan(0);
  });
});

describe('validation', () => {
  it.each([
    [
      { reset: 'refused-stream', status: 503, rate: 1 },
      /errors\[0\]\.status: cannot be given with reset: refused-stream/,
    ],
    [
      { reset: 'refused-stream', envoyRateLimited: true, rate: 1 },
      /envoyRateLimited: cannot be given with reset: refused-stream/,
    ],
    [
      { reset: 'after-headers', grpcStatus: 'UNAVAILABLE', rate: 1 },
      /grpcStatus: cannot be given with reset: after-headers/,
    ],
    [{ reset: 'closed', rate: 1 }, /errors\[0\]\.reset/],
  ])('%j is refused', (error, message) => {
    expect(() => run('HTTP2', [error as never])).toThrow(message);
  });
});

describe('why notes', () => {
  it('name the reset a failing endpoint does, at its Scenario line', () => {
    const text = `${hostsYaml(1, '', { number: 80, protocol: 'HTTP2' })}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: refusing }
spec:
  seed: 3
  duration: 2s
  endpoints:
    "*": { errors: [{ reset: refused-stream, rate: 1 }] }
  traffic: [{ host: api.example.com, rps: 20 }]
  expect:
    - errorRate: { max: 0 }
`;
    const [result] = checkExpectations({ config: { file: 'refusing.yaml', text } }).expectations!.results;
    expect(result!.verdict).toBe('fail');
    const note = result!.why.find((w) => w.text.startsWith('10.0.0.1:80'));
    expect(note?.text).toContain(
      "the Scenario's endpoint refuses the stream (REFUSED_STREAM) of 100 % of requests",
    );
    expect(note).toMatchObject({ file: 'refusing.yaml', line: 18 });
  });
});
