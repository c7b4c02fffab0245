import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/config/diagnostics.js';
import { loadConfig } from '../src/config/load.js';

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
    });
    expect(spec.endpoints['198.51.100.1']).toEqual({
      latency: { median: { text: '40ms', ms: 40 }, p99: { text: '200ms', ms: 200 } },
      errors: [{ status: 503, rate: 0.3 }],
      connect: 'ok',
    });
    expect(spec.endpoints['*']?.rateLimit).toEqual({ rps: 50, status: 429 });
    expect(spec.traffic).toEqual([
      { host: 'api.third-party.io', port: 443, path: '/v1/charges', method: 'GET', headers: {}, rps: 200 },
      {
        host: 'api.third-party.io',
        path: '/',
        method: 'GET',
        headers: {},
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
    expect(spec?.timeline[0]?.set).toEqual({ rtt: { text: '50ms', ms: 50 } });
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

  it('status codes are 100..599', () => {
    expect(problems('  endpoints:\n    "*": { errors: [{ status: 600, rate: 0.1 }] }\n')).toEqual([
      '<inline>:6:31 error spec.endpoints["*"].errors[0].status: must be an integer 100..599, got 600',
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
      '<inline>:5:14 error spec.timeline[0]: needs exactly one of endpoint, dns or traffic',
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
