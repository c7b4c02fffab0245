import { formatDiagnostic, type LoadedConfig, loadConfig, simulate } from '@meshsim/core';
import { toYaml } from '@meshsim/scenarios';
import {
  destinationRule,
  type InvalidDocument,
  invalid,
  RESOLUTIONS,
  runnableSimulation,
  scenarioDocument,
  serviceEntry,
  virtualService,
} from '@meshsim/scenarios/arbitraries';
import { assertInvariants, clientCountsAgree, sameSeedSameReport } from '@meshsim/scenarios/invariants';
import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';

const loaded = (doc: object): LoadedConfig => loadConfig({ file: 'generated.yaml', text: toYaml(doc) });
const resources = (l: LoadedConfig) =>
  l.serviceEntries.length +
  l.destinationRules.length +
  l.virtualServices.length +
  (l.scenario === undefined ? 0 : 1);

describe('valid arbitraries give documents the loader accepts without a single diagnostic', () => {
  const VALID: ReadonlyArray<[string, Arbitrary<object>]> = [
    ['destinationRule()', destinationRule()],
    ['virtualService()', virtualService()],
    ['serviceEntry()', serviceEntry()],
    ...RESOLUTIONS.map((resolution): [string, Arbitrary<object>] => [
      `serviceEntry({ resolution: ${resolution} })`,
      serviceEntry({ resolution }),
    ]),
  ];

  it.each(VALID)('%s', (_, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (doc) => {
        const l = loaded(doc);
        expect(l.diagnostics.map(formatDiagnostic)).toEqual([]);
        expect(resources(l)).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('serviceEntry({ resolution }) gives that resolution, with the endpoints it allows', () => {
    const counts = (resolution: (typeof RESOLUTIONS)[number]) =>
      fc
        .sample(serviceEntry({ resolution }), { numRuns: 100, seed: 1 })
        .map((se) => se.spec.endpoints?.length ?? 0);
    expect(
      fc
        .sample(serviceEntry({ resolution: 'DNS' }), { numRuns: 20, seed: 1 })
        .every((se) => se.spec.resolution === 'DNS'),
    ).toBe(true);
    expect(Math.max(...counts('NONE'), ...counts('DYNAMIC_DNS'))).toBe(0);
    expect(Math.min(...counts('STATIC'))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts('DNS_ROUND_ROBIN'))).toBe(1);
  });
});

describe('invalid arbitraries give documents the loader rejects, with an error at the field they broke', () => {
  const INVALID: ReadonlyArray<[string, Arbitrary<InvalidDocument>]> = [
    ['destinationRule', invalid.destinationRule()],
    ['virtualService', invalid.virtualService()],
    ['serviceEntry', invalid.serviceEntry()],
    ['scenario', invalid.scenario()],
  ];

  it.each(INVALID)('invalid.%s()', (_, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, ({ document, path }) => {
        const l = loaded(document);
        const errors = l.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.map((d) => d.path)).toEqual([path]);
        expect(resources(l)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('every mistake of each kind is drawn', () => {
    const reasons = (arbitrary: Arbitrary<InvalidDocument>) =>
      new Set(fc.sample(arbitrary, { numRuns: 600, seed: 2 }).map((i) => i.reason)).size;
    // The number of mutations in each table of invalid.ts.
    expect([
      reasons(invalid.destinationRule()),
      reasons(invalid.virtualService()),
      reasons(invalid.serviceEntry()),
      reasons(invalid.scenario()),
    ]).toEqual([11, 9, 9, 15]);
  });
});

describe('shrinking gives a minimal failing config', () => {
  it('a DestinationRule property that fails from consecutive5xxErrors 7 shrinks to that one field', () => {
    const result = fc.check(
      fc.property(
        destinationRule(),
        (dr) => (dr.spec.trafficPolicy?.outlierDetection?.consecutive5xxErrors ?? 0) < 7,
      ),
      { seed: 42, numRuns: 1000 },
    );
    expect(result.failed).toBe(true);
    const [dr] = result.counterexample ?? [];
    expect(dr?.spec.trafficPolicy).toStrictEqual({ outlierDetection: { consecutive5xxErrors: 7 } });
  });

  it('a Scenario property that fails on a refusing endpoint shrinks to one endpoint that only refuses', () => {
    const result = fc.check(
      fc.property(scenarioDocument(), (doc) =>
        Object.values(doc.spec.endpoints ?? {}).every((e) => e.connect !== 'refuse'),
      ),
      { seed: 42, numRuns: 1000 },
    );
    expect(result.failed).toBe(true);
    const [doc] = result.counterexample ?? [];
    expect(Object.keys(doc?.spec ?? {})).toEqual(['endpoints']);
    expect(Object.values(doc?.spec.endpoints ?? {})).toStrictEqual([{ connect: 'refuse' }]);
  });
});

describe('runnableSimulation()', () => {
  it('runs through simulate() without a warning, counts every request once and gives the same report for the same seed', () => {
    fc.assert(
      fc.property(runnableSimulation(), (spec) => {
        const report = simulate(spec);
        // Istio accepts the config as it is, and the engine models all of it.
        expect(report.warnings).toEqual([]);
        assertInvariants(report, clientCountsAgree());
        assertInvariants(() => simulate(spec), sameSeedSameReport());
      }),
      { numRuns: 200 },
    );
  });
});
