import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { dnsEntry } from './fixtures/dns-entry.js';
import { CLUSTER, clusterOn, hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const HTTPS = { number: 443, protocol: 'HTTPS' };
const TCP = { number: 5432, protocol: 'TCP' };

/** 99.9 % two-sided binomial bound on a share measured over n trials. */
const bound = (p: number, n: number) => 3.29 * Math.sqrt((p * (1 - p)) / n);

const retryingVirtualService = virtualServiceYaml(
  '- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 3, retryOn: 5xx }',
);

describe('a tcp-proxied port (HTTPS, TLS, TCP): connections, not requests (E.1)', () => {
  it("the application's TLS crosses the proxy: its handshake adds one round trip to a connection's first request", () => {
    const run = (port: typeof HTTPS) =>
      simulate({
        config: hostsYaml(1, '', port),
        seed: 81,
        duration: '10s',
        proxy: { workers: 1 },
        network: { rtt: '10ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
        endpoints: { '*': { latency: { constant: '5ms' } } },
      });
    const https = run(HTTPS);
    const tcp = run(TCP);
    const tls12 = simulate({
      config: hostsYaml(1, '', HTTPS),
      seed: 81,
      duration: '10s',
      proxy: { workers: 1 },
      network: { rtt: '10ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { latency: { constant: '5ms' }, tlsMaxProtocolVersion: 'TLSV1_2' } },
    });
    // A server capped at TLS 1.2: the application's full handshake takes two round trips, one more.
    expect(tls12.client.latencyMs.max).toBe(45);
    // First request: the proxy's connect 10 ms (+ the app's TLS 1.3, 10 ms) + request 10 ms + 5 ms.
    expect(tcp.client.latencyMs.max).toBe(25);
    expect(https.client.latencyMs.max).toBe(35);
    // Then the kept-alive connection: 15 ms.
    expect(https.client.latencyMs.p50).toBe(15);
    const cluster = https.clusters[clusterOn(443)]!;
    expect(cluster.proxy).toBe('tcp');
    expect(cluster.stats.upstream_cx_total).toBe(1);
    // Envoy counts the session as the host's one stream; the requests it carried are invisible to it.
    expect(cluster.hosts[0]!.rqTotal).toBe(1);
    expect(cluster.hosts[0]!.appRequests).toBe(https.client.total);
  });

  it('with keep-alive a client sticks to the host its connection opened to; an HTTP port balances each request', () => {
    const run = (port: typeof HTTPS, keepAlive: boolean) =>
      simulate({
        config: hostsYaml(3, '', port),
        seed: 82,
        duration: '60s',
        network: { rtt: '1ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '100ms', keepAlive },
        endpoints: { '*': { latency: { constant: '5ms' } } },
      });
    const sticky = run(HTTPS, true).clusters[clusterOn(443)]!;
    const loads = sticky.hosts.map((h) => h.appRequests ?? 0);
    // One client, one connection: every request on the one host it opened to.
    expect(sticky.stats.upstream_cx_total).toBe(1);
    expect(loads.filter((n) => n > 0)).toHaveLength(1);
    // A connection per request: each is a fresh LEAST_REQUEST pick among idle hosts, a uniform third.
    for (const [r, cluster] of [
      [run(HTTPS, false), clusterOn(443)],
      [run({ number: 80, protocol: 'HTTP' }, true), CLUSTER],
    ] as const) {
      const hosts = r.clusters[cluster]!.hosts;
      const n = r.client.total;
      for (const h of hosts) {
        const share = (h.appRequests ?? h.rqTotal) / n;
        expect(Math.abs(share - 1 / 3)).toBeLessThanOrEqual(bound(1 / 3, n));
      }
    }
  });

  it('http retries of the VirtualService never run on an HTTPS port: the 503s reach the app as sent', () => {
    const run = (port: typeof HTTPS) =>
      simulate({
        config: `${hostsYaml(2, '', port)}\n${retryingVirtualService}`,
        seed: 83,
        duration: '30s',
        traffic: { host: 'api.example.com', rps: 200, keepAlive: false },
        endpoints: { '*': { latency: { constant: '2ms' }, errors: [{ status: 503, rate: 0.3 }] } },
      });
    const https = run(HTTPS);
    const n = https.client.total;
    const share = (https.client.byStatus['503'] ?? 0) / n;
    expect(Math.abs(share - 0.3)).toBeLessThanOrEqual(bound(0.3, n));
    expect(https.clusters[clusterOn(443)]!.stats.upstream_rq_retry).toBe(0);
    expect(https.warnings.join('\n')).toMatch(
      /HTTPS: the sidecar tcp-proxies it, so these http routes .* never apply/,
    );
    // The same routes on an HTTP port: four tries, 0.3⁴ = 0.81 % fail.
    const http = run({ number: 80, protocol: 'HTTP' });
    const m = http.client.total;
    expect(Math.abs((http.client.byStatus['503'] ?? 0) / m - 0.0081)).toBeLessThanOrEqual(bound(0.0081, m));
  });

  it('a refused connect is not retried (max_connect_attempts 1): status 0 UF,URX, and five eject the host', () => {
    const r = simulate({
      config: hostsYaml(
        2,
        `loadBalancer: { simple: ROUND_ROBIN }
outlierDetection: { consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100 }`,
        TCP,
      ),
      seed: 84,
      duration: '100s',
      traffic: { host: 'api.example.com', rps: 10, arrivals: 'constant', keepAlive: false },
      endpoints: { '*': { latency: { constant: '2ms' } }, '10.0.0.1': { connect: 'refuse' } },
    });
    const cluster = r.clusters[clusterOn(5432)]!;
    // Without the split, a refused connect counts as a 503 for consecutive5xx, a connect success as a 200.
    // Round robin sends every other connection to the refusing host: 5 failures in its first second, then
    // 30 s out, back at the 40 s sweep, 5 more failures, then 60 s out: past the end of the run.
    expect(cluster.ejections).toHaveLength(2);
    expect(cluster.ejections[0]!.atMs).toBeLessThan(1_000);
    expect(cluster.ejections[1]!.atMs).toBeGreaterThanOrEqual(40_000);
    expect(cluster.ejections[1]!.atMs).toBeLessThan(41_100);
    expect(r.client.byFlag['UF,URX']).toBe(10);
    expect(r.client.byStatus['0']).toBe(10);
    expect(cluster.stats.upstream_cx_connect_attempts_exceeded).toBe(10);
    expect(r.client.errorRate).toBeCloseTo(10 / r.client.total, 12);
  });

  it('an HTTP 5xx never reaches outlier detection: the proxy sees bytes, not statuses', () => {
    const r = simulate({
      config: hostsYaml(1, 'outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: 100 }', TCP),
      seed: 85,
      duration: '10s',
      traffic: { host: 'api.example.com', rps: 50 },
      endpoints: { '*': { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] } },
    });
    expect(r.client.byStatus).toEqual({ '500': r.client.total });
    expect(r.clusters[clusterOn(5432)]!.ejections).toHaveLength(0);
  });

  it('maxConnections is a hard limit: a kept-alive connection holds it, another application is closed at once (UO)', () => {
    const r = simulate({
      config: hostsYaml(1, 'connectionPool: { tcp: { maxConnections: 1 } }', TCP),
      seed: 86,
      duration: '10s',
      proxy: { workers: 1 },
      network: { rtt: '1ms' },
      // Two applications (sources), each with its own keep-alive pool; the first sends first.
      traffic: [
        { host: 'api.example.com', clients: 1, thinkTime: '10ms' },
        { host: 'api.example.com', clients: 2, thinkTime: '10ms' },
      ],
      endpoints: { '*': { latency: { constant: '9ms' } } },
    });
    // The first connects (1 ms), then each request takes 1 + 9 ms and a 10 ms think: sends at 0, 21, 41, …,
    // 9981: 500. The second's two clients are refused at once every 10 ms: sends at 0, 10, …, 9990: 2 × 1000.
    expect(r.client.byStatus).toEqual({ '0': 2000, '200': 500 });
    expect(r.client.byFlag).toEqual({ '-': 500, UO: 2000 });
    expect(r.clusters[clusterOn(5432)]!.stats.upstream_cx_overflow).toBe(2000);
  });

  it('a black-holed endpoint costs exactly connectTimeout per connection, then closes it (UF,URX)', () => {
    const r = simulate({
      config: hostsYaml(1, 'connectionPool: { tcp: { connectTimeout: 1s } }', HTTPS),
      seed: 87,
      duration: '10s',
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { connect: 'blackhole' } },
    });
    // Sends at 0, 2, 4, 6, 8 s; each closed after 1 s.
    expect(r.client.byFlag).toEqual({ 'UF,URX': 5 });
    expect(r.client.latencyMs.max).toBe(1000);
    expect(r.clusters[clusterOn(443)]!.stats.upstream_cx_connect_timeout).toBe(5);
  });

  it("a server's broken TLS fails the application's handshake, which the proxy never sees: no ejection", () => {
    const r = simulate({
      config: hostsYaml(1, 'outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: 100 }', HTTPS),
      seed: 88,
      duration: '10s',
      network: { rtt: '10ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { connect: 'tlsError' } },
    });
    const n = r.client.total;
    expect(r.client.byFlag).toEqual({ '-': n });
    expect(r.client.byStatus).toEqual({ '0': n });
    // The proxy's connect (10 ms), then the application's failed handshake (10 ms).
    expect(r.client.latencyMs.max).toBe(20);
    expect(r.clusters[clusterOn(443)]!.ejections).toHaveLength(0);
  });

  it('TLS the DestinationRule originates on an HTTPS port wraps the application TLS in TLS: nothing gets through', () => {
    const r = simulate({
      config: hostsYaml(1, 'tls: { mode: SIMPLE }', HTTPS),
      seed: 89,
      duration: '10s',
      network: { rtt: '10ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    expect(r.client.byStatus).toEqual({ '0': r.client.total });
    // TCP 10 ms + the proxy's TLS 10 ms, then the application's handshake fails after 10 ms more.
    expect(r.client.latencyMs.max).toBe(30);
  });

  it('LOGICAL_DNS: each connection reaches the first answer of its time; the report counts requests by address', () => {
    const answers = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    const run = (keepAlive: boolean) =>
      simulate({
        config: dnsEntry('DNS_ROUND_ROBIN').replace(
          '{ number: 80, name: http, protocol: HTTP }',
          '{ number: 443, name: https, protocol: HTTPS }',
        ),
        seed: 91,
        duration: '60s',
        // The answers rotate at every refresh, every 5 s: each address is first for 4 of the 12 windows.
        dns: { 'api.third-party.io': { ttl: '5s', answers, rotate: true } },
        traffic: { host: 'api.third-party.io', clients: 2, thinkTime: '50ms', keepAlive },
        endpoints: { '*': { latency: { constant: '5ms' } } },
      });
    const host = (r: ReturnType<typeof run>) => r.clusters['outbound|443||api.third-party.io']!.hosts[0]!;
    // Kept alive: both connections open at t = 0, to the first answer then, and carry every request.
    const sticky = run(true);
    expect(host(sticky).requestsByAddress).toEqual({ '198.51.100.1': sticky.client.total });
    // A connection per request follows the rotation: every address gets requests (~20 a second in each
    // 5 s window), and they add up to the requests sent.
    const fresh = run(false);
    const byAddress = host(fresh).requestsByAddress!;
    expect(Object.keys(byAddress).sort()).toEqual(answers);
    expect(Object.values(byAddress).reduce((a, b) => a + b, 0)).toBe(fresh.client.total);
  });

  it('tcp.idleTimeout closes a kept-alive connection idle that long; the next request connects again', () => {
    const r = simulate({
      config: hostsYaml(1, 'connectionPool: { tcp: { idleTimeout: 5s } }', TCP),
      seed: 90,
      duration: '30s',
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '7s' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    const stats = r.clusters[clusterOn(5432)]!.stats;
    // Sends about every 7 s (0, 7, 14, 21, 28 s): each finds its connection closed 5 s after its last answer,
    // except that the last one's close falls after the run.
    expect(r.client.total).toBe(5);
    expect(stats.upstream_cx_total).toBe(5);
    expect(stats['tcp.idle_timeout']).toBe(4);
  });

  it("a server closing the application's idle connection: the keep-alive race, end to end", () => {
    const run = (policy: string) =>
      simulate({
        config: hostsYaml(1, policy, TCP),
        seed: 91,
        duration: '60s',
        proxy: { workers: 1 },
        network: { rtt: '200ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '4.9s' },
        endpoints: { '*': { latency: { constant: '5ms' }, idleTimeout: '5s' } },
      });
    // A fresh connection: connect 200 + request 200 + 5 = 405 ms. Idle from 405, the server's FIN reaches
    // the proxy at 5405; the next request leaves at 5305, within a round trip of it, so it meets a closed
    // server and the application's connection closes under it at 5405 (100 ms, unanswered). The next,
    // at 10305, opens a fresh one: the pair repeats every 10.305 s, 6 times in 60 s.
    const raced = run('');
    expect(raced.client.byStatus).toEqual({ '0': 6, '200': 6 });
    expect(raced.client.latencyMs.max).toBe(405);
    expect(raced.clusters[clusterOn(5432)]!.stats.upstream_cx_total).toBe(6);
    // A proxy idle timeout below the server's closes first (at 4405), so every request opens a fresh
    // connection: sends every 5.305 s, 12 in 60 s, all answered; 11 idle timeouts (the last falls after).
    const safe = run('connectionPool: { tcp: { idleTimeout: 4s } }');
    expect(safe.client.byStatus).toEqual({ '200': 12 });
    expect(safe.clusters[clusterOn(5432)]!.stats['tcp.idle_timeout']).toBe(11);
  });

  it("a host that goes dark: the kept-alive connection's request hangs until the proxy's idle timeout", () => {
    const r = simulate({
      config: hostsYaml(1, 'connectionPool: { tcp: { idleTimeout: 2s, connectTimeout: 1s } }', TCP),
      seed: 93,
      duration: '10s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '1s' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '3s', endpoint: '10.0.0.1', set: { connect: 'blackhole' } }],
    });
    // Sends at 0, 1005, 2010 (5 ms each); 3015 goes out on the kept-alive connection to the dark host and
    // hangs: no byte for 2 s, so the proxy closes it at 5015 (status 0). The next, at 6015, connects to a
    // host that never answers: closed at 7015 (UF,URX); 8015 likewise at 9015.
    expect(r.client.byStatus).toEqual({ '0': 3, '200': 3 });
    expect(r.client.byFlag).toEqual({ '-': 4, 'UF,URX': 2 });
    expect(r.clusters[clusterOn(5432)]!.stats['tcp.idle_timeout']).toBe(1);
    expect(r.client.latencyMs.max).toBe(2000);
  });

  it("tcpKeepalive drops an idle application connection to a host that went dark, so the next one isn't sent into it", () => {
    const run = (policy: string) =>
      simulate({
        config: hostsYaml(1, policy, TCP),
        seed: 94,
        duration: '70s',
        network: { rtt: '10ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime: '60s' },
        endpoints: { '*': { latency: { constant: '5ms' } } },
        timeline: [{ at: '5s', endpoint: '10.0.0.1', set: { connect: 'blackhole' } }],
      });
    // Without probes the idle session looks fine: the request at 60.025 s goes into it and hangs.
    const blind = run('connectionPool: { tcp: { connectTimeout: 1s } }');
    expect(blind.unfinished).toBe(1);
    // Idle from 25 ms: a probe at 10.025 s unanswered, then 3 more 5 s apart: dropped at 25.025 s. The
    // request at 60.025 s opens a new connection, to a host that never answers: closed after 1 s.
    const probed = run(
      'connectionPool: { tcp: { connectTimeout: 1s, tcpKeepalive: { time: 10s, interval: 5s, probes: 3 } } }',
    );
    expect(probed.unfinished).toBe(0);
    expect(probed.client.byFlag).toEqual({ '-': 1, 'UF,URX': 1 });
    expect(probed.clusters[clusterOn(5432)]!.stats.upstream_cx_destroy_remote).toBe(1);
  });

  it('tcp.maxConnectionDuration closes a session that long after it began, a request on it unanswered', () => {
    const run = (latency: string, thinkTime: string) =>
      simulate({
        config: hostsYaml(1, 'connectionPool: { tcp: { maxConnectionDuration: 10s } }', TCP),
        seed: 92,
        duration: '30s',
        network: { rtt: '0ms' },
        traffic: { host: 'api.example.com', clients: 1, thinkTime },
        endpoints: { '*': { latency: { constant: latency } } },
      });
    // Idle at each close: requests every 1.005 s; sessions begin at 0, ~10.05 and ~20.1 s, and only the
    // first two reach their 10 s within the run. Every request is answered.
    const idle = run('5ms', '1s');
    const idleStats = idle.clusters[clusterOn(5432)]!.stats;
    expect(idle.client.byStatus).toEqual({ '200': idle.client.total });
    expect(idleStats.upstream_cx_total).toBe(3);
    expect(idleStats['tcp.max_downstream_connection_duration']).toBe(2);
    // Busy at each close: 3 s requests back to back, sent at 0, 3, 6, 9 | 10, 13, 16, 19 | 20, 23, 26, 29;
    // the ones sent at 9, 19 and 29 are cut at 10, 20 and 30 s, after 1 s, unanswered.
    const busy = run('3s', '0s');
    expect(busy.client.byStatus).toEqual({ '0': 3, '200': 9 });
    expect(busy.client.latencyMs.max).toBe(3000);
    expect(busy.clusters[clusterOn(5432)]!.stats['tcp.max_downstream_connection_duration']).toBe(3);
  });

  describe('maxConnections on a tcp-proxied port is a loss system: Erlang B', () => {
    // A connection per request, held for its exponential service (20 ms, no round trip): Poisson arrivals at
    // 100/s offer a = 2 Erlangs to 3 connections, and an arrival finding all 3 held is closed at once.
    // Erlang's loss formula: B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) → B(3) = 4/19 = 0.2105.
    let b = 1;
    for (let k = 1; k <= 3; k++) b = (2 * b) / (k + 2 * b);
    const shares = Array.from({ length: 20 }, (_, i) => {
      const r = simulate({
        config: hostsYaml(2, 'connectionPool: { tcp: { maxConnections: 3 } }', TCP),
        seed: 3000 + i,
        duration: '100s',
        network: { rtt: '0ms' },
        traffic: { host: 'api.example.com', rps: 100, keepAlive: false },
        endpoints: { '*': { latency: { exponential: '20ms' } } },
      });
      return (r.client.byFlag.UO ?? 0) / r.client.total;
    });

    it(`closes ${b.toFixed(4)} of connections, within the 99.9 % interval of 20 replications`, () => {
      const mean = shares.reduce((s, x) => s + x, 0) / shares.length;
      const sd = Math.sqrt(shares.reduce((s, x) => s + (x - mean) ** 2, 0) / (shares.length - 1));
      const t999 = 3.8834; // Student t, 19 degrees of freedom, two-sided 99.9 %
      expect(Math.abs(mean - b)).toBeLessThanOrEqual((t999 * sd) / Math.sqrt(shares.length));
      expect((t999 * sd) / Math.sqrt(shares.length)).toBeLessThan(0.01);
    });
  });
});
