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
const run = (name: string): Report =>
  simulate({ config: { file: `packages/scenarios/catalog/${name}.yaml`, text: textOf(name) } });
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
      expect(text).toMatch(/^# meshsim catalog: .*\n# Shows: .{20,100}\n/);
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
    // After: every attempt, retries included, goes to the same dialed address and is refused.
    const after = between(r, 60_000, 120_000);
    expect(after.requests).toBeGreaterThan(0);
    expect(after.errors).toBe(after.requests);
    expect(r.client.byFlag['UF,URX']).toBe(after.errors);
    // Istio's webhook warns: a TCP port with NONE and no addresses captures all of port 5432.
    expect(r.warnings.some((w) => w.includes('addresses are required'))).toBe(true);
  });

  it('02-payment-gateway: the "dr" endpoint serves 5/12 of the payments; retries hide the dead primary', () => {
    const r = run('02-payment-gateway');
    const c = clusterOf(r);
    const [primary, , dr] = c.hosts;
    // Until 60 s LEAST_REQUEST is symmetric over three equal hosts: a third each. After it the
    // primary refuses, and every request ends on one of the two others, symmetric again: half each.
    const n1 = between(r, 0, 60_000).requests;
    const n2 = r.client.total - n1;
    nearBinomial(primary!.rqTotal, n1, 1 / 3, 5);
    const drExpected = n1 / 3 + n2 / 2;
    expect(Math.abs(dr!.rqTotal - drExpected)).toBeLessThanOrEqual(Z * Math.sqrt((n1 * 2) / 9 + n2 / 4) + 5);
    expect(dr!.rqTotal / r.client.total).toBeCloseTo(5 / 12, 1);
    // After 60 s the primary never has a request in flight, so P2C picks it unless it ties with an
    // idle host drawn first: between 1/3 (always a tie) and 1 − (2/3)² = 5/9 of first attempts. A
    // retry avoids it (previous_hosts, 6 picks) except with probability ≤ (5/9)^6.
    const q = 5 / 9;
    const retries = c.stats.upstream_rq_retry ?? 0;
    const sd = Math.sqrt(0.25 / n2);
    expect(retries / n2).toBeGreaterThanOrEqual(1 / 3 - Z * sd);
    expect(retries / n2).toBeLessThanOrEqual(q * (1 + q ** 6 + q ** 12) + Z * sd);
    // A request fails only if all three attempts meet the dead host (≤ q^13 ≈ 5e-4: ≤ 11 of ~6,000
    // at 99.9 %), or if it was in flight on the primary at 60 s (~1.4 expected: ≤ 8).
    expect(r.client.total - (r.client.byStatus['200'] ?? 0)).toBeLessThanOrEqual(19);
  });

  it('03-cloud-storage-api: four hosts, then two; the move at 70 s is followed at the 90 s refresh', () => {
    const r = run('03-cloud-storage-api');
    const hosts = clusterOf(r).hosts;
    expect(hosts.map((h) => h.removed ?? false)).toEqual([true, true, true, true, false, false]);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    // Refreshes every 30 s TTL plus up to 100 ms of jitter each: at 0, ~30, ~60, then ≤ 90.3 s, the
    // first after the move. Requests arriving before it go to the old four: 90/120 of them.
    const n = r.client.total;
    const old = hosts.slice(0, 4).reduce((s, h) => s + h.rqTotal, 0);
    nearBinomial(old, n, 0.75, 100 * 0.3);
    // Within each set LEAST_REQUEST is symmetric.
    for (const h of hosts.slice(0, 4)) nearBinomial(h.rqTotal, old, 1 / 4);
    for (const h of hosts.slice(4)) nearBinomial(h.rqTotal, n - old, 1 / 2);
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

  it('05-external-api-with-health: one failing endpoint is ejected; with two, half the requests fail', () => {
    const r = run('05-external-api-with-health');
    const c = clusterOf(r);
    const [first, second] = c.ejections;
    // .2 fails from 60 s and gets a third of 100 rps: its third 503 in a row comes within a second.
    expect(first!.host).toBe('198.51.100.2:443');
    expect(first!.type).toBe('CONSECUTIVE_GATEWAY_FAILURE');
    expect(first!.atMs).toBeGreaterThan(60_000);
    expect(first!.atMs).toBeLessThan(61_000);
    // Out for 60 s, back at the first 30 s sweep after: 120.x s is past the 120 s sweep → 150 s.
    expect(first!.untilMs).toBe(150_000);
    // Then .3, failing since 120 s and refused by the cap until .2 came back, is ejected instead.
    expect(second!.host).toBe('198.51.100.3:443');
    expect(second!.atMs).toBeGreaterThanOrEqual(150_000);
    expect(Math.max(...r.timeline.map((t) => t.ejectedHosts))).toBe(1);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    // Between 60 and 120 s only the three 503s before the ejection (and any in flight then) reach the client.
    expect(between(r, 60_000, 120_000).errors).toBeGreaterThanOrEqual(3);
    expect(between(r, 60_000, 120_000).errors).toBeLessThanOrEqual(3 + 4);
    // From 120 s one failing host is always in, sharing LEAST_REQUEST equally with .1 (same latency):
    // half of the requests fail, plus three at the 150 s swap.
    const late = between(r, 121_000, 180_000);
    nearBinomial(late.errors, late.requests, 0.5, 3);
    expect(r.client.byFlag).toEqual({ '-': r.client.total });
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

  it('08-mtls-external-service: retries hide most handshake failures; at most (3/4)^13 of requests fail', () => {
    const r = run('08-mtls-external-service');
    const c = clusterOf(r);
    const n = r.client.total;
    const [good, bad] = c.hosts;
    // No handshake with .21 ever completes, so no stream reaches it.
    expect(bad!.rqTotal).toBe(0);
    expect(good!.rqTotal).toBe(r.client.byStatus['200']);
    expect(Object.keys(r.client.byFlag).sort()).toEqual(['-', 'UF,URX']);
    // P2C picks the bad host (never a request in flight) with q between 1/2 and 1 − (1/2)² = 3/4; a
    // retry avoids it unless six picks in a row are bad (q^6). All three attempts bad: q^13.
    const q = 3 / 4;
    expect(r.client.errorRate).toBeLessThanOrEqual(q ** 13 + Z * Math.sqrt(q ** 13 / n));
    const retries = (c.stats.upstream_rq_retry ?? 0) / n;
    expect(retries).toBeGreaterThanOrEqual(1 / 2 - Z * Math.sqrt(0.25 / n));
    expect(retries).toBeLessThanOrEqual(q + q ** 7 + Z * Math.sqrt(0.25 / n));
    expect(c.stats['outlier_detection.ejections_enforced_total'] ?? 0).toBe(0);
  });

  it('09-mtls-with-secret: the partner closes every plaintext connection: 100 % 503 UC, not retried', () => {
    const r = run('09-mtls-with-secret');
    const c = clusterOf(r);
    expect(r.client.byFlag).toEqual({ UC: r.client.total });
    expect(r.client.byStatus).toEqual({ '503': r.client.total });
    // Istio's default retryOn has connect-failure, not reset: a UC is never retried.
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    expect(r.warnings.some((w) => w.includes('credentialName'))).toBe(true);
  });

  it('10-global-database: no failover; from 2 m every request fails (503 UF,URX)', () => {
    const r = run('10-global-database');
    const c = clusterOf(r);
    expect(r.warnings.some((w) => w.includes('localityLbSetting'))).toBe(true);
    expect(c.hosts.map((h) => h.priority)).toEqual([0, 1, 1]);
    // 100·1/3 = 33 % > 10 %: detected, never ejected; priority 0 keeps all the load.
    expect(c.stats['outlier_detection.ejections_enforced_total'] ?? 0).toBe(0);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    expect(c.hosts[1]!.rqTotal + c.hosts[2]!.rqTotal).toBe(0);
    expect(between(r, 0, 120_000).errors).toBe(0);
    const after = r.timeline.filter((t) => t.tMs >= 121_000);
    expect(after.every((t) => t.errors === t.requests)).toBe(true);
    expect(Object.keys(r.client.byFlag).sort()).toEqual(['-', 'UF,URX']);
    // The requests after 120 s are a third of the run's.
    nearBinomial(r.client.byStatus['503'] ?? 0, r.client.total, 1 / 3, 5);
  });

  it('11-flaky-external-api: the retry breaker (3 in flight) turns 0.2 % into ~7 % of failures', () => {
    const r = run('11-flaky-external-api');
    const c = clusterOf(r);
    const n = r.client.total;
    // An attempt fails if the answer is a 503 (20 %) or comes after the 10 s per-try timeout, which
    // starts when the connection is ready, so after rtt + X > 10 s: X > 9.98 s.
    const rtt = 20;
    const x = lognormal(80, 10_000);
    const cut = 10_000 - rtt;
    const f = x.tail(cut) + (1 - x.tail(cut)) * 0.2;
    // Without the breaker a request fails only if 1 + 3 attempts do.
    expect(f ** 4).toBeLessThan(0.002);
    // A retry holds a breaker slot from its decision to the retried attempt's outcome; a chain of
    // retries keeps its slot (released and taken again at once). So chains arrive at 20·f a second,
    // Poisson, and hold: for retry k, the mean back-off (U[0, 25·2^(k−1)) ms), the round trip, the
    // attempt cut at the per-try timeout, and a connection's round trip every 10th attempt
    // (maxRequestsPerConnection 10); retry k+1 follows with probability f.
    const backoff = [12.5, 25, 50];
    const holdMs = backoff.reduce((s, b, k) => s + f ** k * (b + rtt + x.truncatedMean(cut) + rtt / 10), 0);
    const blocked = erlangB((20 * f * holdMs) / 1000, 3);
    // A request fails if its first retry is refused (503 UO), or if all its attempts fail.
    const predicted = f * blocked + f * (1 - blocked) * f ** 3;
    // Erlang B is insensitive to the holding-time distribution but not to what this leaves out
    // (connections lost to per-try timeouts, pool waits): 20 % either way.
    const sd = Math.sqrt((predicted * (1 - predicted)) / n);
    expect(r.client.errorRate).toBeGreaterThanOrEqual(predicted * 0.8 - Z * sd);
    expect(r.client.errorRate).toBeLessThanOrEqual(predicted * 1.2 + Z * sd);
    expect(c.stats.upstream_rq_retry_overflow).toBeGreaterThan(0);
    // The default maxEjectionPercent (10 %) allows no host of three: detected, never ejected.
    expect(c.ejections).toEqual([]);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
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

  it('13-rate-limited-api: 429s pass through: no 5xx, no retry, no ejection', () => {
    const r = run('13-rate-limited-api');
    const c = clusterOf(r);
    const n = r.client.total;
    // Two token buckets of 25/s, each starting full (25): at most 2 × (25 + 25 × 120 s) = 6050 admitted.
    // Each sees ~40/s > 25/s, so its tokens drift down and refill to the cap with probability about
    // (25/40)^25 ≈ 1e-5: barely a token is wasted. Allow one second of burst each, and the unfinished.
    const ok = r.client.byStatus['200'] ?? 0;
    expect(ok).toBeLessThanOrEqual(6050);
    expect(ok).toBeGreaterThanOrEqual(6050 - 2 * 25 - r.unfinished);
    expect((r.client.byStatus['429'] ?? 0) + ok).toBe(n);
    expect(r.client.errorRate).toBe(0);
    // Not retried (Istio's default retries no status), never counted by a detector (a 4xx resets them).
    expect(c.stats.upstream_rq_retry ?? 0).toBe(0);
    const outlier = Object.entries(c.stats).filter(([k, v]) => k.startsWith('outlier_detection.') && v !== 0);
    expect(outlier).toEqual([]);
    // maxRequestsPerConnection 5: a connection closes after its fifth request, so about one connection
    // per five requests; at the end at most the 10 allowed (plus one per worker × host pool) are open.
    expect(c.stats.upstream_cx_max_requests).toBeGreaterThanOrEqual(Math.floor(n / 5) - 14);
    expect(c.stats.upstream_cx_total).toBeLessThanOrEqual(Math.ceil(n / 5) + 14);
  });

  it('14-payment-processor: status retries fill the retry breaker; ~17 % of charges fail', () => {
    const r = run('14-payment-processor');
    const c = clusterOf(r);
    const n = r.client.total;
    // LOGICAL_DNS: one host, every connection to the first answer, the one in brownout.
    expect(c.hosts).toHaveLength(1);
    expect(c.hosts[0]!.requestsByAddress).toEqual({ '203.0.113.101': c.stats.upstream_rq_total });
    // 1/1 = 100 % > maxEjectionPercent 50: never ejected.
    expect(c.ejections).toEqual([]);
    expect(c.stats['outlier_detection.ejections_overflow']).toBeGreaterThan(0);
    // Every answer takes 4 s (+ 20 ms rtt): a status attempt always hits its 3 s per-try timeout, and
    // its last retry cannot finish before the 10 s route timeout, so every status request (a quarter
    // of the traffic) ends 504 UT. No other route times out: attempts of 4.06 s are under their 25 s
    // and 10 s per try, and 3 (charges) or 4 (default) of them stay under 60 s and 30 s.
    const s504 = r.client.byStatus['504'] ?? 0;
    nearBinomial(s504, n, 1 / 4);
    expect(
      Object.entries(r.client.byFlag)
        .filter(([flags]) => flags.includes('UT'))
        .reduce((s, [, k]) => s + k, 0),
    ).toBe(s504);
    // The breaker (3 slots, all routes) as an Erlang loss system. Chains of retries arrive, Poisson:
    // status at 2/s (every first attempt times out), holding a slot from ~3 s to the 10 s timeout;
    // charges at 4/s × 0.2 and refunds (default route) at 2/s × 0.2, holding 4.06 s (+ a back-off and
    // a 40 ms TCP + TLS connect) per retry, with one more retry with probability 0.2 while retries remain;
    // the back-off's mean is 12.5, 25 or 50 ms by retry, 25 ms is used for all.
    const f = 0.2;
    const retryMs = 4_060 + 25 + 40;
    const offered = 2 * 7 + (4 * f * retryMs * (1 + f)) / 1000 + (2 * f * retryMs * (1 + f + f * f)) / 1000;
    const blocked = erlangB(offered, 3);
    // Charges fail if their first retry is refused, or all three attempts answer 503; refunds likewise with four.
    const pCharges = f * blocked + f * (1 - blocked) * f ** 2;
    const pRefunds = f * blocked + f * (1 - blocked) * f ** 3;
    const predicted = (2 * pCharges + pRefunds) / 3;
    const others = n - s504;
    const share503 = (r.client.byStatus['503'] ?? 0) / others;
    // Erlang B near saturation moves little with the load: ±20 % on it moves B by < 4 %.
    const sd = Math.sqrt((predicted * (1 - predicted)) / others);
    expect(share503).toBeGreaterThanOrEqual(predicted * 0.9 - Z * sd);
    expect(share503).toBeLessThanOrEqual(predicted * 1.1 + Z * sd);
    // Alone, a charge would fail 0.2³ = 0.8 % of the time.
    expect(share503).toBeGreaterThan(10 * f ** 3);
  });
});
