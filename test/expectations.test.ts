import {
  ConfigError,
  checkExpectations,
  type ExpectationResult,
  pairedInterval,
  simulate,
  studentTCritical,
} from '@meshsim/core';
import { describe, expect, it } from 'vitest';

// Two STATIC endpoints 20 ms away (constant), the second answering 503 to 60 % of its requests.
// LEAST_REQUEST over two equal hosts gives each about half, so the error rate is about 0.5 × 0.6 = 30 %.
const ISTIO = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.1 }, { address: 192.0.2.2 }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 0 }
`;

const scenario = (extra: string) => `${ISTIO}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: two-endpoints }
spec:
  seed: 7
  duration: 2s
  endpoints:
    "*": { latency: { constant: 20ms } }
    192.0.2.2: { latency: { constant: 20ms }, errors: [{ status: 503, rate: 0.6 }] }
  traffic: [{ host: api.example.com, rps: 100 }]
${extra}`;

describe('expectations on one run', () => {
  const file = {
    file: 'gate.yaml',
    text: scenario(`  expect:
    - errorRate: { max: 50% }
    - errorRate: { max: 10% }
    - status: { code: 503, min: 0.2, max: 0.4 }
    - latency: { percentile: p50, max: 21.5ms }
    - latency: { percentile: p50, max: 20ms }
    - flag: { name: UO, max: 0 }
    - counter: { name: upstream_rq_503, cluster: api.example.com, min: 1 }
    - hostShare: { host: 192.0.2.2, min: 40%, max: 60% }
`),
  };
  const checked = checkExpectations({ config: file });
  const results = checked.expectations!.results;

  it('judges each bound against the figure of the run, which is the report’s own', () => {
    const report = checked.report;
    expect(results.map((r) => r.verdict)).toEqual([
      'pass',
      'fail',
      'pass',
      'pass',
      'fail',
      'pass',
      'pass',
      'pass',
    ]);
    expect(results[0]!.value).toBe(report.client.errorRate);
    expect(results[2]!.value).toBe((report.client.byStatus['503'] ?? 0) / report.client.total);
    // A request on a warm connection takes the 20 ms server time plus the 1 ms round trip.
    expect(results[3]!.value).toBeGreaterThan(21 * 0.99);
    expect(results[3]!.value).toBeLessThan(21 * 1.01);
    expect(results[6]!.value).toBe(report.clusters['outbound|80||api.example.com']!.stats.upstream_rq_503);
    expect(checked.expectations!.passed).toBe(false);
    expect(checked.expectations!.seeds).toEqual([7]);
  });

  it('points at the expectation and tells expected against got, with the why notes behind a failure', () => {
    const failed = results[1]!;
    expect(failed).toMatchObject({ file: 'gate.yaml', line: 30, expected: '≤ 10%' });
    expect(failed.got).toMatch(/^\d+\.\d\d %$/);
    expect(failed.reason).toContain('over 10%');
    // The endpoint failure note points at the Scenario line that makes 192.0.2.2 fail.
    const endpoint = failed.why.find((w) => w.text.startsWith('192.0.2.2:80'));
    expect(endpoint).toMatchObject({ file: 'gate.yaml', line: 26 });
    expect(results[0]!.why).toEqual([]);
  });
});

describe('expectations over replications', () => {
  const n = 10;
  const checked = checkExpectations({
    config: scenario(`  replications: ${n}
  expect:
    - errorRate: { max: 35% }
    - errorRate: { max: 25% }
    - errorRate: { max: 30.5% }
`),
  });
  type Judged = ExpectationResult & { interval: NonNullable<ExpectationResult['interval']> };
  const [wide, under, across] = checked.expectations!.results as [Judged, Judged, Judged];

  it('runs seed … seed + N − 1, each the run simulate() gives for that seed', () => {
    expect(checked.expectations!.seeds).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const again = simulate({ config: scenario(''), seed: 12 });
    expect(wide.runs[5]).toBe(again.client.errorRate);
  });

  it('judges by the Student-t interval of the mean, compare’s paired statistics against zero', () => {
    const interval = pairedInterval(
      wide.runs.map(() => 0),
      wide.runs,
      0.95,
    );
    expect(wide.interval).toMatchObject({ n, low: interval.low, high: interval.high, level: 0.95 });
    const sd = Math.sqrt(wide.runs.reduce((s, x) => s + (x - wide.value) ** 2, 0) / (n - 1));
    expect(wide.interval.high - wide.value).toBeCloseTo(
      (studentTCritical(0.95, n - 1) * sd) / Math.sqrt(n),
      12,
    );
    // ~200 requests a run at p ≈ 0.3: sd ≈ √(0.3·0.7/200) ≈ 0.032, so the interval is about ±0.023 wide.
    expect(wide.value).toBeGreaterThan(0.27);
    expect(wide.value).toBeLessThan(0.33);
    expect(wide.interval.high).toBeLessThan(0.35);
    expect(wide.verdict).toBe('pass');
    expect(wide.reason).toContain('holds with 95 % confidence');
    expect(under.interval.low).toBeGreaterThan(0.25);
    expect(under.verdict).toBe('fail');
    expect(across.interval.low).toBeLessThan(0.305);
    expect(across.interval.high).toBeGreaterThan(0.305);
    expect(across.verdict).toBe('inconclusive');
    expect(across.passed).toBe(false);
    expect(across.reason).toMatch(/straddles 30\.5%; about \d+ replications would settle it/);
  });
});

describe('bad expectations', () => {
  const problems = (expectYaml: string) => {
    try {
      checkExpectations({ config: { file: 'bad.yaml', text: scenario(expectYaml) } });
    } catch (e) {
      if (e instanceof ConfigError) return e.diagnostics.filter((d) => d.severity === 'error');
    }
    throw new Error('no ConfigError');
  };

  it('names the file, line and field of a cluster, host, flag or counter the run does not have', () => {
    expect(
      problems(`  expect:
    - counter: { name: upstream_rq_retries, max: 1 }
    - flag: { name: XX, max: 0 }
    - ejections: { cluster: api.example.org, max: 0 }
`).map((d) => `${d.line} ${d.path}: ${d.message}`),
    ).toEqual([
      '30 spec.expect[1].flag.name: XX is not an Envoy response flag; flags: UH, UT, LR, UR, UF, UC, UO, NR, DI, FI, URX, NC, DF',
      '31 spec.expect[2].ejections.cluster: no cluster of this run is "api.example.org" (did you mean api.example.com?); its clusters: outbound|80||api.example.com',
    ]);
    expect(
      problems(`  expect:
    - hostShare: { host: 192.0.2.9, max: 10% }
    - counter: { name: upstream_rq_retries, max: 1 }
`).map((d) => [d.line, d.path, d.message]),
    ).toEqual([
      [29, 'spec.expect[0].hostShare.host', expect.stringContaining('no host of the run is 192.0.2.9')],
      [
        30,
        'spec.expect[1].counter.name',
        'no cluster of the run counts upstream_rq_retries (did you mean upstream_rq_retry?)',
      ],
    ]);
  });

  it('refuses malformed bounds with the schema’s positions', () => {
    expect(
      problems(`  expect:
    - errorRate: { max: 5 }
    - latency: { percentile: p95, max: 1s }
    - {}
`).map((d) => `${d.line}:${d.column} ${d.path}`),
    ).toEqual([
      '29:25 spec.expect[0].errorRate.max',
      '30:30 spec.expect[1].latency.percentile',
      '31:7 spec.expect[2]',
    ]);
  });
});
