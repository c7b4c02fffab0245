// A valid config is never an internal error: the work a run would do is bounded up front from everything
// that makes events (traffic and its timeline, retries, sweeps, flaps, DNS refreshes), and a run that
// still cannot finish stops with a report marked partial.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EXPECTED_EVENTS } from '../src/config/plan/event-bound.js';
import { ConfigError, formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { formatReportTable } from '../src/render/report-table.js';
import { planSimulation, type SimulationSpec, simulate } from '../src/simulate.js';
import { MAX_LISTED_EJECTIONS } from '../src/upstream/outlier-detector.js';
import { cli } from './fixtures/cli.js';

const SERVICE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.10 }, { address: 192.0.2.20 }]
`;

const withDoc = (...docs: string[]) => [SERVICE, ...docs].join('---\n');

/** The errors `simulate` refuses `spec` with, formatted. */
function refusal(spec: SimulationSpec): string[] {
  try {
    simulate(spec);
  } catch (e) {
    if (e instanceof ConfigError)
      return e.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw e;
  }
  throw new Error('expected the run to be refused');
}

describe('runs that used to end as "internal error" (issue: robust at every edge)', () => {
  it('50 attempts with a 1 ms per-try timeout run to the end: every request tries 51 times', () => {
    const config = withDoc(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api }
spec:
  hosts: [api.example.com]
  http:
    - route: [{ destination: { host: api.example.com } }]
      retries: { attempts: 50, perTryTimeout: 1ms, retryOn: "5xx" }
`);
    const r = simulate({
      config,
      duration: '2s',
      endpoints: { '*': { latency: { constant: '50ms' } } },
      traffic: { host: 'api.example.com', rps: 10, arrivals: 'constant' },
    });
    expect(r.partial).toBeUndefined();
    const stats = r.clusters['outbound|80||api.example.com']!.stats;
    // Every try times out (1 ms against 50 ms): 1 + 50 per request, then the client gets 504 UT.
    expect(r.client.total).toBe(19); // arrivals at 100 ms, 200 ms … 1.9 s
    expect(stats.upstream_rq_per_try_timeout).toBe(19 * 51);
    expect(r.client.byStatus).toEqual({ '504': 19 });
  });

  it('a timeline that sets rps to 1e9 is refused at that entry: its requests count', () => {
    const errors = refusal({
      config: SERVICE,
      duration: '10m',
      traffic: { host: 'api.example.com', rps: 1 },
      timeline: [{ at: '1s', traffic: 0, set: { rps: 1e9 } }],
    });
    expect(errors).toEqual([
      '<simulate spec> error spec.timeline[0].set.rps: about 5.99e+11 requests over 10m is over the limit of 1e+9 a run may send; shorten the run or lower the rate',
    ]);
  });

  it('a ramp set on the timeline counts its rate too', () => {
    const errors = refusal({
      config: SERVICE,
      duration: '1h',
      traffic: { host: 'api.example.com', rps: 1 },
      timeline: [{ at: '1m', traffic: 0, set: { ramp: { to: 1e6, over: '1m' } } }],
    });
    expect(errors[0]).toMatch(/spec\.timeline\[0\]\.set\.ramp: about 3\.5\de\+9 requests over 1h/);
  });

  it('outlier detection every 1 ms for five minutes runs: 300,000 sweeps fit the budget', () => {
    const config = withDoc(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api }
spec:
  host: api.example.com
  trafficPolicy: { outlierDetection: { interval: 1ms, consecutive5xxErrors: 5 } }
`);
    const r = simulate({ config, duration: '5m', traffic: { host: 'api.example.com', rps: 1 } });
    expect(r.partial).toBeUndefined();
    expect(r.client.total).toBeGreaterThan(240); // Poisson(300): 240 is 3.5 sd below
  });

  it('a 2 ms flap for five minutes runs: 300,000 turns fit the budget', () => {
    const r = simulate({
      config: SERVICE,
      duration: '5m',
      endpoints: { '192.0.2.10': { flap: { period: '2ms', duty: 0.5 } } },
      traffic: { host: 'api.example.com', rps: 1 },
    });
    expect(r.partial).toBeUndefined();
  });

  it('a 1 ms outlier interval over 1000 h is refused at the DestinationRule line that sets it', () => {
    const config = withDoc(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection:
      interval: 1ms
`);
    const errors = refusal({
      config: { file: 'od.yaml', text: config },
      duration: '1000h',
      traffic: { host: 'api.example.com', rps: 0.001 },
    });
    expect(errors).toEqual([
      `od.yaml:18:17 error spec.trafficPolicy.outlierDetection.interval: 3.60e+9 outlier detection sweeps of outbound|80||api.example.com (interval 1ms over 1000h): about 3.60e+9 events in all, over the limit of ${MAX_EXPECTED_EVENTS.toExponential(2)} a run may take; shorten the run or make this less frequent`,
    ]);
  });

  it('a century at a tiny rate with a 1 s DNS TTL is refused at the TTL', () => {
    const config = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS
`;
    const errors = refusal({
      config,
      duration: '876000h',
      dns: { 'api.example.com': { answers: ['192.0.2.1'], ttl: '1s' } },
      traffic: { host: 'api.example.com', rps: 1e-6 },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^<simulate spec> error spec\.dns\["api\.example\.com"\]\.ttl: 3\.00e\+9 DNS refreshes of api\.example\.com \(TTL 1s over 876000h\)/,
    );
  });

  it('`--duration 2562047h` (the longest Go duration) is refused with a diagnostic, exit 1', async () => {
    const { code, stderr } = await cli('run', 'examples/flaky-api.yaml', '--duration', '2562047h');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /error spec\.traffic\[0\]\.rps: about 9\.22e\+11 requests over 2562047h is over the limit/,
    );
    expect(stderr).not.toMatch(/internal error/);
  });

  it('closed-loop clients past the in-flight limit are refused: they all send at once', () => {
    const errors = refusal({
      config: SERVICE,
      traffic: { host: 'api.example.com', clients: 1000, thinkTime: '1s' },
      limits: { maxRequestsInFlight: 999 },
    });
    expect(errors).toEqual([
      '<simulate spec> error spec.traffic[0].clients: 1000 clients send at once, over the limit of 999 requests in flight (spec.limits.maxRequestsInFlight)',
    ]);
  });
});

describe('a run that cannot finish stops with a partial report', () => {
  it('at its event budget: everything until then is counted, and the report says where it stopped', () => {
    const spec: SimulationSpec = {
      config: SERVICE,
      duration: '1m',
      traffic: { host: 'api.example.com', rps: 100, arrivals: 'constant' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    };
    const whole = simulate(spec);
    expect(whole.partial).toBeUndefined();
    const r = simulate({ ...spec, limits: { maxEvents: 2000 } });
    expect(r.partial).toMatchObject({ cause: 'event-budget', field: 'spec.traffic[0].rps' });
    expect(r.partial!.message).toMatch(
      /^the run spent its budget of 2000 events \(spec\.limits\.maxEvents\) at \d+\.\d+s of 1m simulated; most of its events come from 6\.00e\+3 requests over 1m/,
    );
    // A request takes an arrival and an answer: 2000 events answer about 1000 of them.
    expect(r.client.total).toBeGreaterThan(900);
    expect(r.client.total).toBeLessThan(1001);
    // Arrivals every 10 ms, answers 5 ms later: it stopped between the last answer and the next.
    expect(r.partial!.atMs).toBeGreaterThanOrEqual(r.client.total * 10 + 5);
    expect(r.partial!.atMs).toBeLessThan((r.client.total + 2) * 10 + 5);
    // The timeline ends where the run stopped.
    expect(r.timeline.length).toBe(Math.ceil(r.partial!.atMs / 1000));
  });

  it('past its limit of requests in flight: an endpoint that never answers', () => {
    const r = simulate({
      config: SERVICE,
      duration: '1m',
      traffic: { host: 'api.example.com', rps: 100, arrivals: 'constant' },
      endpoints: { '*': { latency: { constant: '1h' } } },
      limits: { maxRequestsInFlight: 50 },
    });
    // The 51st request (constant arrivals every 10 ms, the first at 10 ms) takes it past 50.
    expect(r.partial).toEqual({
      cause: 'in-flight-limit',
      atMs: 510,
      message:
        '51 requests in flight at 510ms, over the limit of 50: requests arrive faster than they are answered (a black hole, a queue that keeps growing); add a timeout, or raise spec.limits.maxRequestsInFlight',
      field: 'spec.limits.maxRequestsInFlight',
    });
    expect(r.unfinished).toBe(51);
    expect(r.client.total).toBe(0);
  });

  it('the CLI prints the partial report, names the cause on stderr, and exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-bounds-'));
    const file = join(dir, 'budget.yaml');
    writeFileSync(
      file,
      withDoc(`apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: budget }
spec:
  duration: 1m
  limits: { maxEvents: 2000 }
  traffic: [{ host: api.example.com, rps: 100 }]
`),
    );
    try {
      const table = await cli('run', file);
      expect(table.code).toBe(3);
      expect(table.stdout).toMatch(
        /^meshsim: scenario budget, seed 1, 60 s simulated\n\nPARTIAL REPORT \(event-budget\): the run stopped at \d+\.\d+s; everything below counts only until then\n {2}the run spent its budget of 2000 events/,
      );
      const lines = table.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^meshsim: partial report \(event-budget\): the run spent its budget of 2000 events .* \[.*budget\.yaml:17 spec\.traffic\[0\]\.rps\]$/,
      );
      const json = await cli('run', file, '-f', 'json');
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout).partial).toMatchObject({ cause: 'event-budget' });
      const html = await cli('run', file, '-f', 'html');
      expect(html.stdout).toContain('<b>Partial report (event-budget)</b>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a plan carries the budget: twice what its drivers may make, at least a million', () => {
    const { plan } = planSimulation({
      config: SERVICE,
      duration: '1m',
      traffic: { host: 'api.example.com', rps: 100 },
    });
    expect(plan!.maxEvents).toBe(1e6);
    const big = planSimulation({
      config: SERVICE,
      duration: '1h',
      traffic: { host: 'api.example.com', rps: 1e4 },
    });
    // 3.6e7 requests × (4 + 8 × 3 tries of Istio's default retries) × 2, plus the timeline's buckets.
    expect(big.plan!.maxEvents).toBe(2 * (3.6e7 * 28 + 3601 + 0));
  });
});

describe('memory stays bounded however long the run', () => {
  it('the report lists the first 10,000 ejections of a cluster and counts the rest', () => {
    const config = withDoc(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { interval: 1ms, baseEjectionTime: 1ms, consecutive5xxErrors: 1, maxEjectionPercent: 100 }
`);
    const r = simulate({
      config,
      duration: '30s',
      endpoints: {
        '*': { latency: { constant: '1ms' } },
        '192.0.2.20': { errors: [{ status: 503, rate: 1 }] },
      },
      traffic: { host: 'api.example.com', rps: 2000, arrivals: 'constant' },
    });
    const cluster = r.clusters['outbound|80||api.example.com']!;
    const counted = cluster.hosts.reduce((s, h) => s + h.ejections, 0);
    expect(counted).toBeGreaterThan(MAX_LISTED_EJECTIONS);
    expect(cluster.ejections).toHaveLength(MAX_LISTED_EJECTIONS);
    expect(cluster.ejectionsNotListed).toBe(counted - MAX_LISTED_EJECTIONS);
    // The listed ones are the first, in time order, each closed by its return.
    expect(cluster.ejections.every((e, i) => i === 0 || e.atMs >= cluster.ejections[i - 1]!.atMs)).toBe(true);
    expect(cluster.ejections.at(-1)!.untilMs).not.toBeNull();
    expect(formatReportTable(r)).toContain(
      `${counted - MAX_LISTED_EJECTIONS} ejections after the first 10000 are counted above, not listed`,
    );
  });

  it('a DNS answer holds at most 4096 addresses, as a ServiceEntry lists at most 4096 endpoints', () => {
    const answers = Array.from({ length: 4097 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect(
      refusal({
        config: SERVICE,
        dns: { 'api.example.com': { answers } },
        traffic: { host: 'api.example.com', rps: 1 },
      }),
    ).toEqual(['<simulate spec> error spec.dns["api.example.com"].answers: must have at most 4096 items']);
    const timeline = [{ at: '1s', dns: 'api.example.com', set: { answers } }];
    expect(refusal({ config: SERVICE, timeline, traffic: { host: 'api.example.com', rps: 1 } })).toEqual([
      '<simulate spec> error spec.timeline[0].set.answers: must have at most 4096 items',
    ]);
  });

  it('limits.maxRequestsInFlight is at most 2,000,000 (about 1.8 GB of requests in flight)', () => {
    expect(
      refusal({
        config: SERVICE,
        traffic: { host: 'api.example.com', rps: 1 },
        limits: { maxRequestsInFlight: 2_000_001 },
      }),
    ).toEqual([
      '<simulate spec> error spec.limits.maxRequestsInFlight: must be an integer 1..2000000, got 2000001',
    ]);
  });
});
