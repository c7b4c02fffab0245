// A run played in slices (as the CLI plays it, yielding between them so a signal can stop it) computes
// exactly what one played at once does: same report, same trace, byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunPlan } from '../src/config/plan/run-plan.js';
import type { TraceEvent } from '../src/observe/trace.js';
import { planSimulation } from '../src/simulate.js';
import { runPlan } from '../src/simulation/run.js';
import { SimulationRun } from '../src/simulation/simulation-run.js';

function planOf(file: string, duration?: string): RunPlan {
  const { plan, diagnostics } = planSimulation({
    config: { file, text: readFileSync(file, 'utf8') },
    ...(duration !== undefined ? { duration } : {}),
  });
  if (plan === null) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return plan;
}

/** The report and trace of `plan` played in slices that alternate a few events and a few simulated ms. */
function sliced(plan: RunPlan, events: number, ms: number): { report: string; trace: TraceEvent[] } {
  const trace: TraceEvent[] = [];
  const run = new SimulationRun(plan, { trace: (e) => trace.push(e) });
  let slices = 0;
  let untilMs = 0;
  while (!run.done) {
    untilMs += ms;
    run.advance(slices++ % 2 === 0 ? { events } : { untilMs });
  }
  expect(slices).toBeGreaterThan(10);
  return { report: JSON.stringify(run.report()), trace };
}

describe('a run played in slices', () => {
  it.each([
    ['examples/flaky-api.yaml', '10s', 97, 250],
    ['examples/outlier-detection.yaml', '1m', 1009, 3_000],
    ['packages/scenarios/catalog/06-api-advanced-health.yaml', '70s', 601, 3_000],
    ['packages/scenarios/catalog/13-rate-limited-api.yaml', '30s', 777, 1_000],
  ])('%s gives the report and trace of one played at once', (file, duration, events, ms) => {
    const plan = planOf(file, duration);
    const trace: TraceEvent[] = [];
    const whole = JSON.stringify(runPlan(plan, { trace: (e) => trace.push(e) }));
    const parts = sliced(plan, events, ms);
    expect(parts.report).toBe(whole);
    expect(parts.trace).toEqual(trace);
  });

  it('a run that drains (requests outlive the traffic) is identical too', () => {
    // 192.0.2.2 holds each request 20 s: the drain after the 2 s of traffic waits for them.
    const plan = planSimulation({
      config: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.1 }, { address: 192.0.2.2 }]
`,
      duration: '2s',
      endpoints: { '*': { latency: { constant: '10ms' } }, '192.0.2.2': { latency: { constant: '20s' } } },
      traffic: { host: 'api.example.com', rps: 50 },
    }).plan!;
    const whole = runPlan(plan);
    expect(whole.client.latencyMs.max).toBeGreaterThan(20_000);
    expect(sliced(plan, 13, 100).report).toBe(JSON.stringify(whole));
  });

  it('stop() ends it where it is, its report marked partial (interrupted)', () => {
    const plan = planOf('examples/flaky-api.yaml');
    const run = new SimulationRun(plan);
    run.advance({ untilMs: 30_000 });
    expect(run.done).toBe(false);
    run.stop('interrupted', 'interrupted by SIGINT at 30s simulated');
    expect(run.done).toBe(true);
    expect(run.advance()).toBe(true);
    const report = run.report();
    expect(report.partial).toEqual({
      cause: 'interrupted',
      message: 'interrupted by SIGINT at 30s simulated',
      atMs: run.nowMs,
    });
    // 100 rps for 30 s: about 3000 answered; the 120 s run would have answered about 12,000.
    expect(report.client.total).toBeGreaterThan(2800);
    expect(report.client.total).toBeLessThan(3200);
    expect(report.timeline).toHaveLength(30);
  });
});
