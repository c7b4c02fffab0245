import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Report, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { between } from './fixtures/between.js';
import { SEED_DIR } from './fixtures/seed-dir.js';

// Every catalog scenario, run as shipped, with its headline pinned by bounds derived from the
// mechanism that decides it (the derivation is the comment above each bound). Sampling noise is
// allowed for at 3.29 standard deviations (two-sided 99.9 %); seeds are fixed, so a run never flakes,
// but a bound is only as tight as the mechanism says.

const CATALOG = fileURLToPath(new URL('../packages/scenarios/catalog', import.meta.url));
const Z = 3.2905267314919255;

const textOf = (name: string) => readFileSync(join(CATALOG, `${name}.yaml`), 'utf8');
const configOf = (name: string) => ({ file: `packages/scenarios/catalog/${name}.yaml`, text: textOf(name) });
const run = (name: string): Report => simulate({ config: configOf(name) });
const clusterOf = (r: Report) => {
  const clusters = Object.values(r.clusters);
  expect(clusters).toHaveLength(1);
  return clusters[0]!;
};
/** |x − n·p| within Z binomial standard deviations (plus `slack`). */
const nearBinomial = (x: number, n: number, p: number, slack = 0) => {
  expect(Math.abs(x - n * p)).toBeLessThanOrEqual(Z * Math.sqrt(n * p * (1 - p)) + slack);
};

/** Erlang's loss formula: the share of arrivals finding all `servers` busy at offered load `erlangs`. */
function erlangB(erlangs: number, servers: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (erlangs * b) / (k + erlangs * b);
  return b;
}
/** The standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
/** The Scenario's lognormal latency from median and p99: P(X > c) and E[min(X, c)], in ms. */
function lognormal(medianMs: number, p99Ms: number) {
  const mu = Math.log(medianMs);
  const sigma = Math.log(p99Ms / medianMs) / 2.3263478740408408;
  return {
    tail: (c: number) => 1 - phi((Math.log(c) - mu) / sigma),
    truncatedMean: (c: number) =>
      Math.exp(mu + (sigma * sigma) / 2) * phi((Math.log(c) - mu - sigma * sigma) / sigma) +
      c * (1 - phi((Math.log(c) - mu) / sigma)),
  };
}

describe('the catalog', () => {
  const names = readdirSync(CATALOG)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();

  it('has one entry per seed config, each holding the seed verbatim, a Scenario and a Shows line', () => {
    const seeds = readdirSync(SEED_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
    expect(names).toEqual(seeds);
    for (const name of names) {
      const text = textOf(name);
      expect(text).toContain(readFileSync(join(SEED_DIR, `${name}.yaml`), 'utf8'));
      expect(text).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/core\/schema\/meshsim\.schema\.json\n# meshsim catalog: .*\n# Shows: .{20,100}\n/,
      );
      expect(text).toContain('\nkind: Scenario\n');
    }
    // 09 is a DestinationRule alone; it runs against seed 08's ServiceEntry, copied as written.
    const se08 = readFileSync(join(SEED_DIR, '08-mtls-external-service.yaml'), 'utf8').split('\n---\n')[0]!;
    expect(textOf('09-mtls-with-secret')).toContain(se08);
  });

  it('is listed in the README, beside links to the user-style tests, which exist', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Catalog'), readme.indexOf('## What is modelled today'));
    for (const name of names) expect(section).toContain(`| \`${name}\``);
    for (const file of [
      'test/catalog.test.ts',
      'test/user-tune-outlier-detection.test.ts',
      'benchmarks/compare-destination-rules.bench.ts',
      'test/user-compare-destination-rules.test.ts',
      'test/user-max-ejection-percent.property.test.ts',
    ]) {
      expect(section).toContain(`](${file})`);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('01-onprem-database: resolution NONE dials what the application resolved; after 1 m every request fails', () => {
    const r = run('01-onprem-database');
    // ORIGINAL_DST: one host, the address the application's resolver answered; nothing to balance over.
    expect(clusterOf(r).hosts.map((h) => h.address)).toEqual(['10.20.0.5:5432']);
    // Before the database refuses, nothing fails: a constant 3 ms answer and no faults.
    expect(between(r, 0, 60_000).errors).toBe(0);
    // After: every connection goes to the same dialed address and is refused; one attempt each (tcp_proxy).
    const after = between(r, 60_000, 120_000);
    expect(after.requests).toBeGreaterThan(0);
    expect(after.errors).toBe(after.requests);
    expect(r.client.byFlag['UF,URX']).toBe(after.errors);
    // Istio's webhook warns: a TCP port with NONE and no addresses captures all of port 5432.
    expect(r.warnings.some((w) => w.includes('addresses are required'))).toBe(true);
  });

  it('02-payment-gateway: no HTTP retry on port 443: from 1 m every connection P2C opens to the dead primary fails', () => {
    const r = run('02-payment-gateway');
    const c = clusterOf(r);
    expect(c.proxy).toBe('tcp');
    const [primary, secondary, dr] = c.hosts;
    const n1 = between(r, 0, 60_000).requests;
    const n2 = between(r, 60_000, 120_000).requests;
    // Before 60 s nothing fails, and LEAST_REQUEST is symmetric over three equal hosts: each connection
    // (one per payment) lands on any of them a third of the time, the "dr" one included. The primary's
    // sessions in flight at 60 s (Poisson, 100/3 rps × 46 ms ≈ 1.5: ≤ 8 at 99.9 %) were sent too.
    expect(between(r, 0, 60_000).errors).toBe(0);
    nearBinomial(primary!.appRequests!, n1, 1 / 3, 8);
    // Every payment answered came from one of the two others, symmetric: half each.
    nearBinomial(dr!.appRequests!, dr!.appRequests! + secondary!.appRequests!, 1 / 2);
    // After 60 s a refused connect never attaches a session, so the primary never has one active. P2C
    // draws two hosts with replacement and keeps the first on a tie: it gets the primary when drawn
    // twice (1/9), and when paired with another (4/9) unless that one is idle and drawn first: between
    // 1/9 + 2/9 = 1/3 and 1/9 + 4/9 = 5/9 of the connections. max_connect_attempts 1: none is retried.
    const failed = r.client.byFlag['UF,URX'] ?? 0;
    const sd = Math.sqrt(0.25 / n2);
    expect(failed / n2).toBeGreaterThanOrEqual(1 / 3 - Z * sd);
    expect(failed / n2).toBeLessThanOrEqual(5 / 9 + Z * sd);
    expect(c.stats.upstream_cx_connect_attempts_exceeded).toBe(failed);
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    // The only other failures are the sessions reset on the primary at 60 s (≤ 8, above): status 0, no flag.
    const closed = r.client.byStatus['0'] ?? 0;
    expect(closed - failed).toBeGreaterThanOrEqual(0);
    expect(closed - failed).toBeLessThanOrEqual(8);
    expect(closed + (r.client.byStatus['200'] ?? 0)).toBe(r.client.total);
  });

  it('03-cloud-storage-api: keep-alive: the name moves at 70 s, yet every request still goes to the old four', () => {
    const r = run('03-cloud-storage-api');
    const c = clusterOf(r);
    const hosts = c.hosts;
    // Envoy follows the move at the ~90 s refresh (every 30 s TTL: 0, ~30, ~60, ~90 s) and drops the old four…
    expect(hosts.map((h) => h.removed ?? false)).toEqual([true, true, true, true, false, false]);
    expect(c.stats.update_success).toBeGreaterThanOrEqual(4);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    // …but 8 closed-loop callers opened their 8 connections at t = 0, to the four old addresses, and keep
    // them: nothing closes one (tcp_proxy idle timeout 1 h, the server never closes), and a removed
    // host's pool drains without closing an active session. So no connection is ever opened again and
    // the new addresses get nothing.
    expect(c.stats.upstream_cx_total).toBe(8);
    for (const h of hosts.slice(4)) {
      expect(h.rqTotal).toBe(0);
      expect(h.appRequests ?? 0).toBe(0);
    }
    expect(hosts.slice(0, 4).reduce((s, h) => s + h.appRequests!, 0)).toBe(r.client.total);
  });

  it('04-analytics-cluster: every request goes to the first address, over 8 connections opened at t = 0', () => {
    const r = run('04-analytics-cluster');
    const c = clusterOf(r);
    // 8 closed-loop callers, one worker: 8 pending requests at t = 0 open 8 connections to the first
    // answer; never more than 8 in flight and a 1 h idle timeout, so none is opened later.
    expect(c.stats.upstream_cx_total).toBe(8);
    expect(c.hosts[0]!.requestsByAddress).toEqual({ '198.51.100.10': r.client.total });
    // The rotation did happen: Envoy re-resolved every 30 s.
    expect(c.stats.update_success).toBeGreaterThanOrEqual(4);
  });

  it('05-external-api-with-health: 503s never reach outlier detection on port 443: no ejection, 1/3 then 2/3 fail', () => {
    const r = run('05-external-api-with-health');
    const c = clusterOf(r);
    // The proxy sees bytes, not statuses: the detector only ever hears of successful connects, which
    // reset its counters. No detection, no ejection, whatever the endpoints answer.
    expect(c.ejections).toEqual([]);
    const outlier = Object.entries(c.stats).filter(([k, v]) => k.startsWith('outlier_detection.') && v !== 0);
    expect(outlier).toEqual([]);
    // A connection per request, LEAST_REQUEST symmetric over three hosts of equal latency: each request
    // meets a given host a third of the time. One host answers 503 from 1 m, two from 2 m (a second of
    // slack on each side of the switch; 3 requests for those in flight at it).
    expect(between(r, 0, 60_000).errors).toBe(0);
    const one = between(r, 61_000, 120_000);
    nearBinomial(one.errors, one.requests, 1 / 3, 3);
    const two = between(r, 121_000, 180_000);
    nearBinomial(two.errors, two.requests, 2 / 3, 3);
    // Every 503 reaches the app as the server sent it.
    expect(r.client.byFlag).toEqual({ '-': r.client.total });
    expect((r.client.byStatus['200'] ?? 0) + (r.client.byStatus['503'] ?? 0)).toBe(r.client.total);
  });

  it('06-api-advanced-health: a 10 s blip (60–70 s) becomes 503 UH until the 100 s sweep', () => {
    const r = run('06-api-advanced-health');
    const c = clusterOf(r);
    // Each host's second 503 in a row ejects it, within a second of 60 s; maxEjectionPercent 100 lets all three go.
    expect(c.ejections).toHaveLength(3);
    for (const e of c.ejections) {
      expect(e.type).toBe('CONSECUTIVE_GATEWAY_FAILURE');
      expect(e.atMs).toBeGreaterThan(60_000);
      expect(e.atMs).toBeLessThan(61_000);
      // 30 s later is 90.x s; the next 10 s sweep is 100 s.
      expect(e.untilMs).toBe(100_000);
    }
    // No healthy host and panic off (minHealthPercent 0): every request in between is 503 UH, at once.
    const lastEjection = Math.max(...c.ejections.map((e) => e.atMs));
    const outage = r.timeline.filter((t) => t.tMs >= 61_000 && t.tMs < 100_000);
    expect(outage.every((t) => t.errors === t.requests)).toBe(true);
    expect(between(r, 0, 60_000).errors).toBe(0);
    expect(between(r, 100_000, 200_000).errors).toBe(0);
    const uh = r.client.byFlag.UH ?? 0;
    const expected = 50 * ((100_000 - lastEjection) / 1000);
    expect(Math.abs(uh - expected)).toBeLessThanOrEqual(Z * Math.sqrt(expected) + 1);
    expect(uh).toBe(c.stats.upstream_cx_none_healthy);
  });

  it('07-external-https-api: 70 ms on a warm connection, 150 ms to open one (TCP + TLS 1.3)', () => {
    const r = run('07-external-https-api');
    const c = clusterOf(r);
    // rtt 40 ms, server 30 ms: one round trip + server time = 70 ms; a new connection adds the TCP and
    // TLS 1.3 handshakes, one round trip each: 150 ms, and no request can wait longer than that.
    // The histogram is within 1 %.
    expect(r.client.latencyMs.p50).toBeGreaterThanOrEqual(70 * 0.99);
    expect(r.client.latencyMs.p50).toBeLessThanOrEqual(70 * 1.01);
    expect(r.client.latencyMs.max).toBeGreaterThanOrEqual(150 * 0.99);
    expect(r.client.latencyMs.max).toBeLessThanOrEqual(150 * 1.01);
    // targetPort: the sidecar connects to 443.
    for (const h of c.hosts) expect(h.address).toMatch(/:443$/);
    // Connections: one per (worker, host) pool at least; at most each pool's peak concurrency, Poisson
    // with mean 10 rps × 70 ms = 0.7, which stays under 8 over two minutes at 99.9 %: ≤ 4 × 8.
    expect(c.stats.upstream_cx_total).toBeGreaterThanOrEqual(4);
    expect(c.stats.upstream_cx_total).toBeLessThanOrEqual(32);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it("08-mtls-external-service: TLS originated on an HTTPS port wraps the app's TLS: every request fails", () => {
    const r = run('08-mtls-external-service');
    const c = clusterOf(r);
    const n = r.client.total;
    const [good, bad] = c.hosts;
    // The app speaks TLS itself; the sidecar wraps it in the DestinationRule's mTLS. .20 completes the
    // sidecar's handshake, then reads a ClientHello inside TLS: the app's handshake fails (status 0, no flag,
    // unseen by Envoy). .21 fails the sidecar's handshake: a connect failure, not retried (UF,URX).
    expect(r.client.byStatus).toEqual({ '0': n });
    expect(good!.appRequests).toBe(0);
    expect(bad!.rqTotal).toBe(0);
    expect(good!.rqTotal).toBe(r.client.byFlag['-']);
    const failedConnect = r.client.byFlag['UF,URX'] ?? 0;
    expect(failedConnect + good!.rqTotal).toBe(n);
    // Which host: P2C with replacement over two, ties to the first drawn. .21 never holds a session; .20
    // holds one for a handshake: .21 gets a connection between 1/2 and 1 − (1/2)² = 3/4 of the time.
    const sd = Math.sqrt(0.25 / n);
    expect(failedConnect / n).toBeGreaterThanOrEqual(1 / 2 - Z * sd);
    expect(failedConnect / n).toBeLessThanOrEqual(3 / 4 + Z * sd);
    expect(c.stats.upstream_cx_connect_attempts_exceeded).toBe(failedConnect);
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
  });

  it("09-mtls-with-secret: credentialName is ignored on a sidecar; the app's TLS has no client cert: 100 % closed, no flag", () => {
    const r = run('09-mtls-with-secret');
    const c = clusterOf(r);
    const n = r.client.total;
    expect(r.warnings.some((w) => w.includes('credentialName'))).toBe(true);
    // No TLS context on the sidecar: it connects in plaintext (one 20 ms round trip), passes the app's own
    // handshake through, and the partner refuses it (no client certificate) one round trip later: 40 ms.
    expect(r.client.byStatus).toEqual({ '0': n });
    expect(r.client.byFlag).toEqual({ '-': n });
    expect(r.client.latencyMs.max).toBe(40);
    // Envoy saw only successful connects; each request opened one, closed by its failed handshake.
    expect(c.stats.upstream_cx_connect_fail ?? 0).toBe(0);
    expect(c.stats.upstream_cx_total).toBe(n + r.unfinished);
    expect(c.hosts.reduce((s, h) => s + (h.appRequests ?? 0), 0)).toBe(0);
  });

  it('10-global-database: no failover; from 2 m every connection is refused (status 0, UF,URX)', () => {
    const r = run('10-global-database');
    const c = clusterOf(r);
    expect(r.warnings.some((w) => w.includes('localityLbSetting'))).toBe(true);
    expect(c.hosts.map((h) => h.priority)).toEqual([0, 1, 1]);
    // Each refused connect is a 503 to the detector: every fifth in a row detects us-east-1, but
    // 100·1/3 = 33 % > 10 %: never ejected, so priority 0 keeps all the load.
    expect(c.stats['outlier_detection.ejections_enforced_total'] ?? 0).toBe(0);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    expect(c.hosts[1]!.rqTotal + c.hosts[2]!.rqTotal).toBe(0);
    expect(between(r, 0, 120_000).errors).toBe(0);
    // At 2 m us-east-1's open connections are reset, failing a query only if one was in flight (Poisson,
    // 50 rps × 7 ms = 0.35: ≤ 5 at 99.9 %), and every new one is refused and not retried: the
    // application's connection closes unanswered.
    const after = r.timeline.filter((t) => t.tMs >= 121_000);
    expect(after.every((t) => t.errors === t.requests)).toBe(true);
    expect(Object.keys(r.client.byFlag).sort()).toEqual(['-', 'UF,URX']);
    const reset = (r.client.byStatus['0'] ?? 0) - (r.client.byFlag['UF,URX'] ?? 0);
    expect(reset).toBeGreaterThanOrEqual(0);
    expect(reset).toBeLessThanOrEqual(5);
    // The requests after 120 s are a third of the run's.
    nearBinomial(r.client.byStatus['0'] ?? 0, r.client.total, 1 / 3, 5);
  });

  it('11-flaky-external-api: the VirtualService retries never run on port 443: 20 % 503 reach the app, not 0.2 %', () => {
    const r = run('11-flaky-external-api');
    const c = clusterOf(r);
    const n = r.client.total;
    // No http route applies to a tcp-proxied port: no retry, no per-try or route timeout. Every 503 the
    // endpoints send (20 %) reaches the app as sent.
    nearBinomial(r.client.byStatus['503'] ?? 0, n, 0.2);
    expect(r.client.byFlag).toEqual({ '-': n });
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    // The 30 s timeout does not cut the slow tail: P(X > 30 s) for the lognormal (80 ms, p99 10 s) is
    // ~0.2 %, so ~12 of ~6,000 requests take longer; none at all has probability < 1e-5.
    expect(n * lognormal(80, 10_000).tail(30_000)).toBeGreaterThan(11);
    expect(r.client.latencyMs.max).toBeGreaterThan(30_000);
    // The detector hears of connects only, all successful: nothing detected, nothing ejected.
    expect(c.ejections).toEqual([]);
    const outlier = Object.entries(c.stats).filter(([k, v]) => k.startsWith('outlier_detection.') && v !== 0);
    expect(outlier).toEqual([]);
  });

  it('12-legacy-http-service: 2 requests in 10 match no route: 404 NR from the sidecar', () => {
    const r = run('12-legacy-http-service');
    const c = clusterOf(r);
    const n = r.client.total;
    const nr = r.client.byFlag.NR ?? 0;
    nearBinomial(nr, n, 0.2);
    expect(r.client.byStatus['404']).toBe(nr);
    // The legacy service sees only the /api/v2 requests.
    expect(c.stats.upstream_rq_total).toBe(n - nr);
    expect(r.client.errorRate).toBe(0);
  });

  it('13-rate-limited-api: maxConnections 10 is a hard limit on port 443: 1.5 % closed unanswered (UO); 429s pass', () => {
    const r = run('13-rate-limited-api');
    const c = clusterOf(r);
    const n = r.client.total;
    // A request reuses an idle kept-alive connection of the app's or opens one; each holds it for the
    // 10 ms round trip + 50 ms (a 429 as long as a 200). Nothing closes a connection (idle timeout
    // 1 h), so at most 10 are ever opened, and a request finding all 10 busy is refused by the breaker
    // at once: an Erlang loss system with 10 servers at 80 × 0.06 = 4.8 erlangs (insensitive to the
    // holding time's distribution). Only a new connection's first request is longer (+20 ms: connect
    // and the app's TLS), 10 times in all.
    expect(c.stats.upstream_cx_total).toBe(10);
    const uo = r.client.byFlag.UO ?? 0;
    expect(uo).toBe(c.stats.upstream_cx_overflow);
    expect(r.client.byStatus['0']).toBe(uo);
    // Refusals come in bursts (an arrival finding 10 busy is often followed by another), so one run's
    // count is not binomial: the share is checked over 20 replications (seeds 13…32), against a 99.9 %
    // Student t interval (19 degrees of freedom) around their mean.
    const b = erlangB(4.8, 10);
    const shares = Array.from({ length: 20 }, (_, i) => {
      const rep = i === 0 ? r : simulate({ config: configOf('13-rate-limited-api'), seed: 13 + i });
      return (rep.client.byFlag.UO ?? 0) / rep.client.total;
    });
    const mean = shares.reduce((s, x) => s + x, 0) / shares.length;
    const spread = Math.sqrt(shares.reduce((s, x) => s + (x - mean) ** 2, 0) / (shares.length - 1));
    const halfWidth = (3.8834 * spread) / Math.sqrt(shares.length);
    expect(Math.abs(mean - b)).toBeLessThanOrEqual(halfWidth);
    expect(halfWidth).toBeLessThan(0.005);
    // Two token buckets of 25/s, each starting full (25): at most 2 × (25 + 25 × 120 s) = 6050 admitted;
    // everything else that got through is a 429, passed through to the app.
    const ok = r.client.byStatus['200'] ?? 0;
    const limited = r.client.byStatus['429'] ?? 0;
    expect(ok).toBeLessThanOrEqual(6050);
    expect(ok + limited + uo).toBe(n);
    expect(limited).toBeGreaterThanOrEqual(n - uo - 6050);
    expect(r.client.errorRate).toBeCloseTo(uo / n, 10);
    // No retry, and the detector hears of connects only (all successful here).
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    const outlier = Object.entries(c.stats).filter(([k, v]) => k.startsWith('outlier_detection.') && v !== 0);
    expect(outlier).toEqual([]);
  });

  it("14-payment-processor: TLS originated on port 443 wraps the app's TLS: every payment closes unanswered", () => {
    const r = run('14-payment-processor');
    const c = clusterOf(r);
    const n = r.client.total;
    // The DestinationRule's SIMPLE TLS under the app's own: the server reads a ClientHello inside TLS and
    // the app's handshake fails. rtt 20 ms: TCP connect, the sidecar's TLS 1.3, then the app's failed
    // handshake, one round trip each: 60 ms, on every route. None of the VirtualService's routes,
    // timeouts (504) or retries runs on a tcp-proxied port.
    expect(r.client.byStatus).toEqual({ '0': n });
    expect(r.client.byFlag).toEqual({ '-': n });
    expect(r.client.latencyMs.max).toBe(60);
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    // LOGICAL_DNS: one host; not one application request is delivered to any address.
    expect(c.hosts).toHaveLength(1);
    expect(c.hosts[0]!.appRequests).toBe(0);
    expect(c.hosts[0]!.requestsByAddress).toEqual({});
    // Each request opens a connection, closed when its handshake fails.
    expect(c.stats.upstream_cx_total).toBe(n + r.unfinished);
    // The connects all succeed, so the detector sees nothing wrong: no detection, no ejection.
    expect(c.ejections).toEqual([]);
    const outlier = Object.entries(c.stats).filter(([k, v]) => k.startsWith('outlier_detection.') && v !== 0);
    expect(outlier).toEqual([]);
  });
});
