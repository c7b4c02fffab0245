// Every public entry point checks its arguments: the wrong kind of thing throws an ArgumentError (a
// TypeError) that names the function, the argument and what it expected, never a TypeError from deep
// inside or a stack overflow. Wrong content (a misspelt field) is a ConfigError, as in YAML.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  applyPatch,
  ConfigError,
  compare,
  compareInParallel,
  explainConfig,
  formatExplanationTable,
  formatReportHtml,
  loadConfig,
  mergePatch,
  metricsOf,
  parseSweep,
  planSimulation,
  runPlan,
  SimulationRun,
  simulate,
  sweep,
} from '../src/index.js';

const YAML = readFileSync('examples/flaky-api.yaml', 'utf8');
const spec = { config: YAML };

/** A patch whose spec contains itself. */
function cyclicPatch() {
  const patch = {
    kind: 'DestinationRule',
    metadata: { name: 'flaky-api' },
    spec: {} as Record<string, unknown>,
  };
  patch.spec.self = patch.spec;
  return patch;
}

/** What `call` throws: its class and message. */
async function thrown(call: () => unknown): Promise<{ type: string; message: string; isTypeError: boolean }> {
  try {
    await call();
  } catch (e) {
    return { type: (e as Error).name, message: (e as Error).message, isTypeError: e instanceof TypeError };
  }
  throw new Error('expected it to throw');
}

const SPEC_EXPECTED =
  'must be an object such as { config: yamlText, traffic: { host, rps }, duration: "1m" }';

describe('the wrong kind of argument is an ArgumentError saying what was expected', () => {
  it.each<[string, () => unknown, string]>([
    [
      'simulate(undefined)',
      () => simulate(undefined as never),
      `simulate(spec) ${SPEC_EXPECTED}, got undefined`,
    ],
    ['simulate(null)', () => simulate(null as never), `simulate(spec) ${SPEC_EXPECTED}, got null`],
    ['simulate(42)', () => simulate(42 as never), `simulate(spec) ${SPEC_EXPECTED}, got the number 42`],
    [
      "simulate('yaml text')",
      () => simulate('kind: Scenario' as never),
      `simulate(spec) ${SPEC_EXPECTED}, got the string "kind: Scenario"`,
    ],
    [
      'simulate({})',
      () => simulate({} as never),
      'simulate(spec).config must be the Istio YAML: a string, a { file, text } source or a list of them, got undefined',
    ],
    [
      'simulate({ config: 42 })',
      () => simulate({ config: 42 as never }),
      'simulate(spec).config must be YAML text (a string or a Buffer), a { file, text } source, or a list of them (e.g. readFileSync(path, "utf8")), got the number 42',
    ],
    [
      'simulate(spec, { trace: 1 })',
      () => simulate(spec, { trace: 1 as never }),
      'simulate(spec, hooks).trace must be a function, or a TraceSink (an object with the methods request, response, attempt, ejection, connectionOpened, connectionClosed), got the number 1',
    ],
    [
      'simulate(spec, { trace: a sink without connectionClosed })',
      () =>
        simulate(spec, {
          trace: {
            request() {},
            response() {},
            attempt() {},
            ejection() {},
            connectionOpened() {},
          } as never,
        }),
      'simulate(spec, hooks).trace must be a function, or a TraceSink (an object with the methods request, response, attempt, ejection, connectionOpened, connectionClosed), but connectionClosed is not a function, got an object with request, response, attempt, ejection, connectionOpened',
    ],
    [
      'planSimulation()',
      () => planSimulation(undefined as never),
      `planSimulation(spec) ${SPEC_EXPECTED}, got undefined`,
    ],
    [
      'explainConfig(null)',
      () => explainConfig(null as never),
      'explainConfig(loaded) must be what loadConfig(yaml) returns (e.g. explainConfig(loadConfig(text))), got null',
    ],
    [
      'explainConfig(loaded, { namespace: 7 })',
      () => explainConfig(loadConfig(YAML), { namespace: 7 as never }),
      'explainConfig(loaded, options).namespace must be a string, got the number 7',
    ],
    [
      'compare(spec, null)',
      () => compare(spec, null as never),
      'compare(spec, variants) must be an object of variants by name, each a patch or null, got null',
    ],
    [
      'compareInParallel(spec, { a: 5 })',
      () => compareInParallel(spec, { a: null, b: 5 as never }),
      'compareInParallel(spec, variants).b must be a patch: YAML text, a { file, text } source, a { kind, metadata: { name }, … } object or a list of them, got the number 5',
    ],
    [
      'runPlan({})',
      () => runPlan({} as never),
      'runPlan(plan) must be a RunPlan, as planSimulation(spec).plan returns it, got {}',
    ],
    [
      'new SimulationRun(null)',
      () => new SimulationRun(null as never),
      'new SimulationRun(plan) must be a RunPlan, as planSimulation(spec).plan returns it, got null',
    ],
    [
      'loadConfig(42)',
      () => loadConfig(42 as never),
      'loadConfig(sources) must be YAML text (a string or a Buffer), a { file, text } source, or a list of them (e.g. readFileSync(path, "utf8")), got the number 42',
    ],
    [
      'loadConfig([{ file: "a.yaml" }])',
      () => loadConfig([{ file: 'a.yaml' } as never]),
      'loadConfig(sources)[0].text must be YAML text (a string, or a Buffer read as UTF-8), got undefined',
    ],
    [
      'sweep(spec, null)',
      () => sweep(spec, null as never),
      'sweep(spec, axis) must be an axis { field: "spec.…", values: [...] }, as parseSweep returns, got null',
    ],
    [
      'parseSweep(5)',
      () => parseSweep(5 as never),
      'parseSweep(text) must be a string FIELD=VALUES such as spec.x=1..10, got the number 5',
    ],
    [
      'formatReportHtml({})',
      () => formatReportHtml({} as never),
      'formatReportHtml(report) must be a Report, as simulate returns it, got {}',
    ],
    [
      'metricsOf(null)',
      () => metricsOf(null as never),
      'metricsOf(report) must be a Report, as simulate returns it, got null',
    ],
    [
      'formatExplanationTable(undefined)',
      () => formatExplanationTable(undefined as never),
      'formatExplanationTable(explanation) must be what explainConfig returns, got undefined',
    ],
  ])('%s', async (_, call, message) => {
    expect(await thrown(call)).toEqual({ type: 'ArgumentError', message, isTypeError: true });
  });

  it('a run made by planSimulation and then edited names the fields that are wrong', async () => {
    const { plan } = planSimulation(spec);
    const edited = { ...plan!, traffic: undefined, seed: '1' };
    expect((await thrown(() => runPlan(edited as never))).message).toBe(
      `runPlan(plan) must be a RunPlan, as planSimulation(spec).plan returns it (seed, traffic missing or of the wrong kind), got an object with scenario, seed, durationMs, drainMs, workers …`,
    );
  });
});

describe('cycles are refused, never a stack overflow', () => {
  it.each<[string, () => unknown, string]>([
    [
      'mergePatch',
      () => mergePatch({}, cyclicPatch()),
      'mergePatch(target, patch): patch.spec.self refers back',
    ],
    [
      'applyPatch',
      () => applyPatch(spec, cyclicPatch(), 'x'),
      'applyPatch(spec, patch).spec.self refers back',
    ],
    [
      'compare',
      () => compare(spec, { a: null, b: cyclicPatch() }),
      'compare(spec, variants).b.spec.self refers back',
    ],
    [
      'simulate',
      () => {
        const traffic: Record<string, unknown> = { host: 'api.flaky.example.com', rps: 1 };
        traffic.again = [traffic];
        return simulate({ ...spec, traffic: traffic as never });
      },
      'simulate(spec).traffic.again[0] refers back',
    ],
  ])('%s', async (_, call, start) => {
    const { type, message } = await thrown(call);
    expect(type).toBe('ArgumentError');
    expect(message.startsWith(start)).toBe(true);
    expect(message).toMatch(/a cycle, which no config can hold$/);
  });

  it('a patch nested 100,000 levels deep is refused at 200', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const { type, message } = await thrown(() => mergePatch({}, deep));
    expect(type).toBe('ArgumentError');
    expect(message).toMatch(/^mergePatch\(target, patch\): patch is nested deeper than 200 levels$/);
  });
});

describe('right kind, wrong content: a ConfigError, as the same in YAML would be', () => {
  it('a misspelt spec key (seeed) is an unknown field', async () => {
    try {
      simulate({ ...spec, seeed: 3 } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).toContain(
        '<simulate spec> error spec.seeed: unknown field "seeed" (did you mean "seed"?)',
      );
    }
  });

  it('a Buffer (readFileSync without an encoding) is read as UTF-8', () => {
    const fromBuffer = simulate({ config: readFileSync('examples/flaky-api.yaml'), duration: '5s' });
    expect(fromBuffer).toEqual(simulate({ config: YAML, duration: '5s' }));
    expect(loadConfig(Buffer.from(YAML)).serviceEntries).toHaveLength(1);
  });
});

it('ArgumentError is a TypeError, exported', () => {
  const e = new ArgumentError('x');
  expect(e).toBeInstanceOf(TypeError);
  expect(e.name).toBe('ArgumentError');
});
