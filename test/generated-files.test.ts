// The files made from the zod schemas are committed: the JSON Schemas @meshsim/core ships (editors
// complete and check YAML with them) and docs/scenario.md. They must be what the schemas make today, the
// schema must accept every shipped example and reject what the zod schema rejects, and every Scenario
// field must be described.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { DURATION_PATTERN, parseDurationMs } from '../packages/core/src/config/resources/durations.js';
import { scenarioJsonSchema, schemaFields } from '../packages/core/src/config/resources/json-schema.js';
import { loadConfig } from '../packages/core/src/config/resources/load.js';
import {
  fieldDocKey,
  SCENARIO_FIELD_DOCS,
} from '../packages/core/src/config/resources/schema/scenario-field-docs.js';
import { generatedFiles } from '../scripts/generated-files.js';

const files = generatedFiles();

describe('generated files', () => {
  it.each(Object.keys(files))('%s is up to date (run `pnpm generate` after changing a schema)', (path) => {
    expect(readFileSync(path, 'utf8')).toBe(files[path]);
  });

  it('describe every field of the Scenario, and describe no field that is gone', () => {
    const fields = [...schemaFields(scenarioJsonSchema())];
    expect(fields.filter((f) => typeof f.schema.description !== 'string').map((f) => f.path)).toEqual([]);
    // A timeline `set` and `becomes` reuse the docs of the fields they patch.
    const own = fields.map((f) => f.path).filter((p) => !/^spec\.timeline\[\]\.(set|becomes)\./.test(p));
    const keys = new Set(own.map(fieldDocKey));
    expect(Object.keys(SCENARIO_FIELD_DOCS).filter((k) => !keys.has(k))).toEqual([]);
  });
});

/** Every YAML file the repository ships as an example, with its documents. */
function shippedYaml(): Array<{ file: string; documents: unknown[] }> {
  const dirs = ['examples', 'packages/scenarios/catalog'];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(dir, f))
      .map((file) => ({
        file,
        documents: parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()),
      })),
  );
}

describe('the JSON Schema for editors', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const meshsim = ajv.compile(JSON.parse(files['packages/core/schema/meshsim.schema.json']!));
  const patch = ajv.compile(JSON.parse(files['packages/core/schema/meshsim-patch.schema.json']!));

  it('accepts every document of every example and catalog scenario, and flags the unknown fields meshsim warns about', () => {
    const shipped = shippedYaml();
    expect(shipped.length).toBeGreaterThanOrEqual(17);
    let flagged = 0;
    for (const { file, documents } of shipped) {
      for (const document of documents) {
        // Kubernetes drops a field an Istio kind does not have, and meshsim warns; an editor should show it.
        const unknown = loadConfig({ file, text: stringify(document) }).diagnostics.filter((d) =>
          d.message.startsWith('unknown field'),
        );
        const valid = meshsim(document);
        expect(valid, `${file}: ${ajv.errorsText(meshsim.errors)}`).toBe(unknown.length === 0);
        if (!valid) {
          flagged++;
          const extra = meshsim.errors!.filter((e) => e.keyword === 'additionalProperties');
          expect(extra.map((e) => e.params.additionalProperty as string).sort()).toEqual(
            unknown.map((d) => d.path.split('.').at(-1)).sort(),
          );
        }
      }
    }
    // The seed's global database puts localityLbSetting beside loadBalancer, where Istio never reads it.
    expect(flagged).toBe(1);
  });

  it('rejects what meshsim rejects: an unknown Scenario field, a value outside its enum, a bad duration', () => {
    const scenario = (spec: object) => ({ apiVersion: 'meshsim.dev/v1alpha1', kind: 'Scenario', spec });
    expect(meshsim(scenario({ seed: 1, traffic: [{ host: 'a.example', rps: 1 }] }))).toBe(true);
    expect(meshsim(scenario({ sed: 1 }))).toBe(false);
    expect(meshsim(scenario({ endpoints: { '*': { connect: 'drop' } } }))).toBe(false);
    expect(meshsim(scenario({ duration: '10 minutes' }))).toBe(false);
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'x' } };
    expect(
      meshsim({ ...dr, spec: { host: 'a', trafficPolicy: { outlierDetection: { interval: '30s' } } } }),
    ).toBe(true);
    expect(meshsim({ ...dr, spec: { host: 'a', trafficPolicy: { outlierDetecton: {} } } })).toBe(false);
    expect(meshsim({ ...dr, apiVersion: 'networking.istio.io/v2', spec: { host: 'a' } })).toBe(false);
    // A kind meshsim skips is not checked beyond apiVersion and kind.
    expect(meshsim({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } })).toBe(true);
  });

  it('takes a compare patch: any field may be left out, null deletes one', () => {
    for (const file of readdirSync('examples/patches')) {
      const text = readFileSync(join('examples/patches', file), 'utf8');
      for (const d of parseAllDocuments(text)) expect(patch(d.toJS()), file).toBe(true);
    }
    const name = { kind: 'DestinationRule', metadata: { name: 'flaky-api' } };
    expect(patch({ ...name, spec: { trafficPolicy: { outlierDetection: null } } })).toBe(true);
    expect(patch({ ...name, spec: { trafficPolicy: { outlierDetecton: null } } })).toBe(false);
  });

  it("matches durations as meshsim's parser does", () => {
    const pattern = new RegExp(DURATION_PATTERN, 'u');
    const samples = ['0', '250ms', '10s', '1m30s', '1.5h', '.5s', '100us', '1µs', '3ns', '1h2m3s4ms'];
    const bad = ['', '10', '1 s', '-1s', '1d', 's', '1.s.', '10S'];
    for (const s of [...samples, ...bad]) expect(pattern.test(s), s).toBe(parseDurationMs(s) !== undefined);
  });
});
