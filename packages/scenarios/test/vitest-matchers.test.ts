import { readFileSync } from 'node:fs';
import { simulate, type TraceEvent } from '@meshsim/core';
import { everyRequestEndsOnce, noRequestToEjectedHost } from '@meshsim/scenarios/invariants';
import '@meshsim/scenarios/vitest';
import { describe, expect, it } from 'vitest';
import { CLUSTER, cluster, report as synthetic } from './fixtures/synthetic-report.js';

// examples/flaky-api.yaml: 192.0.2.20 answers 503 to 30 % of 100 rps for 2 minutes, and outlier
// detection (5 consecutive 5xx, 10 s sweeps, 30 s base ejection) ejects it now and then.
const trace: TraceEvent[] = [];
const flaky = simulate(
  { config: { file: 'examples/flaky-api.yaml', text: readFileSync('examples/flaky-api.yaml', 'utf8') } },
  { trace: (e) => trace.push(e) },
);
const ejections = flaky.clusters['outbound|80||api.flaky.example.com']!.ejections;

describe('@meshsim/scenarios/vitest', () => {
  it('toHaveErrorRateBelow compares report.client.errorRate, and says what it was', () => {
    const rate = flaky.client.errorRate;
    expect(rate).toBeGreaterThan(0);
    expect(flaky).toHaveErrorRateBelow(rate + 1e-9);
    expect(flaky).not.toHaveErrorRateBelow(rate);
    expect(() => expect(flaky).toHaveErrorRateBelow(rate)).toThrow(
      `expected the error rate to be below ${(100 * rate).toFixed(3)} %: it is ${(100 * rate).toFixed(3)} % of ${flaky.client.total} requests`,
    );
  });

  it('toEject finds a host by address or address:port, within a time and a count', () => {
    expect(ejections.length).toBeGreaterThanOrEqual(2);
    const first = ejections[0]!.atMs;
    expect(flaky).toEject('192.0.2.20');
    expect(flaky).toEject('192.0.2.20:80', { within: first, times: ejections.length });
    expect(flaky).toEject('192.0.2.20', { within: `${Math.ceil(first)}ms` });
    expect(flaky).not.toEject('192.0.2.20', { within: first - 0.001 });
    expect(flaky).not.toEject('192.0.2.20', { times: ejections.length + 1 });
    expect(flaky).not.toEject('192.0.2.10');
    expect(flaky).not.toEject('192.0.2.20', { cluster: 'outbound|80||elsewhere.example.com' });
    expect(() => expect(flaky).toEject('192.0.2.10')).toThrow(
      'expected 192.0.2.10 to be ejected: it never was',
    );
  });

  it('toHaveLatencyBelow reads the latency figure named, with a duration or milliseconds', () => {
    const p99 = flaky.client.latencyMs.p99;
    expect(flaky).toHaveLatencyBelow('p99', p99 + 0.001);
    expect(flaky).not.toHaveLatencyBelow('p99', `${Math.floor(p99)}ms`);
    expect(flaky).toHaveLatencyBelow('max', '1m');
    expect(() => expect(flaky).toHaveLatencyBelow('p99', 'soon')).toThrow(/must be a duration/);
  });

  it('toHaveResponseFlag counts each request whose flags include the flag', () => {
    const report = synthetic({ client: { ...synthetic().client, byFlag: { '-': 90, 'UF,URX': 6, UO: 4 } } });
    expect(report).toHaveResponseFlag('UF');
    expect(report).toHaveResponseFlag('URX', { atLeast: 6 });
    expect(report).not.toHaveResponseFlag('URX', { atLeast: 7 });
    expect(report).not.toHaveResponseFlag('NR');
  });

  it('toOpenCircuitBreaker: any gauge, or the one named, in any cluster or the one named', () => {
    const open = {
      ...cluster(1),
      circuitBreakers: { rq_pending_open: { openMs: 3, openings: 2, openAtEnd: false } },
    };
    const report = synthetic({ clusters: { [CLUSTER]: open } });
    expect(report).toOpenCircuitBreaker();
    expect(report).toOpenCircuitBreaker('rq_pending_open', { cluster: CLUSTER });
    expect(report).not.toOpenCircuitBreaker('cx_open');
    expect(flaky).not.toOpenCircuitBreaker();
  });

  it('toSatisfyInvariants runs invariants over a trace and lists the violations', () => {
    expect(trace).toSatisfyInvariants(
      everyRequestEndsOnce({ unfinished: flaky.unfinished }),
      noRequestToEjectedHost(),
    );
    expect(() =>
      expect(trace).toSatisfyInvariants(everyRequestEndsOnce({ unfinished: flaky.unfinished + 1 })),
    ).toThrow(/1 invariant violation\(s\):\n {2}everyRequestEndsOnce: /);
  });

  it('refuses what is not a report, saying what it expects', () => {
    expect(() => expect({ total: 3 }).toHaveErrorRateBelow(0.1)).toThrow(
      'toHaveErrorRateBelow expects a meshsim Report (what simulate() returns), got object',
    );
  });
});
