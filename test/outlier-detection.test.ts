import { type Report, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

/** Runs `n` hosts where the first `failing` answer 500 to every request. */
function run(options: {
  hosts: number;
  failing: number;
  outlier: string;
  istioVersion?: string;
  duration?: string;
  rps?: number;
  seed?: number;
}): Report {
  const endpoints: Record<
    string,
    { latency: { constant: string }; errors?: Array<{ status: number; rate: number }> }
  > = {
    '*': { latency: { constant: '5ms' } },
  };
  for (let i = 1; i <= options.failing; i++) {
    endpoints[`10.0.0.${i}`] = { latency: { constant: '5ms' }, errors: [{ status: 500, rate: 1 }] };
  }
  return simulate({
    config: hostsYaml(options.hosts, `outlierDetection: ${options.outlier}`),
    seed: options.seed ?? 1,
    duration: options.duration ?? '60s',
    proxy: { istioVersion: options.istioVersion ?? '1.28' },
    traffic: { host: 'api.example.com', rps: options.rps ?? 100 },
    endpoints,
  });
}

const stat = (r: Report, name: string) => r.clusters[CLUSTER]!.stats[`outlier_detection.${name}`];
const maxEjectedAtOnce = (r: Report) => Math.max(0, ...r.timeline.map((t) => t.ejectedHosts));

describe('the ejection cap (ENVOY-SEMANTICS C.5)', () => {
  const cases = [
    // hosts, maxEjectionPercent, hosts failing, at most ejected now (Envoy ≥ 1.27), and before 1.27
    { hosts: 3, max: 50, failing: 3, now: 1, old: 2 },
    { hosts: 3, max: 10, failing: 3, now: 0, old: 1 },
    { hosts: 10, max: 10, failing: 3, now: 1, old: 1 },
    { hosts: 3, max: 100, failing: 3, now: 3, old: 3 },
  ];
  for (const c of cases) {
    const outlier = `{ consecutive5xxErrors: 5, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: ${c.max} }`;
    it(`${c.hosts} hosts at maxEjectionPercent ${c.max}: ${c.now} ejected at most (pre-1.27 rule: ${c.old})`, () => {
      const current = run({ hosts: c.hosts, failing: c.failing, outlier });
      expect(maxEjectedAtOnce(current)).toBe(c.now);
      const old = run({ hosts: c.hosts, failing: c.failing, outlier, istioVersion: '1.18' });
      expect(maxEjectedAtOnce(old)).toBe(c.old);
      if (c.now < c.failing) expect(stat(current, 'ejections_overflow')).toBeGreaterThan(0);
    });
  }

  it('with every host ejected and minHealthPercent 0 (panic off), clients get 503 UH', () => {
    const r = run({ hosts: 3, failing: 3, outlier: '{ consecutive5xxErrors: 5, maxEjectionPercent: 100 }' });
    expect(r.client.byFlag.UH).toBeGreaterThan(0);
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_none_healthy).toBe(r.client.byFlag.UH);
    // Each host answers 5 × 500 before it is ejected; then nothing reaches it for 30 s.
    for (const h of r.clusters[CLUSTER]!.hosts) expect(h.ejections).toBeGreaterThanOrEqual(1);
  });
});

describe('ejection durations: base × n, capped at 300 s, ended by the first sweep at or after expiry', () => {
  // One host failing for good among 10 (max 10 % → exactly that one can be ejected).
  const r = run({
    hosts: 10,
    failing: 1,
    outlier: '{ consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 10 }',
    duration: '2600s',
    rps: 50,
  });
  const ejections = r.clusters[CLUSTER]!.ejections;

  it('each ejection lasts min(30 s · n, 300 s) rounded up to the 10 s sweep', () => {
    expect(ejections.length).toBeGreaterThanOrEqual(6);
    ejections.forEach((e, i) => {
      if (e.untilMs === null) return;
      const expected = Math.min(30_000 * (i + 1), 300_000);
      const lasted = e.untilMs - e.atMs;
      expect(lasted).toBeGreaterThanOrEqual(expected);
      expect(lasted).toBeLessThan(expected + 10_000);
      // Sweeps run at multiples of the interval from the cluster's start.
      expect(e.untilMs % 10_000).toBe(0);
    });
  });

  it('the back-off stops growing at the cap: the 10th and 11th ejections both last 300 s (+ sweep)', () => {
    const closed = ejections.filter((e) => e.untilMs !== null);
    const last = closed.slice(-2).map((e) => e.untilMs! - e.atMs);
    for (const d of last) expect(d).toBeGreaterThanOrEqual(300_000);
    for (const d of last) expect(d).toBeLessThan(310_000);
  });
});

describe('back-off decays after clean intervals', () => {
  it('a host that recovers and fails again much later is ejected for the base time again', () => {
    // The host fails at rate 1 until it is ejected twice, then the scenario cannot switch it; instead use a
    // host failing at a low rate: runs of 3 consecutive failures are rare, so ejections are far apart and
    // the back-off (one step per clean 10 s interval) is back to 0 before the next one.
    const r = simulate({
      config: hostsYaml(
        10,
        'outlierDetection: { consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 10 }',
      ),
      seed: 5,
      duration: '3000s',
      traffic: { host: 'api.example.com', rps: 20 },
      endpoints: {
        '*': { latency: { constant: '5ms' } },
        '10.0.0.1': { latency: { constant: '5ms' }, errors: [{ status: 500, rate: 0.2 }] },
      },
    });
    const ejections = r.clusters[CLUSTER]!.ejections;
    expect(ejections.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < ejections.length; i++) {
      const gapMs = ejections[i]!.atMs - (ejections[i - 1]!.untilMs ?? Number.POSITIVE_INFINITY);
      const lasted = (ejections[i]!.untilMs ?? Number.POSITIVE_INFINITY) - ejections[i]!.atMs;
      // After ≥ 2 clean intervals since the return the back-off is 0 again, so the next ejection is 1 × base.
      if (gapMs >= 20_000 && ejections[i]!.untilMs !== null) expect(lasted).toBeLessThan(40_000);
    }
  });
});

describe('time to first ejection: the run-length law', () => {
  // A host failing independently with probability p meets N consecutive failures after
  // E[K] = (1 − p^N) / ((1 − p) · p^N) of its requests. With p = 0.5, N = 3: E[K] = 14.
  // One host alone (maxEjectionPercent 100) and a 1 h ejection: every request it answered came before
  // its ejection and every later one is 503 UH, so K is exactly the host's request count.
  const p = 0.5;
  const N = 3;
  const expected = (1 - p ** N) / ((1 - p) * p ** N);

  it(`the mean over 60 seeds is within the 99.9 % interval of E[K] = ${expected}`, () => {
    const samples: number[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const r = simulate({
        config: hostsYaml(
          1,
          `outlierDetection: { consecutive5xxErrors: ${N}, interval: 1s, baseEjectionTime: 1h, maxEjectionPercent: 100 }`,
        ),
        seed,
        duration: '120s',
        traffic: { host: 'api.example.com', rps: 10 },
        endpoints: { '*': { latency: { constant: '1ms' }, errors: [{ status: 500, rate: p }] } },
      });
      const cluster = r.clusters[CLUSTER]!;
      expect(cluster.ejections).toHaveLength(1);
      expect(r.client.byFlag.UH).toBe(r.client.total - cluster.hosts[0]!.rqTotal);
      samples.push(cluster.hosts[0]!.rqTotal);
    }
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (samples.length - 1));
    // Student t, 59 degrees of freedom, two-sided 99.9 %: 3.46.
    expect(Math.abs(mean - expected)).toBeLessThanOrEqual((3.46 * sd) / Math.sqrt(samples.length));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(N);
  });
});
