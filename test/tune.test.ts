import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../packages/core/src/compare/patch.js';
import { runJob } from '../packages/core/src/compare/run-job.js';
import { planSimulation } from '../packages/core/src/simulate.js';
import { planTune } from '../packages/core/src/tune/plan.js';
import { tuneReport } from '../packages/core/src/tune/report.js';
import { runTunePlan, tune } from '../packages/core/src/tune/tune.js';
import { hostsYaml, virtualServiceYaml } from './fixtures/hosts.js';

const source = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const CONSECUTIVE = 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors';

// examples/flaky-api.yaml: three endpoints, 192.0.2.20 answers 503 to 30 %; outlier detection with a
// 30 s baseEjectionTime, 50 % maxEjectionPercent (one host of three may go). 10 s runs end before an
// ejected host could return, so a config ejects at most once and the host stays out to the end.
const flaky = { config: source('examples/flaky-api.yaml'), duration: '10s' };

describe('successive halving over consecutive5xxErrors 1…9: the ranking is known from the mechanism', () => {
  // Under common random numbers, configs k and k+1 run identically until k ejects the host, at its
  // first run of k 503s in a row (T_k). Only the bad host fails, and a request fails when it was sent to
  // it before its ejection; k+1 ejects later (a run of k+1 contains a run of k), so it sends the same
  // requests to it before T_k and maybe more after: on every seed errors(k) ≤ errors(k+1), with the same
  // request count. The means are ordered the same way, and equal means rank the lower config number (the
  // lower k, on this grid) first: the ranking is k ascending. Rule: rung 1 runs all 9 on 2 seeds and keeps
  // ⌈9/3⌉ = 3; rung 2 runs those on 6 seeds (the first 2 reused).
  const plan = planTune(flaky, {
    vary: [`${CONSECUTIVE}=1..9`],
    objectives: ['minimize errorRate'],
    search: 'grid',
    halving: { eta: 3, minSeeds: 2 },
    seeds: 6,
    top: 1,
  });
  const outcome = runTunePlan(flaky, plan, { threads: 1 });
  const k = (config: number) => plan.axes[0]!.values[plan.candidates[config]![0]!];

  it('errors grow with k on every seed, so rung 1 keeps k = 1, 2, 3 and rung 2 ranks them so', async () => {
    const done = await outcome;
    if (!done.complete) throw new Error('incomplete');
    expect(done.rungs.map((r) => [r.seeds, r.ranked.length])).toEqual([
      [2, 9],
      [6, 3],
    ]);
    const byK = [...done.rungs[0]!.ranked].sort((a, b) => a.config - b.config);
    for (let seed = 0; seed < 2; seed++) {
      const errors = byK.map((c) => c.runs[seed]!.errorRate!);
      expect(errors, `seed ${seed + 1}`).toEqual([...errors].sort((a, b) => a - b));
      expect(new Set(byK.map((c) => c.runs[seed]!.requests)).size).toBe(1);
    }
    expect(done.rungs[0]!.ranked.map((c) => k(c.config))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const last = done.rungs[1]!.ranked;
    expect(last.map((c) => k(c.config))).toEqual([1, 2, 3]);
    for (let seed = 0; seed < 6; seed++) {
      const [e1, e2, e3] = last.map((c) => c.runs[seed]!.errorRate!);
      expect(e1!, `seed ${seed + 1}`).toBeLessThanOrEqual(e2!);
      expect(e2!, `seed ${seed + 1}`).toBeLessThanOrEqual(e3!);
    }
    // 9 configs × 2 seeds, then 3 configs × 4 new seeds: nothing runs twice.
    expect(done.ranHere).toBe(18 + 12);
  });

  it('reports the winner with intervals and writes it as the DestinationRule to apply', async () => {
    const done = await outcome;
    if (!done.complete) throw new Error('incomplete');
    const report = tuneReport(plan, done.rungs);
    expect(report.winner?.label).toBe('consecutive5xxErrors=1');
    const [best] = report.best;
    expect(best!.objectives[0]!.low).toBeLessThanOrEqual(best!.means.errorRate!);
    expect(best!.objectives[0]!.high).toBeGreaterThanOrEqual(best!.means.errorRate!);
    const patch = report.winner!.patch;
    expect(patch).toContain('consecutive5xxErrors: 1 (was 5)');
    // What `meshsim validate` checks: the patch alone is a valid DestinationRule.
    const { diagnostics } = planSimulation({ config: patch }, { requireScenario: false });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Applied with compare's patch machinery, it reproduces the winner's runs exactly.
    const patched = applyPatch(flaky, patch, 'winner');
    const winnerRuns = done.rungs[1]!.ranked[0]!.runs;
    plan.seeds.forEach((seed, i) => {
      expect(runJob({ spec: patched, seed })).toEqual(winnerRuns[i]);
    });
  });
});

describe('two objectives: the Pareto front of errors against retries', () => {
  // Three endpoints, 10.0.0.2 answers 503 to 30 %. consecutive5xxErrors 1 ejects it at its first 503
  // (for the rest of the 10 s run); 1000 never does. The VirtualService retries once, on another host
  // (previous_hosts), which is healthy: with retryOn 5xx a 503 is retried and succeeds, with
  // connect-failure it reaches the client. So (1, connect-failure) has the few 503s answered before the
  // ejection as errors and no retries; (1, 5xx) retries those few and has no errors; (1000,
  // connect-failure) has ~10 % errors and no retries, beaten by (1, connect-failure); (1000, 5xx) has no
  // errors but ~10 % of requests retried, beaten by (1, 5xx).
  const config = `${hostsYaml(3, 'outlierDetection: { consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50 }')}${virtualServiceYaml('- route: [{ destination: { host: api.example.com } }]\n  retries: { attempts: 1, retryOn: 5xx }')}`;
  const spec = {
    config,
    duration: '10s',
    traffic: { host: 'api.example.com', rps: 100 },
    endpoints: {
      '*': { latency: { median: '30ms', p99: '150ms' } },
      '10.0.0.2': { latency: { median: '30ms', p99: '150ms' }, errors: [{ status: 503, rate: 0.3 }] },
    },
  };

  it('is (1, 5xx) and (1, connect-failure); both configs with 1000 are dominated', async () => {
    const report = await tune(
      spec,
      {
        vary: [`${CONSECUTIVE}=1,1000`, 'VirtualService/api:spec.http.0.retries.retryOn=5xx,connect-failure'],
        objectives: ['minimize errorRate', 'minimize retries'],
        seeds: 3,
      },
      { threads: 1 },
    );
    const label = (c: number) => report.configs.find((x) => x.config === c)!.label;
    expect(report.pareto!.map(label)).toEqual([
      'consecutive5xxErrors=1, retryOn=5xx',
      'consecutive5xxErrors=1, retryOn=connect-failure',
    ]);
    const means = (l: string) => report.configs.find((c) => c.label === l)!.means;
    const [retried, passed] = [
      means('consecutive5xxErrors=1, retryOn=5xx'),
      means('consecutive5xxErrors=1, retryOn=connect-failure'),
    ];
    expect([retried.errorRate, passed.retries]).toEqual([0, 0]);
    expect(passed.errorRate).toBeGreaterThan(0);
    expect(retried.retries).toBeGreaterThan(0);
    expect(means('consecutive5xxErrors=1000, retryOn=5xx').retries).toBeGreaterThan(10 * retried.retries!);
    expect(means('consecutive5xxErrors=1000, retryOn=connect-failure').errorRate).toBeGreaterThan(
      10 * passed.errorRate!,
    );
    expect(report.winner?.label).toBe('consecutive5xxErrors=1, retryOn=5xx');
    // The winner changes two resources: both are written, each whole.
    expect(report.winner!.patch.match(/^kind: (\w+)$/gm)).toEqual([
      'kind: DestinationRule',
      'kind: VirtualService',
    ]);
  });
});
