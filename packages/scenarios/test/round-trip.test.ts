import { loadConfig, PARSE_OPTIONS, scenarioSchema } from '@meshsim/core';
import { endpoint, fromYaml, type ScenarioDocument, scenario, toYaml, traffic } from '@meshsim/scenarios';
import { scenarioDocument } from '@meshsim/scenarios/arbitraries';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The document as the loader holds it: parsed by the same schema, defaults filled. */
const parsed = (doc: ScenarioDocument) => scenarioSchema.parse(doc, PARSE_OPTIONS);

describe('round trip: builders → YAML → loader', () => {
  it('every generated document prints to YAML that loads, without a diagnostic, to what the schema makes of the builders’ object, and reads back as that object', () => {
    fc.assert(
      fc.property(scenarioDocument(), (doc) => {
        const text = toYaml(doc);
        const loaded = loadConfig(text);
        expect(loaded.diagnostics).toEqual([]);
        expect(loaded.scenario?.resource).toEqual(parsed(doc));
        expect(fromYaml(text)).toStrictEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('holds for any double the builders are given, not only readable ones', () => {
    const positive = fc.double({ min: Number.MIN_VALUE, max: 1e12, noNaN: true });
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(positive, unit, positive, (rps, rate, to) => {
        const doc = scenario({
          endpoints: { '*': endpoint.failing({ status: 503, rate }) },
          traffic: [traffic.ramp({ host: 'a.io', from: rps, to, over: '1m' })],
        });
        expect(fromYaml(toYaml(doc))).toStrictEqual(doc);
        expect(loadConfig(toYaml(doc)).scenario?.resource).toEqual(parsed(doc));
      }),
      { numRuns: 200 },
    );
  });

  it('is not vacuous: a document the YAML changes is caught', () => {
    const doc = scenario({ traffic: [traffic.poisson({ host: 'a.io', rps: 5 })] });
    const changed = toYaml(doc).replace('rps: 5', 'rps: 6');
    expect(() => expect(fromYaml(changed)).toStrictEqual(doc)).toThrow();
    expect(loadConfig(changed).scenario?.resource).not.toEqual(parsed(doc));
  });
});
