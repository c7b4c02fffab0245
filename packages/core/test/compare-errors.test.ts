// compare and sweep: a config error in any variant or sweep value, or in a run on a worker thread, is
// the same ConfigError (file, line, field) as in one thread; seeds are capped; usage errors exit 2.
import { describe, expect, it } from 'vitest';
import { compare, compareInParallel } from '../src/compare/compare.js';
import { MAX_SEEDS } from '../src/compare/seeds.js';
import { parseSweep, sweep } from '../src/compare/sweep.js';
import { ConfigError } from '../src/config/resources/diagnostics.js';
import type { SimulationSpec } from '../src/simulate.js';
import { cli } from './fixtures/cli.js';

const CONFIG = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.10 }, { address: 192.0.2.20 }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 3, maxEjectionPercent: 50 }
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: errors }
spec:
  duration: 2s
  traffic: [{ host: api.example.com, rps: 20 }]
`;
const spec: SimulationSpec = { config: { file: 'api.yaml', text: CONFIG } };
const BAD_PATCH = {
  file: 'bad.yaml',
  text: 'kind: DestinationRule\nmetadata: { name: api }\nspec:\n  trafficPolicy:\n    outlierDetection: { maxEjectionPercent: 300 }\n',
};

/** What a promise or a call threw, as `file:line:column path: message` lines. */
async function diagnosticsOf(run: () => unknown): Promise<string[]> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`,
    );
  }
  throw new Error('expected a ConfigError');
}

const OUT_OF_RANGE = (label: string, got: number) =>
  `api.yaml [${label}]:17:70 spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be an integer 0..100, got ${got}`;

describe('compare and sweep: config errors are ConfigErrors, wherever they arise', () => {
  it('a bad patch as the second variant, on worker threads: the diagnostic, not an internal error', async () => {
    const variants = { 'as-written': null, bad: BAD_PATCH };
    const parallel = await diagnosticsOf(() => compareInParallel(spec, variants, { seeds: 2, threads: 2 }));
    expect(parallel).toEqual([OUT_OF_RANGE('bad', 300)]);
    expect(await diagnosticsOf(() => compare(spec, variants, { seeds: 2 }))).toEqual(parallel);
  });

  it('a sweep value out of range (maxEjectionPercent=99..101) names the value and the field', async () => {
    const axis = parseSweep('spec.trafficPolicy.outlierDetection.maxEjectionPercent=99..101');
    const thrown = await diagnosticsOf(() => sweep(spec, axis, { threads: 2 }));
    expect(thrown).toEqual([OUT_OF_RANGE('spec.trafficPolicy.outlierDetection.maxEjectionPercent=101', 101)]);
  });

  it('a run that stops early on a worker thread crosses back as a ConfigError naming its cause', async () => {
    // 2 s at 20 rps takes a few hundred events: a budget of 50 stops every run.
    const tight = { ...spec, limits: { maxEvents: 50 } };
    const thrown = await diagnosticsOf(() =>
      compareInParallel(tight, { a: null, b: null }, { seeds: 2, threads: 2 }),
    );
    expect(thrown).toEqual([
      "api.yaml [a] seed 1:0:0 : the run stopped early (event-budget) (api.yaml:24 spec.traffic[0].rps): the run spent its budget of 50 events (spec.limits.maxEvents) at 1.104s of 2s simulated; most of its events come from 4.00e+1 requests over 2s, up to 3 tries each (route default's retries); compare and sweep need whole runs",
    ]);
  });

  it(`seeds are capped at ${MAX_SEEDS} and must be integers a Scenario's seed may be`, async () => {
    const variants = { a: null, b: null };
    expect(() => compare(spec, variants, { seeds: 1_000_000 })).toThrow(
      new RangeError('compare takes 2..1000 seeds, got 1000000'),
    );
    expect(() => compare(spec, variants, { seeds: 1 })).toThrow(/takes 2\.\.1000 seeds, got 1/);
    expect(() => compare(spec, variants, { seeds: [1, -1] })).toThrow(/every seed must be an integer 0\.\./);
    expect(() => compare(spec, variants, { seeds: 2, firstSeed: Number.MAX_SAFE_INTEGER })).toThrow(
      /got 9007199254740992/,
    );
    const axis = parseSweep('spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..2');
    await expect(sweep(spec, axis, { seeds: MAX_SEEDS + 1 })).rejects.toThrow(
      'sweep takes 1..1000 seeds, got 1001',
    );
  });
});

describe('meshsim compare: exit codes', () => {
  const EXAMPLE = 'examples/flaky-api.yaml';
  const STRICT = 'strict=examples/patches/strict.yaml';

  it('a sweep value out of range exits 1 with the diagnostic (file, line, field), not 70', async () => {
    const { code, stderr } = await cli(
      'compare',
      EXAMPLE,
      '--sweep',
      'spec.trafficPolicy.outlierDetection.maxEjectionPercent=99..101',
      '-q',
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      'examples/flaky-api.yaml [spec.trafficPolicy.outlierDetection.maxEjectionPercent=101]:37:27 error spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be an integer 0..100, got 101\n',
    );
  });

  it.each([
    [['--seeds', '1000000', '--vary', STRICT], "argument '1000000' is invalid. must be at most 1000"],
    [['--seeds', '1', '--vary', STRICT], '--seeds 1: compare needs at least 2 seeds'],
    [['--first-seed', '9007199254740990', '--vary', STRICT], 'goes past 9007199254740991'],
    [['--jobs', '100000', '--vary', STRICT], 'must be at most 256'],
    [
      ['--vary', 'a=examples/patches/strict.yaml', '--vary', 'a=examples/patches/lenient.yaml'],
      'two variants are named a',
    ],
    [['--vary', STRICT, '--sweep', 'spec.x=1..2'], 'compare wants --vary'],
    [['--sweep', 'spec.x=1..5000'], 'has 5000 values; 1000 at most'],
  ])('compare %j is a usage error: exit 2', async (args, message) => {
    const { code, stderr } = await cli('compare', EXAMPLE, '-q', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
