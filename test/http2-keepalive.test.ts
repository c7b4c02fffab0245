import { loadConfig, simulate, type TraceEvent } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

const KEEPALIVE = 'http2KeepAlive: { interval: 1s, timeout: 500ms }';
const H2 = (extra = '') =>
  `connectionPool: { http: { h2UpgradePolicy: UPGRADE${extra ? `, ${extra}` : ''} } }`;

/**
 * One host, one worker, rtt 10 ms, 5 ms server time; 10 requests a second, evenly spaced (at 100, 200 …
 * ms); Istio 1.31, the first to know http2KeepAlive; no VirtualService, so no route timeout.
 */
function run(
  trafficPolicy: string,
  options: {
    dark?: boolean;
    rtt?: string;
    duration?: string;
    traffic?: Record<string, unknown>;
    istio?: string;
  } = {},
) {
  const events: TraceEvent[] = [];
  const report = simulate(
    {
      config: hostsYaml(1, trafficPolicy),
      seed: 11,
      duration: options.duration ?? '14s',
      proxy: { workers: 1, istioVersion: options.istio ?? '1.31' },
      network: { rtt: options.rtt ?? '10ms' },
      traffic: { host: 'api.example.com', ...(options.traffic ?? { rps: 10, arrivals: 'constant' }) },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline:
        options.dark === true ? [{ at: '10s', endpoint: '10.0.0.1', set: { connect: 'blackhole' } }] : [],
    },
    { trace: (e) => events.push({ ...e }) },
  );
  return { report, events, stats: report.clusters[CLUSTER]!.stats };
}

/** Each connection's open and close times, by connection id. */
function lifetimes(events: readonly TraceEvent[]): Map<number, { open: number; close: number }> {
  const out = new Map<number, { open: number; close: number }>();
  for (const e of events) {
    if (e.type === 'cx-open') out.set(e.connection, { open: e.tMs, close: Number.POSITIVE_INFINITY });
    if (e.type === 'cx-close') out.get(e.connection)!.close = e.tMs;
  }
  return out;
}

describe('http2KeepAlive: HTTP/2 PINGs find a host that went dark (the codec keepalive)', () => {
  it('without it, every request sent to the dark host hangs on the open HTTP/2 connection', () => {
    // Requests at 100 … 9900 ms are answered (99); the 40 sent from 10 s to 13.9 s hang: no route
    // timeout, and the connection's idle timeout never runs while streams are open.
    const { report, stats } = run(H2(), { dark: true });
    expect(report.client.byFlag).toEqual({ '-': 99 });
    expect(report.unfinished).toBe(40);
    expect(stats.upstream_cx_total).toBe(1);
    expect(stats['http2.keepalive_timeout']).toBeUndefined();
  });

  it('with it, the PING after the host went dark times out and the stuck streams are reset, 503 UC', () => {
    const { report, events, stats } = run(H2(KEEPALIVE), { dark: true });
    const cx = lifetimes(events);
    // The live host answers each PING after 10 ms, and the next goes 1000 + j ms later, j < 150 (15 % of
    // the interval): the last PING before 10 s left before 10 000, the first after it before
    // 10 000 + 1159; nothing answers that one and no frame arrives after it (the last answer came at
    // 9915), so the connection closes 500 ms after it: within [10 500, 11 659], under
    // interval × 1.15 + rtt + timeout = 1660 ms after the host went dark.
    const close = cx.get(1)!.close;
    expect(close - 10_000).toBeGreaterThanOrEqual(500);
    expect(close - 10_000).toBeLessThan(1000 * 1.15 + 10 + 500);
    // The streams it carried were sent at 10 000, 10 100 … below `close`: each reset then, with
    // connection termination, which Istio's default retryOn does not retry.
    const stuck = Math.ceil(close / 100) - 100;
    const resets = events.filter((e) => e.type === 'response' && e.flags === 'UC');
    expect(resets).toHaveLength(stuck);
    expect(resets.every((e) => e.tMs === close)).toBe(true);
    expect(stats.upstream_cx_destroy_local_with_active_rq).toBe(1);
    expect(stats.upstream_rq_rx_reset).toBe(0);
    // Each later connection starts its PING clock as it starts connecting to the black hole: its first
    // PING, written before the SYN is answered, times out 1500–1649 ms in, long before connect_timeout
    // (10 s): a local connect failure, which Istio's default retries (connect-failure) twice.
    const later = [...cx].filter(([id]) => id > 1).map(([, t]) => t.close - t.open);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((ms) => ms >= 1500 && ms < 1650)).toBe(true);
    expect(stats.upstream_cx_connect_fail).toBe(later.length);
    expect(stats.upstream_cx_connect_timeout).toBe(0);
    expect(stats['http2.keepalive_timeout']).toBe(1 + later.length);
    expect(stats.upstream_cx_destroy).toBe(1 + later.length);
    // Nothing hangs: the 40 requests from 10 s on end as 503 UC or, three connects later, UF,URX.
    expect(report.client.byFlag).toEqual({ '-': 99, UC: stuck, 'UF,URX': 40 - stuck });
    expect(report.unfinished).toBe(0);
  });

  it('the reset streams reach outlier detection as any reset does: the host is ejected when they end', () => {
    const od =
      'outlierDetection: { consecutive5xxErrors: 5, interval: 30s, baseEjectionTime: 30s, maxEjectionPercent: 100 }';
    const { events } = run(`${H2(KEEPALIVE)}\n${od}`, { dark: true });
    const close = lifetimes(events).get(1)!.close;
    // At least five streams were stuck (sent from 10 s on, the close at 10.5 s at the earliest): the
    // fifth local-origin failure (counted as a 5xx without split errors) ejects at once.
    const eject = events.find((e) => e.type === 'eject');
    expect(eject?.tMs).toBe(close);
  });

  it('a live host answers every PING: one connection throughout, and the same report as without', () => {
    const with_ = run(H2(KEEPALIVE), { duration: '20s' });
    const without = run(H2(), { duration: '20s' });
    expect(with_.report.client.byFlag).toEqual({ '-': 199 });
    expect(with_.stats.upstream_cx_total).toBe(1);
    expect(with_.stats['http2.keepalive_timeout']).toBeUndefined();
    // The PINGs draw their jitter from a stream of their own: nothing else in the run moves.
    expect(with_.report.client).toEqual(without.report.client);
    expect(with_.stats).toEqual(without.stats);
    expect(with_.events).toEqual(without.events);
  });

  it('a round trip longer than the timeout: an idle connection is closed, a busy one kept by its frames', () => {
    const slow = { rtt: '600ms', duration: '10s' };
    const policy = H2('http2KeepAlive: { interval: 5s, timeout: 500ms }');
    // One request at 0, answered at 600 + 600 + 5 = 1205; then idle. Its PING leaves at 5000 + j
    // (j < 750), its ACK would come 600 ms later: the wait ends first, at 5500 + j.
    const idle = run(policy, { ...slow, traffic: { clients: 1, thinkTime: '60s' } });
    const closed = lifetimes(idle.events).get(1)!.close;
    expect(closed).toBeGreaterThanOrEqual(5500);
    expect(closed).toBeLessThan(6250);
    expect(idle.stats['http2.keepalive_timeout']).toBe(1);
    expect(idle.stats.upstream_cx_destroy_local_with_active_rq).toBe(0);
    expect(idle.report.client.byFlag).toEqual({ '-': 1 });
    // At 10 requests a second an answer arrives every 100 ms, and each frame re-arms the wait
    // (onBeforeFrameReceived) until the ACK: no PING times out.
    const busy = run(policy, slow);
    expect(busy.stats['http2.keepalive_timeout']).toBeUndefined();
    expect(busy.stats.upstream_cx_total).toBe(1);
    expect(Object.keys(busy.report.client.byFlag)).toEqual(['-']);
  });

  it('an HTTP/1.1 cluster sends no PING: Istio sets connection_keepalive only on HTTP/2 clusters', () => {
    const pool = (extra: string) => `connectionPool: { http: { ${extra} } }`;
    const h1 = run(pool(KEEPALIVE), { dark: true });
    const plain = run(pool('idleTimeout: 1h'), { dark: true });
    // After 10 s each request needs a connection of its own, whose connect to the black hole waits out
    // connect_timeout (10 s): exactly as without the field.
    expect(h1.report.client).toEqual(plain.report.client);
    expect(h1.report.unfinished).toBe(plain.report.unfinished);
    expect(h1.stats).toEqual(plain.stats);
    expect(h1.report.warnings.join('\n')).toMatch(
      /connectionPool\.http\.http2KeepAlive: ignored: the cluster speaks HTTP\/1\.1/,
    );
    // useClientProtocol swaps the HTTP/2 options for fresh ones (use_downstream_protocol): none either.
    const downstream = run(pool(`useClientProtocol: true, ${KEEPALIVE}`), { dark: true });
    expect(downstream.report.unfinished).toBe(plain.report.unfinished);
    expect(downstream.report.warnings.join('\n')).toMatch(/uses the client's protocol/);
  });

  it('Istio before 1.31 does not know the field: a warning, and no PING', () => {
    const old = run(H2(KEEPALIVE), { dark: true, istio: '1.30' });
    expect(old.report.unfinished).toBe(40);
    expect(old.report.warnings.join('\n')).toMatch(
      /Istio 1\.31 added this field; Istio 1\.30 does not know it/,
    );
  });

  it('an interval or timeout below 1 ms (Envoy KeepaliveSettings: gte 1ms) is an error at its line', () => {
    const rule = (keepalive: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    connectionPool:
      http:
        http2KeepAlive:
${keepalive}`;
    const zero = loadConfig({ file: 'dr.yaml', text: rule('          interval: 1s\n          timeout: 0s') });
    expect(zero.destinationRules).toEqual([]);
    expect(zero.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'dr.yaml',
        line: 11,
        path: 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout',
        message: 'must be at least 1ms, got "0s"',
      },
    ]);
    const fine = loadConfig({
      file: 'dr.yaml',
      text: rule('          interval: 0.5ms\n          timeout: 5s'),
    });
    expect(fine.diagnostics).toMatchObject([
      { severity: 'error', line: 10, path: 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval' },
    ]);
    const missing = loadConfig({ file: 'dr.yaml', text: rule('          interval: 1s') });
    expect(missing.diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 9,
        path: 'spec.trafficPolicy.connectionPool.http.http2KeepAlive',
        message: 'http2 keepalive timeout is required',
      },
    ]);
  });
});
