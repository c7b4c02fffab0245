// `--strict` and `strict: true`: every warning is an error, so that a typo Istio would only warn about
// (an unknown field, an endpoint that matches no host) fails a test rather than letting it pass.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/resources/diagnostics.js';
import { loadConfig } from '../src/config/resources/load.js';
import { explainConfig } from '../src/explain/explain.js';
import { simulate } from '../src/simulate.js';
import { cli } from './fixtures/cli.js';

// A DestinationRule whose outlierDetection is misspelt: Istio warns and ignores it, so no ejection.
const TYPO = `apiVersion: networking.istio.io/v1
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
    loadBalancer: { simple: ROUND_ROBIN }
    outlierDetectoin: { consecutive5xxErrors: 1 }
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: typo }
spec:
  duration: 5s
  traffic: [{ host: api.example.com, rps: 10 }]
`;
const WARNING =
  'typo.yaml:18:5 warning spec.trafficPolicy.outlierDetectoin: unknown field "outlierDetectoin" (did you mean "outlierDetection"?); ignored';
const ERROR =
  'typo.yaml:18:5 error spec.trafficPolicy.outlierDetectoin: unknown field "outlierDetectoin" (did you mean "outlierDetection"?); ignored (an error under strict)';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-strict-'));
  file = join(dir, 'typo.yaml');
  writeFileSync(file, TYPO);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('strict', () => {
  it('without it, the typo is a warning and the run goes on: the test would pass for the wrong reason', () => {
    const r = simulate({ config: { file: 'typo.yaml', text: TYPO } });
    expect(r.warnings).toEqual([WARNING]);
  });

  it('strict: true makes it a ConfigError', () => {
    let thrown: unknown;
    try {
      simulate({ config: { file: 'typo.yaml', text: TYPO }, strict: true });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(
      (thrown as ConfigError).diagnostics.map(
        (d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.path}: ${d.message}`,
      ),
    ).toEqual([ERROR]);
  });

  it('a translation warning (an endpoint no cluster has) is an error too', () => {
    const clean = TYPO.replace('    outlierDetectoin: { consecutive5xxErrors: 1 }\n', '');
    const spec = { config: clean, endpoints: { '198.51.100.9': { connect: 'refuse' as const } } };
    expect(simulate(spec).warnings.some((w) => w.includes('198.51.100.9'))).toBe(true);
    expect(() => simulate({ ...spec, strict: true })).toThrow(/198\.51\.100\.9.*\(an error under strict\)/);
  });

  it('loadConfig and explainConfig take it as an option', () => {
    expect(
      loadConfig({ file: 'typo.yaml', text: TYPO }, { strict: true }).diagnostics.map((d) => d.severity),
    ).toEqual(['error']);
    const loaded = loadConfig({ file: 'typo.yaml', text: TYPO });
    expect(explainConfig(loaded, { strict: true }).diagnostics.map((d) => d.severity)).toEqual(['error']);
    expect(explainConfig(loaded).diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });

  it.each([
    ['run', []],
    ['validate', []],
    ['explain', []],
    [
      'compare',
      ['--sweep', 'spec.trafficPolicy.loadBalancer.simple=ROUND_ROBIN,RANDOM', '--jobs', '1', '-q'],
    ],
  ])('meshsim %s --strict exits 1 and prints the error', async (command, extra) => {
    const plain = await cli(command, file, ...extra);
    expect(plain.code).toBe(0);
    const strict = await cli(command, '--strict', file, ...extra);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      ' error spec.trafficPolicy.outlierDetectoin: unknown field "outlierDetectoin"',
    );
  });
});
