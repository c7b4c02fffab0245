import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/observe/report.js';
import { cli } from './fixtures/cli.js';

const FIXTURES = 'packages/core/test/fixtures/envoy';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-envoy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SCENARIO = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: acme }
spec:
  seed: 5
  duration: 5s
  proxy: { workers: 1 }
  endpoints: { "*": { latency: { constant: 5ms } } }
  traffic: [{ host: acme.com, port: 443, path: /foo, rps: 20 }]
`;

describe('meshsim with an Envoy config', () => {
  it('explain -o envoy writes a config dump that run takes with the Scenario beside it', async () => {
    const written = await cli('explain', 'examples/flaky-api.yaml', '-o', 'envoy');
    expect(written.code).toBe(0);
    const dump = JSON.parse(written.stdout) as { configs: Array<Record<string, unknown>> };
    expect(dump.configs.map((c) => c['@type'])).toEqual(
      ['Bootstrap', 'Clusters', 'Endpoints', 'Listeners', 'Routes'].map(
        (k) => `type.googleapis.com/envoy.admin.v3.${k}ConfigDump`,
      ),
    );
    const dumpFile = join(dir, 'flaky.json');
    writeFileSync(dumpFile, written.stdout);
    const scenarioFile = join(dir, 'flaky-scenario.yaml');
    const example = readFileSync('examples/flaky-api.yaml', 'utf8');
    writeFileSync(scenarioFile, example.slice(example.indexOf('apiVersion: meshsim.dev')));
    const run = await cli('run', scenarioFile, dumpFile, '--duration', '5s', '-f', 'json');
    expect(run.stderr).toBe('');
    expect(Object.keys((JSON.parse(run.stdout) as Report).clusters)).toEqual([
      'outbound|80||api.flaky.example.com',
    ]);
  });

  it("explain reads Envoy's documentation example as it is, every value at its line", async () => {
    const file = 'examples/envoy/life-of-a-request.yaml';
    const text = readFileSync(file, 'utf8');
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const { code, stdout } = await cli('explain', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^meshsim explain: Envoy config .*\(bootstrap, Envoy's version not said\), read as it is/,
    );
    const row = (field: string) =>
      stdout
        .split('\n')
        .find((l) => l.startsWith(`│ ${field} `))
        ?.split('│')
        .map((c) => c.trim())
        .slice(1, 4);
    expect(row('connect_timeout')).toEqual([
      'connect_timeout',
      '5s',
      `set ${file}:${lineOf('connect_timeout: 5s')}`,
    ]);
    // The cluster is reached through the filter chain that matches SNI acme.com.
    expect(row('reached by')).toEqual([
      'reached by',
      'HTTP',
      `set ${file}:${lineOf('- filter_chain_match')}`,
    ]);
    expect(stdout).toContain("Envoy's client default is TLS 1.2 at most");
  });

  it('run takes a Scenario and a bootstrap; explain -o envoy on an Envoy config is an error', async () => {
    const scenario = join(dir, 'acme.yaml');
    writeFileSync(scenario, SCENARIO);
    const run = await cli('run', scenario, 'examples/envoy/life-of-a-request.yaml', '-f', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.client.byStatus).toEqual({ '200': report.client.total });
    const again = await cli('explain', 'examples/envoy/life-of-a-request.yaml', '-o', 'envoy');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('-o envoy writes Istio resources as an Envoy config; this already is one');
  });

  it('validate refuses a v2 API dump with one error per section, no stack trace', async () => {
    const { code, stdout, stderr } = await cli(
      'validate',
      `${FIXTURES}/istio-1.4-envoy-v2alpha-config_dump.json`,
    );
    expect(code).toBe(1);
    expect(stdout).toContain(': 5 error(s), 0 warning(s)');
    expect(stderr.split('\n').filter((l) => l.includes("is Envoy's v2 API"))).toHaveLength(5);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
