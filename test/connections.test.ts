import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const one = (policy: string, extra: Record<string, unknown> = {}) =>
  simulate({
    config: hostsYaml(1, policy),
    seed: 71,
    duration: '10s',
    proxy: { workers: 1 },
    network: { rtt: '10ms' },
    traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
    endpoints: { '*': { latency: { constant: '5ms' } } },
    ...extra,
  });

describe('connection set-up and retirement (B.1, B.2, E.3)', () => {
  it('TLS origination (1.3) adds exactly one round trip to the first request only', () => {
    const plain = one('connectionPool: { tcp: { maxConnections: 10 } }');
    const tls = one('tls: { mode: SIMPLE }');
    // Cold: TCP 10 ms (+ TLS 10 ms) + request 10 ms + 5 ms; warm requests: 15 ms either way.
    expect(plain.client.latencyMs.max).toBe(25);
    expect(tls.client.latencyMs.max).toBe(35);
    expect(tls.client.latencyMs.p50).toBe(15);
    expect(tls.clusters[CLUSTER]!.stats.upstream_cx_total).toBe(1);
  });

  it('a server capped at TLS 1.2 costs exactly one more round trip on the first request than TLS 1.3', () => {
    const tls12 = { '*': { latency: { constant: '5ms' }, tlsMaxProtocolVersion: 'TLSV1_2' } };
    const v13 = one('tls: { mode: SIMPLE }');
    const v12 = one('tls: { mode: SIMPLE }', { endpoints: tls12 });
    // Cold: TCP 10 + TLS 1.3 10 (1.2: 20, E.3) + request 10 + server 5 = 35 vs 45 ms; warm: 15 ms.
    expect(v13.client.latencyMs.max).toBe(35);
    expect(v12.client.latencyMs.max).toBe(45);
    expect(v12.client.latencyMs.max - v13.client.latencyMs.max).toBe(10);
    expect(v12.client.latencyMs.p50).toBe(15);
  });

  it("TLS 1.2 resumes the cluster's one cached session: later connections to the same server take 1 round trip", () => {
    // maxRequestsPerConnection 1: every request connects. The first handshake is full (45 ms), every
    // later one resumes the session it left (Envoy's client keeps max_session_keys = 1): 35 ms.
    const r = one('{ tls: { mode: SIMPLE }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }', {
      endpoints: { '*': { latency: { constant: '5ms' }, tlsMaxProtocolVersion: 'TLSV1_2' } },
    });
    expect(r.client.latencyMs.max).toBe(45);
    expect(r.client.latencyMs.p50).toBe(35);
    // Round robin over two servers: each connection goes to the server the cached session did not come
    // from, so every handshake is full and every request takes 45 ms.
    const two = simulate({
      config: hostsYaml(
        2,
        '{ tls: { mode: SIMPLE }, loadBalancer: { simple: ROUND_ROBIN }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }',
      ),
      seed: 71,
      duration: '10s',
      proxy: { workers: 1 },
      network: { rtt: '10ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { latency: { constant: '5ms' }, tlsMaxProtocolVersion: 'TLSV1_2' } },
    });
    expect(two.client.latencyMs.p50).toBe(45);
    expect(two.client.latencyMs.mean).toBe(45);
  });

  it('a timeline can cap a server at TLS 1.2: its next handshake is full, since a 1.3 session cannot resume it', () => {
    const r = one('{ tls: { mode: SIMPLE }, connectionPool: { http: { maxRequestsPerConnection: 1 } } }', {
      timeline: [{ at: '5s', endpoint: '10.0.0.1', set: { tlsMaxProtocolVersion: 'TLSV1_2' } }],
    });
    // One request a bucket (35 ms each, then 1 s of thinking). Before 5 s: TLS 1.3, 35 ms. The first
    // connection after: full TLS 1.2, 45 ms; the ones after it resume that 1.2 session: 35 ms.
    const p99s = r.timeline.filter((p) => p.requests > 0).map((p) => p.p99Ms);
    expect(p99s.filter((x) => x === 45)).toHaveLength(1);
    expect(p99s.filter((x) => x !== 35 && x !== 45)).toEqual([]);
    expect(r.timeline.findIndex((p) => p.p99Ms === 45)).toBe(5);
  });

  it('tcp.maxConnectionDuration drains a connection that long after it connected (max_connection_duration)', () => {
    const r = one('connectionPool: { tcp: { maxConnectionDuration: 3s } }');
    const stats = r.clusters[CLUSTER]!.stats;
    // Connected at 10 ms, so it drains at 3010, idle: closed. Requests every ~1 s (15 ms each, 25 ms on a new
    // connection): 0, 1025, 2040 on the first; 3055 connects again (drains at 6065); 4080, 5095; 6110
    // connects again (drains at 9120); 7135, 8150; 9165 connects a fourth time. 10 requests, 4 connects.
    expect(r.client.total).toBe(10);
    expect(stats.upstream_cx_total).toBe(4);
    expect(stats.upstream_cx_max_duration_reached).toBe(3);
    expect(r.client.latencyMs.max).toBe(25);
  });

  it('a host that goes dark answers nothing on its open connections either: only a timeout ends the wait', () => {
    const dark = (timeout: string | null) =>
      simulate({
        config:
          timeout === null
            ? hostsYaml(1)
            : `${hostsYaml(1)}\n${virtualServiceYaml(`- route: [{ destination: { host: api.example.com } }]\n  timeout: ${timeout}`)}`,
        seed: 73,
        duration: '10s',
        proxy: { workers: 1 },
        network: { rtt: '10ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
        endpoints: { '*': { latency: { constant: '5ms' } } },
        timeline: [{ at: '5s', endpoint: '10.0.0.1', set: { connect: 'blackhole' } }],
      });
    // Before 5 s: 25 ms, then 15 ms every ~1.015 s (sends at 0, 1025, 2040, 3055, 4070): 5 answered. The
    // send at 5085 goes out on the kept-alive connection and hangs. With Istio's default (no route
    // timeout) nothing ends it: the client waits past the end of the run.
    const hang = dark(null);
    expect(hang.client.byStatus).toEqual({ '200': 5 });
    expect(hang.unfinished).toBe(1);
    // Envoy's gauges at the end say the same: one connection open, one request on it, none pending.
    const gauges = hang.clusters[CLUSTER]!.stats;
    expect([gauges.upstream_cx_active, gauges.upstream_rq_active, gauges.upstream_rq_pending_active]).toEqual(
      [1, 1, 0],
    );
    // A 1 s route timeout: 504 UT at exactly 1 s; the reset closes the connection, and the next request's
    // connect to the dark host never completes (connect timeout 10 s), so it times out at 1 s too.
    const timed = dark('1s');
    expect(timed.client.byStatus).toEqual({ '200': 5, '504': 3 });
    expect(timed.client.byFlag.UT).toBe(3);
    expect(timed.client.latencyMs.max).toBe(1000);
  });

  it('tcpKeepalive finds an idle connection to a host that went dark: probes unanswered, it is dropped', () => {
    const run = (
      policy: string,
      timeline: Array<{ at: string; endpoint: string; set: Record<string, unknown> }>,
    ) =>
      simulate({
        config: hostsYaml(1, policy),
        seed: 74,
        duration: '70s',
        proxy: { workers: 1 },
        network: { rtt: '10ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '60s' },
        endpoints: { '*': { latency: { constant: '5ms' } } },
        timeline,
      });
    const dark = [{ at: '5s', endpoint: '10.0.0.1', set: { connect: 'blackhole' } }];
    // Without keepalive the idle connection looks fine: the request at 60.025 s goes out on it and hangs.
    const blind = run('connectionPool: { tcp: { connectTimeout: 1s } }', dark);
    expect(blind.client.byStatus).toEqual({ '200': 1 });
    expect(blind.unfinished).toBe(1);
    // Idle from 25 ms: a probe at 10.025 s goes unanswered, 3 more 5 s apart: dropped at 25.025 s. The
    // request at 60.025 s connects afresh, to a host that never answers: three 1 s connect timeouts
    // (Istio's default retries connect-failure twice), then 503 UF,URX; nothing hangs.
    const keepalive =
      'connectionPool: { tcp: { connectTimeout: 1s, tcpKeepalive: { time: 10s, interval: 5s, probes: 3 } } }';
    const probed = run(keepalive, dark);
    expect(probed.clusters[CLUSTER]!.stats.upstream_cx_destroy_remote).toBe(1);
    expect(probed.client.byFlag).toEqual({ '-': 1, 'UF,URX': 1 });
    expect(probed.unfinished).toBe(0);
    // Back at 20 s, before the last probe would give up (25.025 s): the connection lives on and serves it.
    const back = run(keepalive, [...dark, { at: '20s', endpoint: '10.0.0.1', set: { connect: 'ok' } }]);
    expect(back.client.byStatus).toEqual({ '200': 2 });
    expect(back.clusters[CLUSTER]!.stats.upstream_cx_total).toBe(1);
  });

  it('maxRequestsPerConnection 1 closes every connection after its request: one connect per request', () => {
    const r = one('connectionPool: { http: { maxRequestsPerConnection: 1 } }');
    const stats = r.clusters[CLUSTER]!.stats;
    expect(stats.upstream_cx_total).toBe(r.client.total);
    expect(stats.upstream_cx_max_requests).toBe(r.client.total);
    // Every request pays the connect round trip: 10 + 10 + 5 ms.
    expect(r.client.latencyMs.p50).toBe(25);
  });

  it('an idle timeout shorter than the think time closes the connection between requests', () => {
    const r = one('connectionPool: { http: { idleTimeout: 500ms } }');
    const stats = r.clusters[CLUSTER]!.stats;
    // Each request finds its connection closed 500 ms after the previous answer: a new connect each time.
    expect(stats.upstream_cx_total).toBe(r.client.total);
    // The last connection times out too if its answer came more than 500 ms before the end.
    expect(stats.upstream_cx_idle_timeout).toBeGreaterThanOrEqual(r.client.total - 1);
    expect(stats.upstream_cx_idle_timeout).toBeLessThanOrEqual(r.client.total);
  });

  it('a TLS handshake failure is a connect failure: 503 UF after retries, each costing TCP + TLS', () => {
    const r = one('tls: { mode: SIMPLE }', {
      endpoints: { '*': { latency: { constant: '5ms' }, connect: 'tlsError' } },
    });
    const n = r.client.total;
    expect(r.client.byFlag).toEqual({ 'UF,URX': n });
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_connect_fail).toBe(3 * n);
    // Three attempts of 20 ms each, back-offs below 25 and 50 ms in between.
    expect(r.client.latencyMs.max).toBeGreaterThanOrEqual(60);
    expect(r.client.latencyMs.max).toBeLessThan(60 + 25 + 50);
  });
});

describe('a rate-limited provider (a token bucket in front of the endpoint)', () => {
  it('answers 429 above its rate: accepted requests track the rate, and 429 is neither 5xx nor retried', () => {
    const r = simulate({
      config: hostsYaml(1, 'outlierDetection: { consecutive5xxErrors: 3, maxEjectionPercent: 100 }'),
      seed: 72,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 100 },
      endpoints: { '*': { latency: { constant: '5ms' }, rateLimit: { rps: 50, burst: 50 } } },
    });
    const accepted = r.client.byStatus['200'] ?? 0;
    const limited = r.client.byStatus['429'] ?? 0;
    // The bucket lets through at most 50 a second plus the burst it starts with; offered twice that,
    // it is nearly always empty, so it admits close to its rate.
    expect(accepted).toBeLessThanOrEqual(50 * 60 + 50);
    expect(accepted).toBeGreaterThan(50 * 60 * 0.95);
    expect(limited).toBe(r.client.total - accepted);
    expect(r.client.errorRate).toBe(0);
    // A 429 resets the consecutive-5xx counter: never an ejection; and no retry policy matches it.
    expect(r.clusters[CLUSTER]!.ejections).toHaveLength(0);
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(0);
  });

  it('a timeline can tighten the limit: the new bucket starts full and admits its new rate', () => {
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 73,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 100 },
      endpoints: { '*': { latency: { constant: '5ms' }, rateLimit: { rps: 50, burst: 50 } } },
      timeline: [{ at: '30s', endpoint: '10.0.0.1', set: { rateLimit: { rps: 10, burst: 10 } } }],
    });
    const accepted = r.client.byStatus['200'] ?? 0;
    // First half: at most 50 × 30 + 50; second half: a fresh bucket of 10 plus 10 × 30.
    expect(accepted).toBeLessThanOrEqual(50 * 30 + 50 + 10 * 30 + 10);
    // Offered 100 a second, either bucket is nearly always empty, so it admits close to its rate
    // (an ignored change would admit about 50 × 60 = 3000).
    expect(accepted).toBeGreaterThan((50 * 30 + 10 * 30) * 0.95);
    expect(r.client.byStatus['429']).toBe(r.client.total - accepted);
  });
});
