import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, loadConfig } from '@meshsim/core';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Cases transcribed from Istio's validation tests (see validation-corpus/README.md): meshsim must
 * reach Istio's verdict on each, and for an invalid object point at the same field first.
 */
const CORPUS_DIR = join(import.meta.dirname, 'validation-corpus');

interface Case {
  file: string;
  id: string;
  from: string;
  expect: { valid: true; warning: boolean } | { valid: false; path: string };
  text: string;
}

function header(chunk: string, key: string): string | undefined {
  const line = chunk.split('\n').find((l) => l.startsWith(`# ${key}:`));
  return line?.slice(`# ${key}:`.length).trim();
}

function casesIn(file: string): Case[] {
  const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
  return text.split(/^---$/m).map((chunk) => {
    const id = header(chunk, 'case');
    const from = header(chunk, 'from');
    const expected = header(chunk, 'expect');
    if (id === undefined || from === undefined || expected === undefined) {
      throw new Error(`${file}: a case lacks its case/from/expect header:\n${chunk.slice(0, 200)}`);
    }
    const [verdict = '', path = ''] = expected.split(/\s+(.*)/s);
    if (verdict === 'invalid') return { file, id, from, expect: { valid: false, path }, text: chunk };
    if (verdict !== 'valid' && verdict !== 'valid+warning')
      throw new Error(`${file} ${id}: bad expect "${expected}"`);
    return { file, id, from, expect: { valid: true, warning: verdict === 'valid+warning' }, text: chunk };
  });
}

const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.yaml'));
const cases = files.flatMap(casesIn);

type Verdict = { valid: true; warning: boolean } | { valid: false; path: string };

function verdictOf(diagnostics: readonly Diagnostic[]): Verdict {
  const firstError = diagnostics.find((d) => d.severity === 'error');
  if (firstError !== undefined) return { valid: false, path: firstError.path };
  return { valid: true, warning: diagnostics.some((d) => d.severity === 'warning') };
}

/** Same verdict; for an invalid case the same first field; for a valid one, a warning exactly when Istio warns. */
function agrees(expected: Case['expect'], got: Verdict): boolean {
  if (!expected.valid && !got.valid) return expected.path === got.path;
  if (expected.valid && got.valid) return expected.warning === got.warning;
  return false;
}

let agreeing = 0;

describe('the validation corpus from Istio', () => {
  it('has at least 150 cases, with unique ids, across the three kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const kind of ['ServiceEntry', 'DestinationRule', 'VirtualService']) {
      expect(cases.filter((c) => c.text.includes(`kind: ${kind}`)).length).toBeGreaterThanOrEqual(40);
    }
  });

  it.each(cases.map((c) => [`${c.file} ${c.id}`, c] as const))('%s', (_, c) => {
    const { diagnostics } = loadConfig({ file: `${c.file}#${c.id}`, text: c.text });
    const got = verdictOf(diagnostics);
    const shown = diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`);
    expect({ verdict: got, agrees: agrees(c.expect, got), diagnostics: shown }).toMatchObject({
      verdict: c.expect,
      agrees: true,
    });
    agreeing++;
  });

  afterAll(() => {
    console.log(`validation corpus: ${agreeing} of ${cases.length} cases agree with Istio's verdict`);
  });
});
