// The run pool: jobs shared by this thread and worker threads through one counter give the figures one
// thread gives, in job order; workers started once serve several batches; a spec crosses once per batch.
import { afterAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../src/compare/metrics.js';
import { threadsFor } from '../src/compare/pool-size.js';
import { packBatch } from '../src/compare/run-batch.js';
import type { RunJob } from '../src/compare/run-job.js';
import { runJob } from '../src/compare/run-job.js';
import { RunWorkers, runJobs } from '../src/compare/run-pool.js';
import { planOnce } from '../src/compare/spec-plans.js';
import { ConfigError } from '../src/config/resources/diagnostics.js';
import type { SimulationSpec } from '../src/simulate.js';
import { planSimulation, simulate } from '../src/simulate.js';
import { runPlan } from '../src/simulation/run.js';

const config = (rps: number) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.10 }, { address: 192.0.2.20 }]
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: pool }
spec:
  duration: 5s
  endpoints:
    "*": { latency: { median: 20ms, p99: 90ms } }
    192.0.2.10: { latency: { median: 20ms, p99: 90ms }, errors: [{ status: 503, rate: 0.2 }] }
  traffic: [{ host: api.example.com, rps: ${rps} }]
`;
const slow: SimulationSpec = { config: { file: 'slow.yaml', text: config(50) } };
const fast: SimulationSpec = { config: { file: 'fast.yaml', text: config(200) } };
const jobs: RunJob[] = [1, 2, 3, 4, 5, 6].flatMap((seed) => [
  { spec: slow, seed, label: 'slow' },
  { spec: fast, seed, label: 'fast' },
]);
const serial = jobs.map(runJob);

/** Freezes `value` and everything it holds, so that a write anywhere in it throws. */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  if (value instanceof Map) for (const entry of value) deepFreeze(entry, seen);
  if (value instanceof Set) for (const v of value) deepFreeze(v, seen);
  return Object.freeze(value);
}

describe('a job runs from its spec planned once', () => {
  it('gives each seed the figures a fresh simulate() of that seed gives', () => {
    for (const job of jobs)
      expect(runJob(job)).toEqual(metricsOf(simulate({ ...job.spec, seed: job.seed as number })));
  });

  it('never writes to the plan it runs, so one plan serves every seed', () => {
    const plan = deepFreeze(planSimulation(slow).plan!);
    for (const seed of [1, 2, 3]) expect(runPlan({ ...plan, seed })).toEqual(simulate({ ...slow, seed }));
  });

  it('keeps the plans of the last 64 specs planned, and no more', () => {
    const first = { ...slow };
    const planned = planOnce(first);
    expect(planOnce(first)).toBe(planned);
    const others = Array.from({ length: 63 }, () => ({ ...fast }));
    for (const other of others) planOnce(other);
    expect(planOnce(first)).toBe(planned);
    planOnce({ ...fast });
    // The 65th spec planned pushed out the oldest: it is planned anew, to an equal plan.
    const again = planOnce(first);
    expect(again).not.toBe(planned);
    expect(again.plan!.model).toEqual(planned.plan!.model);
  });

  it("refuses a seed the Scenario's schema refuses, as simulate() does", () => {
    for (const seed of [-1, 0.5, 2 ** 53]) {
      expect(() => runJob({ spec: slow, seed })).toThrow(ConfigError);
      expect(() => runJob({ spec: slow, seed })).toThrow(/spec\.seed/);
    }
  });
});

describe('run pool', () => {
  const workers = RunWorkers.start(3);
  afterAll(() => workers.close());

  it('sends each distinct spec once per batch, the jobs as indexes into them', () => {
    const batch = packBatch(jobs);
    expect(batch.specs).toEqual([slow, fast]);
    expect(batch.jobs.slice(0, 3)).toEqual([
      { spec: 0, seed: 1, label: 'slow' },
      { spec: 1, seed: 1, label: 'fast' },
      { spec: 0, seed: 2, label: 'slow' },
    ]);
  });

  it('gives the figures of one thread, in job order, from two workers and this thread, batch after batch', async () => {
    expect(workers.count).toBe(2);
    await workers.ready();
    let done = 0;
    const first = await runJobs(jobs, { onRunDone: () => done++ }, workers);
    expect(first).toEqual(serial);
    expect(done).toBe(jobs.length);
    // Loaded before the batch came, the workers took some of its runs from the shared counter.
    expect(workers.ranOnWorkers).toBeGreaterThan(0);
    // The same workers, their engines loaded, take the next batch: reversed, so other threads run other jobs.
    const second = await runJobs([...jobs].reverse(), {}, workers);
    expect(second).toEqual([...serial].reverse());
  });

  it('an error that is no ConfigError, on whichever thread it happens, rejects the batch with its message', async () => {
    const broken = { spec: { config: 42 } as unknown as SimulationSpec, seed: 1 };
    await expect(runJobs([broken, broken, broken], {}, workers)).rejects.toThrow(
      'simulate(spec).config must be',
    );
    // The workers are still of use after it.
    expect(await runJobs(jobs.slice(0, 4), {}, workers)).toEqual(serial.slice(0, 4));
  });

  it('never uses more threads than runs, nor more than asked', () => {
    expect(threadsFor(8, 3)).toBe(3);
    expect(threadsFor(2, 60)).toBe(2);
    expect(threadsFor(1, 60)).toBe(1);
    expect(threadsFor(1000, 5000)).toBe(256);
    expect(RunWorkers.start(1).count).toBe(0);
  });
});
