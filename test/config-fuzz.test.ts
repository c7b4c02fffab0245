import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasErrors, loadConfig, planSimulation } from '@meshsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * Mutates valid configs and feeds them to loadConfig and planSimulation: every run must end in a
 * plan or in error diagnostics, never an exception. A few thousand runs in CI; set
 * MESHSIM_FUZZ_RUNS=100000 for the nightly run.
 */
const RUNS = Number(process.env.MESHSIM_FUZZ_RUNS ?? 4_000);
const FIXTURES = join(import.meta.dirname, '..', 'packages', 'core', 'test', 'fixtures');
const CORPUS = join(import.meta.dirname, 'validation-corpus');

/** Valid streams to start from: a full stream with a Scenario, the example, and rich corpus cases. */
const SEEDS: string[] = [
  readFileSync(join(FIXTURES, 'full-stream.yaml'), 'utf8'),
  readFileSync(join(FIXTURES, 'payment-gateway.yaml'), 'utf8'),
  ...['service-entry.yaml', 'destination-rule.yaml', 'virtual-service.yaml'].flatMap((file) =>
    readFileSync(join(CORPUS, file), 'utf8')
      .split(/^---$/m)
      .filter((chunk) => /# expect: valid/.test(chunk)),
  ),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  }
  return out;
}

/** Replaces (or with `undefined`, removes) the value at `path`; returns false when it is not there. */
function setAt(root: Json, path: Path, value: Json | undefined): boolean {
  let node: Json = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, Json>)[segment] ?? null;
  }
  const last = path[path.length - 1];
  if (node === null || typeof node !== 'object' || last === undefined) return false;
  if (Array.isArray(node) && typeof last === 'number') {
    if (value === undefined) node.splice(last, 1);
    else node[last] = value;
  } else if (value === undefined) delete (node as Record<string, Json>)[String(last)];
  else (node as Record<string, Json>)[String(last)] = value;
  return true;
}

const nested = (depth: number): Json => {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { deeper: value };
  return value;
};

/** The replacement values a mutation may put in place of a field. */
const replacement: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined), // drop the field
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, '', [], {}),
  fc.constantFrom<Json>(1e308, -1e308, 2 ** 53 + 1, 4_294_967_296, 2_147_483_648, -2_147_483_649),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom<Json>(
    '0s',
    '1ns',
    '999us',
    '1.5ms',
    '-1s',
    '1e3s',
    '9999999999h',
    '*',
    '*.',
    'unix://',
    '::1',
    '1.2.3.4/99',
  ),
  fc.constantFrom<Json>('5xx, reset', '(?=x)', '%HOSTNAME', '[', 'a'.repeat(2_000)),
  fc.integer({ min: 5, max: 260 }).map(nested),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

interface Mutation {
  seed: number;
  doc: number;
  field: number;
  value: Json | undefined;
  duplicateKeyLine: number | null;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  doc: fc.nat(),
  field: fc.nat(),
  value: replacement,
  duplicateKeyLine: fc.option(fc.nat(), { freq: 8 }),
});

/** Applies one mutation to a seed stream and returns the YAML text to load. */
function mutate(m: Mutation): string {
  const seedText = SEEDS[m.seed] ?? '';
  const docs = parseAllDocuments(seedText).flatMap((d) => ('toJS' in d ? [d.toJS() as Json] : []));
  const target = docs[m.doc % Math.max(docs.length, 1)];
  if (target !== undefined) {
    const paths = pathsOf(target);
    const path = paths[m.field % Math.max(paths.length, 1)];
    if (path !== undefined) setAt(target, path, m.value);
  }
  let text = docs.map((doc) => stringify(doc, { aliasDuplicateObjects: false })).join('---\n');
  if (m.duplicateKeyLine !== null) {
    // Repeat one `key: value` line right after itself: a duplicate key in the same mapping.
    const lines = text.split('\n');
    const keyed = lines
      .map((line, i) => [line, i] as const)
      .filter(([line]) => /^\s*[\w.-]+:\s*\S/.test(line));
    const chosen = keyed[m.duplicateKeyLine % Math.max(keyed.length, 1)];
    if (chosen !== undefined) lines.splice(chosen[1] + 1, 0, chosen[0]);
    text = lines.join('\n');
  }
  return text;
}

describe('mutated configs end in a plan or in diagnostics, never an exception', () => {
  it('every seed is valid before mutation', () => {
    for (const text of SEEDS) expect(hasErrors(loadConfig(text).diagnostics)).toBe(false);
  });

  it(
    `${RUNS} mutations through loadConfig and planSimulation`,
    () => {
      let rejected = 0;
      fc.assert(
        fc.property(mutation, (m) => {
          const text = mutate(m);
          const loaded = loadConfig({ file: 'fuzz.yaml', text });
          for (const d of loaded.diagnostics) {
            expect(typeof d.message).toBe('string');
            expect(d.message).not.toContain('\n');
            expect(d.line).toBeGreaterThanOrEqual(1);
          }
          const { plan, diagnostics } = planSimulation(
            { config: { file: 'fuzz.yaml', text } },
            { requireScenario: false },
          );
          const failed = hasErrors(diagnostics);
          if (failed) rejected++;
          // A plan when the config is good, error diagnostics (and no plan) when it is not.
          expect(plan === null ? failed || !text.includes('kind: Scenario') : !failed).toBe(true);
        }),
        { numRuns: RUNS, seed: Number(process.env.MESHSIM_FUZZ_SEED ?? 20_261_125) },
      );
      // The mutations must actually break things most of the time, or the test proves little.
      expect(rejected).toBeGreaterThan(RUNS / 5);
    },
    30_000 + RUNS * 5,
  ); // about 2 ms a run; the nightly 100,000 runs need minutes, not the default minute
});
