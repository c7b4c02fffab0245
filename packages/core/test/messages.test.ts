// Every message a user meets says what is wrong in their terms: a duration too long for Go, a file in
// UTF-16, a flood of warnings summarised, a Scenario missing from the files, a timeline entry that never
// happens, a seed past 2^53, a rate that sends nothing, escape sequences shown rather than run, and a
// YAML complex key as a diagnostic rather than a process warning.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDiagnostic } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';
import { printable } from '../src/config/resources/printable.js';
import { explainConfig } from '../src/explain/explain.js';
import { formatExplanationTable } from '../src/explain/format-table.js';
import { formatReportTable } from '../src/render/report-table.js';
import { planSimulation, simulate } from '../src/simulate.js';
import { cli } from './fixtures/cli.js';

const SERVICE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: 192.0.2.10 }]
`;

const problems = (text: string) => loadConfig({ file: 'x.yaml', text }).diagnostics.map(formatDiagnostic);
const planProblems = (spec: Parameters<typeof planSimulation>[0]) =>
  planSimulation(spec).diagnostics.map(formatDiagnostic);

afterEach(() => vi.restoreAllMocks());

describe('messages', () => {
  it('a duration past Go’s limit says it is too long, and what the limit is', () => {
    expect(
      planProblems({ config: SERVICE, duration: '3000000h', traffic: { host: 'api.example.com', rps: 1 } }),
    ).toEqual([
      '<simulate spec> error spec.duration: must be at most 2562047h47m16.854775807s (Go\'s longest duration), got "3000000h"',
    ]);
  });

  it.each([
    ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SERVICE, 'utf16le')])],
    ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SERVICE, 'utf16le').swap16()])],
  ])('%s input is named as an encoding problem', (_, bytes) => {
    expect(
      loadConfig({ file: 'x.yaml', text: bytes.toString('utf8') }).diagnostics.map(formatDiagnostic),
    ).toEqual([
      'x.yaml:1:1 error the file is UTF-16 or UTF-32 (it starts with a byte order mark), not UTF-8; save it as UTF-8',
    ]);
  });

  it('a NUL without a byte order mark: not UTF-8 text', () => {
    expect(problems(`kind: Scenario\n\u0000`)).toEqual([
      'x.yaml:1:1 error the file holds a NUL character (at offset 15): it is not UTF-8 text (UTF-16 without a byte order mark, or binary); save it as UTF-8',
    ]);
  });

  it('2,000 documents of an unknown kind: 200 warnings listed, the rest counted in one line', () => {
    const text = Array.from(
      { length: 2000 },
      (_, i) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w${i} }\n`,
    ).join('---\n');
    const listed = problems(text);
    expect(listed).toHaveLength(201);
    expect(listed[0]).toMatch(/^x\.yaml:1:1 warning /);
    expect(listed.at(-1)).toBe('x.yaml:1:1 warning 1800 more problems in this file not listed');
  });

  it('no Scenario, from the CLI: the files are named, and nothing asks for traffic the CLI cannot pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-messages-'));
    const file = join(dir, 'service.yaml');
    writeFileSync(file, SERVICE);
    try {
      const { code, stderr } = await cli('run', file);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `${file} error no Scenario: add a \`kind: Scenario\` document (apiVersion meshsim.dev/v1alpha1) to the YAML\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no Scenario, from code: the spec’s fields are the other way', () => {
    expect(planProblems({ config: SERVICE })).toEqual([
      '<inline> error no Scenario: add a `kind: Scenario` document (apiVersion meshsim.dev/v1alpha1) to the config, or give its fields (traffic, endpoints, duration …) in the spec',
    ]);
  });

  it('timeline entries at or after the end of the run warn: they never happen', () => {
    const warnings = simulate({
      config: SERVICE,
      duration: '2m',
      traffic: { host: 'api.example.com', rps: 1 },
      timeline: [
        { at: '1m', phase: 'in time' },
        { at: '2m', endpoint: '192.0.2.10', set: { connect: 'refuse' } },
        { at: '1h', phase: 'late' },
      ],
    }).warnings;
    expect(warnings).toEqual([
      '<simulate spec> warning spec.timeline[1].at: 2m is not before the end of the run (2m): this entry never happens',
      '<simulate spec> warning spec.timeline[2].at: 1h is not before the end of the run (2m): this entry never happens',
    ]);
  });

  it('`--seed 9007199254740993` is refused: past 2^53 it would quietly become …992', async () => {
    const { code, stderr } = await cli('run', 'examples/flaky-api.yaml', '--seed', '9007199254740993');
    expect(code).toBe(2);
    expect(stderr).toContain('the seed must be an integer 0..9007199254740991 (2^53 - 1)');
  });

  it('a rate that brings no request over the run warns, and the run says it sent none', () => {
    const r = simulate({
      config: SERVICE,
      duration: '1m',
      traffic: { host: 'api.example.com', rps: 5e-324 },
    });
    expect(r.client.total).toBe(0);
    expect(r.warnings).toEqual([
      '<simulate spec> warning spec.traffic[0].rps: rps 5e-324 brings about 3.0e-322 requests over 1m: the run may well send none',
    ]);
  });

  it('escape sequences in YAML values are shown, never run by the terminal', () => {
    const evil = 'evil\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202e';
    expect(printable(evil)).toBe('evil\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202e');
    expect(printable('plain\ttext\nand lines')).toBe('plain\ttext\nand lines');
    const r = simulate({
      config: SERVICE,
      name: evil,
      duration: '5s',
      traffic: { host: 'api.example.com', rps: 1 },
    });
    const table = formatReportTable(r);
    expect(
      table.startsWith('meshsim: scenario evil\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202e, seed 1'),
    ).toBe(true);
    const explained = formatExplanationTable(explainConfig(loadConfig(SERVICE), { namespace: evil }));
    for (const c of ['\u001b', '\u0007', '\u009b', '\u202e']) expect(explained).not.toContain(c);
    expect(explained).toContain('namespace evil\\u001b[2J');
  });

  it('a YAML complex key is a diagnostic, and Node prints no process warning', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const text = `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: x }\nspec:\n  ? [a, b]\n  : c\n  hosts: [a.example.com]\n`;
    expect(problems(text)).toEqual([
      'x.yaml:5:5 error a mapping key must be a plain value such as a field name, got a list',
    ]);
    expect(warn).not.toHaveBeenCalled();
  });
});
