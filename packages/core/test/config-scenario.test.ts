import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';

const scenario = (spec: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: s }
spec:
${spec}`;

const problems = (spec: string) => loadConfig(scenario(spec)).diagnostics.map(formatDiagnostic);

describe('Scenario defaults', () => {
  it('an empty Scenario gets every default DESIGN.md gives', () => {
    const loaded = loadConfig('apiVersion: meshsim.dev/v1alpha1\nkind: Scenario\n');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.scenario?.resource).toEqual({
      apiVersion: 'meshsim.dev/v1alpha1',
      kind: 'Scenario',
      metadata: { name: 'scenario' },
      spec: {
        seed: 1,
        duration: { text: '60s', ms: 60_000 },
        proxy: { namespace: 'default', workers: 2, istioVersion: '1.28' },
        network: { rtt: { text: '1ms', ms: 1 } },
        dns: {},
        endpoints: {},
        traffic: [],
        timeline: [],
        // meshsim's addition to the contract: how the report is kept.
        report: { timelineBucket: { text: '1s', ms: 1000 } },
        // …and the bounds of a run, past which its report is partial.
        limits: { maxRequestsInFlight: 500_000 },
        // …and what a CI gate judges: no expectations, one run.
        expect: [],
        replications: 1,
      },
    });
  });

  it('the full example of the contract loads, typed', () => {
    const text = readFileSync(new URL('./fixtures/full-stream.yaml', import.meta.url), 'utf8');
    const spec = loadConfig(text).scenario!.resource.spec;
    expect(spec.seed).toBe(42);
    expect(spec.duration.ms).toBe(600_000);
    expect(spec.proxy).toEqual({
      namespace: 'production',
      locality: 'us-east-1/us-east-1a',
      workers: 2,
      istioVersion: '1.28',
    });
    expect(spec.dns['api.third-party.io']).toEqual({
      ttl: { text: '30s', ms: 30_000 },
      answers: ['198.51.100.1', '198.51.100.2'],
      rotate: true,
      failure: 'none',
    });
    expect(spec.endpoints['198.51.100.1']).toEqual({
      latency: { median: { text: '40ms', ms: 40 }, p99: { text: '200ms', ms: 200 } },
      errors: [{ status: 503, rate: 0.3 }],
      connect: 'ok',
    });
    expect(spec.endpoints['*']?.rateLimit).toEqual({ rps: 50, status: 429 });
    expect(spec.traffic).toEqual([
      {
        host: 'api.third-party.io',
        port: 443,
        path: '/v1/charges',
        method: 'GET',
        headers: {},
        keepAlive: true,
        rps: 200,
      },
      {
        host: 'api.third-party.io',
        path: '/',
        method: 'GET',
        headers: {},
        keepAlive: true,
        clients: 10,
        thinkTime: { text: '100ms', ms: 100 },
      },
    ]);
    expect(spec.timeline).toEqual([
      { at: { text: '2m', ms: 120_000 }, endpoint: '198.51.100.1', set: { connect: 'refuse' } },
      { at: { text: '5m', ms: 300_000 }, dns: 'api.third-party.io', set: { answers: ['198.51.100.4'] } },
      { at: { text: '7m', ms: 420_000 }, traffic: 0, set: { rps: 400 } },
    ]);
  });

  it('a closed-loop source without thinkTime gets 0s', () => {
    const spec = loadConfig(scenario('  traffic: [{ host: a.io, clients: 3 }]\n')).scenario?.resource.spec;
    expect(spec?.traffic[0]).toMatchObject({ clients: 3, thinkTime: { text: '0s', ms: 0 } });
  });

  it('a timeline patch does not fill defaults, so unset fields stay as they were', () => {
    const spec = loadConfig(scenario('  timeline: [{ at: 1s, endpoint: 10.0.0.1, set: { rtt: 50ms } }]\n'))
      .scenario?.resource.spec;
    expect(spec?.timeline[0]).toEqual({
      at: { text: '1s', ms: 1000 },
      endpoint: '10.0.0.1',
      set: { rtt: { text: '50ms', ms: 50 } },
    });
  });
});

describe('Scenario errors', () => {
  it('latency must be one form', () => {
    expect(problems('  endpoints:\n    "*": { latency: { constant: 5ms, exponential: 3ms } }\n')).toEqual([
      '<inline>:6:21 error spec.endpoints["*"].latency: must be exactly one of { median, p99 }, { constant } or { exponential }',
    ]);
    expect(problems('  endpoints:\n    "*": { latency: { median: 50ms, p99: 10ms } }\n')).toEqual([
      '<inline>:6:42 error spec.endpoints["*"].latency.p99: must be at least the median (50ms), got "10ms"',
    ]);
  });

  it('connect must be one of its behaviours', () => {
    expect(problems('  endpoints:\n    "*": { connect: timeout }\n')).toEqual([
      '<inline>:6:21 error spec.endpoints["*"].connect: must be one of ok, refuse, blackhole, tlsError, got "timeout"',
    ]);
  });

  it('tlsMaxProtocolVersion is TLSV1_2 or TLSV1_3 (older ones fail the TLS 1.2 minimum)', () => {
    expect(problems('  endpoints:\n    "*": { tlsMaxProtocolVersion: TLSV1_1 }\n')).toEqual([
      '<inline>:6:35 error spec.endpoints["*"].tlsMaxProtocolVersion: must be one of TLSV1_2, TLSV1_3, got "TLSV1_1"',
    ]);
  });

  it('status codes are 100..599', () => {
    expect(problems('  endpoints:\n    "*": { errors: [{ status: 600, rate: 0.1 }] }\n')).toEqual([
      '<inline>:6:31 error spec.endpoints["*"].errors[0].status: must be an integer 100..599, got 600',
    ]);
  });

  it('a stream reset carries no grpc-status; a refused stream no status; reset is one of its kinds', () => {
    expect(
      problems('  endpoints:\n    "*": { errors: [{ reset: refused-stream, status: 503, rate: 0.1 }] }\n'),
    ).toEqual([
      '<inline>:6:54 error spec.endpoints["*"].errors[0].status: cannot be given with reset: refused-stream, which refuses the stream before any answer',
    ]);
    expect(
      problems(
        '  endpoints:\n    "*": { errors: [{ reset: after-headers, grpcStatus: INTERNAL, rate: 0.1 }] }\n',
      ),
    ).toEqual([
      '<inline>:6:57 error spec.endpoints["*"].errors[0].grpcStatus: cannot be given with reset: after-headers, whose stream ends without a grpc-status',
    ]);
    expect(problems('  endpoints:\n    "*": { errors: [{ reset: closed, rate: 0.1 }] }\n')).toEqual([
      '<inline>:6:30 error spec.endpoints["*"].errors[0].reset: must be one of refused-stream, after-headers, got "closed"',
    ]);
  });

  it('a traffic source needs rps or clients, not both', () => {
    expect(problems('  traffic: [{ host: a.io }]\n')).toEqual([
      '<inline>:5:13 error spec.traffic[0]: needs rps (open loop) or clients (closed loop)',
    ]);
    expect(problems('  traffic: [{ host: a.io, rps: 5, clients: 2 }]\n')).toEqual([
      '<inline>:5:44 error spec.traffic[0].clients: cannot be set together with rps',
    ]);
    expect(problems('  traffic: [{ host: a.io, rps: 0 }]\n')).toEqual([
      '<inline>:5:32 error spec.traffic[0].rps: must be a number greater than 0, got 0',
    ]);
  });

  it('a timeline entry needs exactly one target and a valid patch for it', () => {
    expect(problems('  timeline: [{ at: 1m, set: { rps: 1 } }]\n')).toEqual([
      '<inline>:5:14 error spec.timeline[0]: needs exactly one of endpoint, locality, dns or traffic',
    ]);
    expect(problems('  timeline: [{ at: 1m, dns: a.io, set: { answers: [not-an-ip] } }]\n')).toEqual([
      '<inline>:5:52 error spec.timeline[0].set.answers[0]: must be an IP address, got "not-an-ip"',
    ]);
    expect(problems('  timeline: [{ at: 1m, dns: a.io, set: { connect: refuse } }]\n')).toEqual([
      '<inline>:5:42 error spec.timeline[0].set.connect: unknown field "connect"',
    ]);
  });

  it('a timeline traffic index must exist', () => {
    expect(
      problems(
        '  traffic: [{ host: a.io, rps: 1 }]\n  timeline: [{ at: 1m, traffic: 1, set: { rps: 2 } }]\n',
      ),
    ).toEqual([
      '<inline>:6:33 error spec.timeline[0].traffic: must be an index into spec.traffic (0..0), got 1',
    ]);
  });

  it('an unquoted istioVersion that YAML turned into a number', () => {
    expect(problems('  proxy: { istioVersion: 1.20 }\n')).toEqual([
      '<inline>:5:26 error spec.proxy.istioVersion: must be a quoted version string such as "1.24" (YAML reads 1.20 as the number 1.2), got 1.2',
    ]);
  });

  it('workers and seed are integers', () => {
    expect(problems('  seed: 1.5\n  proxy: { workers: 0 }\n')).toEqual([
      '<inline>:5:9 error spec.seed: must be an integer >= 0, got 1.5',
      '<inline>:6:21 error spec.proxy.workers: must be an integer 1..1024, got 0',
    ]);
  });

  it('the apiVersion must be meshsim.dev/v1alpha1', () => {
    const loaded = loadConfig('apiVersion: meshsim.dev/v1\nkind: Scenario\n');
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      '<inline>:1:13 error apiVersion: must be meshsim.dev/v1alpha1 for kind Scenario, got "meshsim.dev/v1"',
    ]);
  });
});

describe('Scenario extensions: endpoints', () => {
  const endpoint = (yaml: string) =>
    loadConfig(scenario(`  endpoints:\n    "*": ${yaml}\n`)).scenario?.resource.spec.endpoints['*'];

  it('tlsReason, queue, rateLimit.burst and idleTimeout load as written, queue.status defaulting to 503', () => {
    expect(endpoint('{ connect: tlsError, tlsReason: WRONG_VERSION_NUMBER }')).toEqual({
      errors: [],
      connect: 'tlsError',
      tlsReason: 'WRONG_VERSION_NUMBER',
    });
    expect(
      endpoint('{ concurrency: 8, queue: { size: 20 }, rateLimit: { rps: 5, burst: 10 }, idleTimeout: 5s }'),
    ).toEqual({
      errors: [],
      connect: 'ok',
      concurrency: 8,
      queue: { size: 20, status: 503 },
      rateLimit: { rps: 5, status: 429, burst: 10 },
      idleTimeout: { text: '5s', ms: 5000 },
    });
  });

  it('flap: down defaults to refusing connections; a down patch keeps only what it sets', () => {
    expect(endpoint('{ flap: { period: 1m, duty: 0.75 } }')?.flap).toEqual({
      period: { text: '1m', ms: 60_000 },
      duty: 0.75,
      down: { connect: 'refuse' },
    });
    expect(endpoint('{ flap: { period: 10s, duty: 0.5, offset: 2s, down: { rtt: 1s } } }')?.flap).toEqual({
      period: { text: '10s', ms: 10_000 },
      duty: 0.5,
      down: { rtt: { text: '1s', ms: 1000 } },
      offset: { text: '2s', ms: 2000 },
    });
  });

  it('certificate loads with issuer public by default; its times are checked where written', () => {
    expect(
      endpoint('{ certificate: { subjectAltNames: [api.example.com], notAfter: 5m } }')?.certificate,
    ).toEqual({
      subjectAltNames: ['api.example.com'],
      issuer: 'public',
      notAfter: { text: '5m', ms: 300_000 },
    });
    expect(
      problems(
        '  endpoints:\n    "*": { certificate: { subjectAltNames: [a.test], notBefore: 2m, notAfter: 1m } }\n',
      ),
    ).toEqual([
      '<inline>:6:79 error spec.endpoints["*"].certificate.notAfter: must be after notBefore (2m), got "1m"',
    ]);
    expect(
      problems(
        '  endpoints:\n    "*": { certificate: { subjectAltNames: [a.test], expired: true, notAfter: 1m } }\n',
      ),
    ).toEqual([
      '<inline>:6:63 error spec.endpoints["*"].certificate.expired: expired: true means it expired before the run; give notBefore/notAfter instead',
    ]);
    expect(problems('  endpoints:\n    "*": { certificate: { issuer: x } }\n')).toEqual([
      '<inline>:6:25 error spec.endpoints["*"].certificate.subjectAltNames: is required',
    ]);
  });

  it('tlsReason needs connect: tlsError, and queue needs concurrency', () => {
    expect(problems('  endpoints:\n    "*": { tlsReason: WRONG_VERSION_NUMBER }\n')).toEqual([
      '<inline>:6:23 error spec.endpoints["*"].tlsReason: applies only with connect: tlsError, got connect: ok',
    ]);
    expect(problems('  endpoints:\n    "*": { queue: { size: 10 } }\n')).toEqual([
      '<inline>:6:19 error spec.endpoints["*"].queue: applies only with concurrency',
    ]);
  });

  it('flap fields are checked, and a down phase cannot flap itself', () => {
    expect(problems('  endpoints:\n    "*": { flap: { period: 0s, duty: 1.5 } }\n')).toEqual([
      '<inline>:6:28 error spec.endpoints["*"].flap.period: must be at least 1ms, got "0s"',
      '<inline>:6:38 error spec.endpoints["*"].flap.duty: must be a number 0..1, got 1.5',
    ]);
    expect(
      problems(
        '  endpoints:\n    "*": { flap: { period: 1m, duty: 0.5, down: { flap: { period: 1s, duty: 0.5 } } } }\n',
      ),
    ).toEqual(['<inline>:6:51 error spec.endpoints["*"].flap.down.flap: unknown field "flap"']);
  });

  it('idleTimeout is at least 1ms and burst at least 1', () => {
    expect(problems('  endpoints:\n    "*": { idleTimeout: 0s, rateLimit: { rps: 5, burst: 0 } }\n')).toEqual(
      [
        '<inline>:6:25 error spec.endpoints["*"].idleTimeout: must be at least 1ms, got "0s"',
        '<inline>:6:57 error spec.endpoints["*"].rateLimit.burst: must be an integer >= 1, got 0',
      ],
    );
  });
});

describe('Scenario extensions: traffic shapes', () => {
  const source = (yaml: string) =>
    loadConfig(scenario(`  traffic: [${yaml}]\n`)).scenario?.resource.spec.traffic[0];

  it('arrivals, bursts, ramp and a weighted route mix load as written; a route weight defaults to 1', () => {
    expect(
      source(
        '{ host: a.io, rps: 5, arrivals: constant, bursts: { every: 1m, length: 5s, rps: 50 }, routes: [{ path: /a, weight: 3 }, { method: POST }] }',
      ),
    ).toEqual({
      host: 'a.io',
      path: '/',
      method: 'GET',
      headers: {},
      keepAlive: true,
      rps: 5,
      arrivals: 'constant',
      bursts: { every: { text: '1m', ms: 60_000 }, length: { text: '5s', ms: 5000 }, rps: 50 },
      routes: [
        { path: '/a', weight: 3 },
        { method: 'POST', weight: 1 },
      ],
    });
    expect(source('{ host: a.io, rps: 5, ramp: { to: 0, over: 2m } }')?.ramp).toEqual({
      to: 0,
      over: { text: '2m', ms: 120_000 },
    });
  });

  it('diurnal defaults to a 24h period peaking at the start', () => {
    expect(source('{ host: a.io, rps: 5, diurnal: { amplitude: 0.5 } }')?.diurnal).toEqual({
      period: { text: '24h', ms: 86_400_000 },
      amplitude: 0.5,
      peak: { text: '0s', ms: 0 },
    });
  });

  it('one rate shape at most, none on closed-loop clients, bursts no longer than their period', () => {
    expect(
      problems(
        '  traffic: [{ host: a.io, rps: 5, ramp: { to: 10, over: 1m }, diurnal: { amplitude: 0.5 } }]\n',
      ),
    ).toEqual([
      '<inline>:5:72 error spec.traffic[0].diurnal: only one of bursts, ramp or diurnal may be set; found ramp and diurnal',
    ]);
    expect(problems('  traffic: [{ host: a.io, clients: 5, arrivals: constant }]\n')).toEqual([
      '<inline>:5:49 error spec.traffic[0].arrivals: applies only to rps (open loop), not clients',
    ]);
    expect(
      problems('  traffic: [{ host: a.io, rps: 5, bursts: { every: 10s, length: 20s, rps: 50 } }]\n'),
    ).toEqual(['<inline>:5:65 error spec.traffic[0].bursts.length: must be at most every (10s), got "20s"']);
  });

  it('routes are a non-empty list of valid requests with positive weights', () => {
    expect(problems('  traffic: [{ host: a.io, rps: 5, routes: [] }]\n')).toEqual([
      '<inline>:5:43 error spec.traffic[0].routes: must have at least 1 item',
    ]);
    expect(problems('  traffic: [{ host: a.io, rps: 5, routes: [{ path: x, weight: 0 }] }]\n')).toEqual([
      '<inline>:5:52 error spec.traffic[0].routes[0].path: must start with /, got "x"',
      '<inline>:5:63 error spec.traffic[0].routes[0].weight: must be a number greater than 0, got 0',
    ]);
  });

  it('a timeline patch can set a rate shape', () => {
    const spec = loadConfig(
      scenario(
        '  traffic: [{ host: a.io, rps: 1 }]\n  timeline: [{ at: 1m, traffic: 0, set: { ramp: { to: 9, over: 1m } } }]\n',
      ),
    ).scenario?.resource.spec;
    expect(spec?.timeline).toEqual([
      {
        at: { text: '1m', ms: 60_000 },
        traffic: 0,
        set: { ramp: { to: 9, over: { text: '1m', ms: 60_000 } } },
      },
    ]);
  });
});

describe('Scenario extensions: timeline', () => {
  const timeline = (yaml: string) =>
    loadConfig(scenario(`  timeline: [${yaml}]\n`)).scenario?.resource.spec.timeline;

  it('a locality target takes an endpoint patch; becomes replaces a behaviour whole, defaults filled', () => {
    expect(timeline('{ at: 5m, locality: us-east-1, set: { connect: refuse } }')).toEqual([
      { at: { text: '5m', ms: 300_000 }, locality: 'us-east-1', set: { connect: 'refuse' } },
    ]);
    expect(timeline('{ at: 2m, endpoint: 10.1.1.10, becomes: { latency: { constant: 1s } } }')).toEqual([
      {
        at: { text: '2m', ms: 120_000 },
        endpoint: '10.1.1.10',
        becomes: { latency: { constant: { text: '1s', ms: 1000 } }, errors: [], connect: 'ok' },
      },
    ]);
  });

  it('phase labels a change, or alone marks a phase', () => {
    expect(
      timeline(
        '{ at: 0s, phase: warm-up }, { at: 1m, phase: outage, endpoint: 10.0.0.1, set: { connect: blackhole } }',
      ),
    ).toEqual([
      { at: { text: '0s', ms: 0 }, phase: 'warm-up' },
      {
        at: { text: '1m', ms: 60_000 },
        phase: 'outage',
        endpoint: '10.0.0.1',
        set: { connect: 'blackhole' },
      },
    ]);
  });

  it('becomes is for endpoints and localities only, and not with set', () => {
    expect(problems('  timeline: [{ at: 1m, dns: a.io, becomes: { answers: [] } }]\n')).toEqual([
      '<inline>:5:44 error spec.timeline[0].becomes: applies only to endpoint and locality; use set',
    ]);
    expect(
      problems(
        '  timeline: [{ at: 1m, endpoint: 10.0.0.1, set: { rtt: 1ms }, becomes: { connect: refuse } }]\n',
      ),
    ).toEqual(['<inline>:5:72 error spec.timeline[0].becomes: cannot be set together with set']);
    expect(problems('  timeline: [{ at: 1m, locality: us-east-1, becomes: { connect: nope } }]\n')).toEqual([
      '<inline>:5:65 error spec.timeline[0].becomes.connect: must be one of ok, refuse, blackhole, tlsError, got "nope"',
    ]);
  });

  it('a target needs a change, and a change needs a target even with a phase', () => {
    expect(problems('  timeline: [{ at: 1m, locality: us-east-1 }]\n')).toEqual([
      '<inline>:5:14 error spec.timeline[0]: needs set (the fields that change) or becomes (the whole behaviour)',
    ]);
    expect(problems('  traffic: [{ host: a.io, rps: 1 }]\n  timeline: [{ at: 1m, traffic: 0 }]\n')).toEqual([
      '<inline>:6:14 error spec.timeline[0]: needs set (the fields that change)',
    ]);
    expect(problems('  timeline: [{ at: 1m, phase: x, set: { rps: 1 } }]\n')).toEqual([
      '<inline>:5:14 error spec.timeline[0]: needs exactly one of endpoint, locality, dns or traffic',
    ]);
    expect(problems('  timeline: [{ at: 1m, phase: "" }]\n')).toEqual([
      '<inline>:5:31 error spec.timeline[0].phase: must not be empty',
    ]);
  });
});
