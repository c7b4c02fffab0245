import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../src/explain/explain.js';
import type { Report } from '../src/observe/report.js';
import { REPORT_SCHEMA_VERSION } from '../src/observe/report-version.js';
import type { ReportDocument } from '../src/render/report-json.js';
import { cli } from './fixtures/cli.js';

const EXAMPLE = 'examples/payment-gateway.yaml';
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const CLUSTER = 'outbound|443||payments.provider.com';

import { SEED_DIR } from '../../../test/fixtures/seed-dir.js';

/** A stack trace line, as Node prints it (`    at fn (file:1:2)`). */
const STACK_FRAME = /^\s+at /m;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: default
spec:
  hosts: [api.example.com]
  ports:
    - { number: 80, name: http, protocol: HTTP }
  resolution: STATIC
  endpoints:
    - address: 192.0.2.1
`;

const SCENARIO = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: small }
spec:
  duration: 1s
  traffic:
    - { host: api.example.com, rps: 10 }
`;

describe('meshsim run', () => {
  it('prints the example report as JSON with the shape docs/report.md describes', async () => {
    const { code, stdout } = await cli('run', EXAMPLE, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ReportDocument;
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(report.meshsimVersion).toBe(PACKAGE_VERSION);
    // The table's why, as data: here the flaky host's failures (no ejection, no response flag: no events).
    expect(report.events).toEqual([]);
    const flaky = report.clusters[CLUSTER]!.hosts[1]!;
    expect(report.why.map((n) => n.text)).toContain(
      `203.0.113.20:443 took ${flaky.appRequests} requests and failed ${flaky.appErrors}: the Scenario's endpoint answers 503 to 30 % of requests`,
    );
    expect(report.scenario).toBe('payment-gateway-one-flaky-endpoint');
    expect(report.seed).toBe(42);
    expect(report.durationMs).toBe(120_000); // duration: 2m
    expect(report.client.total).toBeGreaterThan(0);
    expect(Object.keys(report.client)).toEqual(
      expect.arrayContaining(['total', 'byStatus', 'byFlag', 'errorRate', 'latencyMs']),
    );
    expect(Object.keys(report.client.latencyMs).sort()).toEqual(
      ['max', 'mean', 'p50', 'p90', 'p99', 'p999'].sort(),
    );
    // Every request the client saw has exactly one status.
    const byStatus = Object.values(report.client.byStatus).reduce((s, n) => s + n, 0);
    expect(byStatus).toBe(report.client.total);
    expect(Object.keys(report.clusters)).toEqual([CLUSTER]);
    const cluster = report.clusters[CLUSTER]!;
    expect(cluster.hosts.map((h) => h.address)).toEqual([
      '203.0.113.10:443',
      '203.0.113.20:443',
      '203.0.113.30:443',
    ]);
    expect(cluster.stats).toBeTypeOf('object');
    expect(cluster.ejections).toEqual([]);
    // At least one 1 s bucket per second of the 2 m run; the drain may add a trailing one.
    expect(report.timeline.length).toBeGreaterThanOrEqual(120);
    expect(report.timeline[0]?.tMs).toBe(0);
    expect(report.timeline[1]?.tMs).toBe(1000);
  });

  it('--format json carries the events and the why the table prints, in its order', async () => {
    const file = 'examples/outlier-detection.yaml';
    const json = JSON.parse((await cli('run', file, '--format', 'json')).stdout) as ReportDocument;
    const table = (await cli('run', file)).stdout;
    expect(json.events.length).toBe(json.clusters['outbound|80||api.external-service.com']!.ejections.length);
    const shown = (texts: string[]) => texts.map((t) => table.indexOf(t));
    const events = shown(json.events.map((e) => e.text));
    const why = shown(json.why.map((n) => `- ${n.text}${n.at === undefined ? '' : `\n      ${n.at}`}`));
    for (const at of [...events, ...why]) expect(at).toBeGreaterThan(0);
    expect([...events, ...why]).toEqual([...events, ...why].sort((a, b) => a - b));
  });

  it('--seed replaces the Scenario seed', async () => {
    const { code, stdout } = await cli('run', EXAMPLE, '--format', 'json', '--seed', '7', '--duration', '5s');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.seed).toBe(7);
    expect(report.scenario).toBe('payment-gateway-one-flaky-endpoint');
  });

  it('--duration replaces the Scenario duration', async () => {
    const { code, stdout } = await cli('run', EXAMPLE, '--format', 'json', '--duration', '10s');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.durationMs).toBe(10_000);
    expect(report.seed).toBe(42);
  });

  it('prints a table with the cluster name and the status table by default', async () => {
    const { code, stdout } = await cli('run', EXAMPLE, '--duration', '5s');
    expect(code).toBe(0);
    expect(() => JSON.parse(stdout)).toThrow();
    expect(stdout).toContain('payment-gateway-one-flaky-endpoint');
    expect(stdout).toContain(`Cluster ${CLUSTER}`);
    // The status table's header row, and the 200 row: 203.0.113.10 and .30 never fail.
    expect(stdout).toMatch(/│ status +│ requests +│ share +│/);
    expect(stdout).toMatch(/│ 200 +│ \d+ +│ [\d.]+ % +│/);
    expect(stdout).toContain('203.0.113.20:443');
  });

  it('--format table is the same as the default', async () => {
    const a = await cli('run', EXAMPLE, '--duration', '2s');
    const b = await cli('run', EXAMPLE, '--duration', '2s', '--format', 'table');
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('runs a Scenario split over two files', async () => {
    const se = tempFile('split-se.yaml', SERVICE_ENTRY);
    const scenario = tempFile('split-scenario.yaml', SCENARIO);
    const { code, stdout, stderr } = await cli('run', se, scenario, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.scenario).toBe('small');
    expect(report.durationMs).toBe(1000);
    expect(Object.keys(report.clusters)).toEqual(['outbound|80||api.example.com']);
  });
});

describe('meshsim run: bad input', () => {
  it('a YAML syntax error exits 1 with file:line:col error at the right line', async () => {
    // SERVICE_ENTRY is lines 1–12, `---` is 13, so the bad line is the 4th of the Scenario: line 17.
    const text = `${SERVICE_ENTRY}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata:
  name: broken: yes
spec:
  traffic: [{ host: api.example.com, rps: 1 }]
`;
    expect(text.split('\n').indexOf('  name: broken: yes') + 1).toBe(17);
    const file = tempFile('syntax.yaml', text);
    const { code, stdout, stderr } = await cli('run', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.startsWith(`${file}:17:`)).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`^${escapeRegExp(file)}:17:\\d+ error `));
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown Scenario field exits 1 naming the field path and its line', async () => {
    const text = `${SERVICE_ENTRY}---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: typo }
spec:
  duration: 1s
  proxy:
    namespce: default
  traffic: [{ host: api.example.com, rps: 1 }]
`;
    // SERVICE_ENTRY is lines 1–12, `---` is 13, so the unknown key is the 7th line of the Scenario: 20.
    expect(text.split('\n').indexOf('    namespce: default') + 1).toBe(20);
    const file = tempFile('unknown-field.yaml', text);
    const { code, stdout, stderr } = await cli('run', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // Line 20, column 5: the key itself.
    expect(stderr).toContain(`${file}:20:5 error spec.proxy.namespce: unknown field "namespce"`);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('a missing file exits 1 with one line and no stack trace', async () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const { code, stdout, stderr } = await cli('run', missing);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(missing);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain(' at ');
  });

  it('a directory instead of a file exits 1 with one line and no stack trace', async () => {
    const { code, stderr } = await cli('run', dir);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('a file with no Scenario document exits 1 and says so', async () => {
    const file = tempFile('no-scenario.yaml', SERVICE_ENTRY);
    const { code, stdout, stderr } = await cli('run', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no Scenario/);
    expect(stderr).toContain('kind: Scenario');
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('an invalid --duration exits 1 and names spec.duration', async () => {
    const { code, stderr } = await cli('run', EXAMPLE, '--duration', 'banana');
    expect(code).toBe(1);
    expect(stderr).toMatch(/ error spec\.duration: .*"banana"/);
  });
});

describe('meshsim usage errors exit 2', () => {
  it('an unknown command', async () => {
    const { code, stdout, stderr } = await cli('frobnicate', EXAMPLE);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('frobnicate');
  });

  it('a --format outside table and json', async () => {
    const { code, stdout, stderr } = await cli('run', EXAMPLE, '--format', 'xml');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('xml');
  });

  it('a --seed that is not an integer', async () => {
    const { code, stdout } = await cli('run', EXAMPLE, '--seed', '1.5');
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('run without a file', async () => {
    const { code } = await cli('run');
    expect(code).toBe(2);
  });

  it('--version prints the version of @meshsim/core and is not an error', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await cli(flag);
      expect(code).toBe(0);
      expect(stdout).toBe(`${PACKAGE_VERSION}\n`);
    }
  });

  it('--help is not an error', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('validate');
  });
});

describe('meshsim validate', () => {
  const seedFiles = readdirSync(SEED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('finds the 14 seed configs', () => {
    expect(seedFiles).toHaveLength(14);
  });

  it.each(seedFiles)('%s alone exits 0', async (name) => {
    const file = join(SEED_DIR, name);
    const { code, stdout, stderr } = await cli('validate', file);
    expect(code).toBe(0);
    expect(stdout).toBe(
      `${file}: 0 error(s), ${stderr === '' ? 0 : stderr.trimEnd().split('\n').length} warning(s)\n`,
    );
    expect(stderr).not.toMatch(/ error /);
  });

  it('the shipped example exits 0', async () => {
    const { code } = await cli('validate', EXAMPLE);
    expect(code).toBe(0);
  });

  it('a file with an error exits 1 and prints the diagnostic', async () => {
    // spec.hosts is required; a missing field is reported at its parent, spec, whose mapping starts on line 6.
    const file = tempFile(
      'invalid.yaml',
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  resolution: STATIC\n',
    );
    const { code, stdout, stderr } = await cli('validate', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:6:\\d+ error spec(\\.hosts)?: `, 'm'));
    expect(stderr).toContain('hosts');
    expect(stdout).toBe(`${file}: 1 error(s), 0 warning(s)\n`);
  });

  it('a YAML syntax error exits 1', async () => {
    const file = tempFile('invalid-syntax.yaml', 'a: 1\na: 2\n');
    const { code, stderr } = await cli('validate', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:2:1 error `, 'm'));
  });
});

describe('meshsim explain', () => {
  const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec:
  host: api.example.com
  trafficPolicy:
    connectionPool: { tcp: { connectTimeout: 2s } }
`;

  it('prints the clusters and routes as tables, each value with its source', async () => {
    const file = tempFile('explain.yaml', `${SERVICE_ENTRY}---\n${DR}`);
    const { code, stdout, stderr } = await cli('explain', file);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('Cluster outbound|80||api.example.com');
    // connectTimeout is line 7 of the rule, which starts on line 14 (12 lines of ServiceEntry, then ---).
    expect(stdout).toMatch(new RegExp(`│ connect_timeout\\s+│ 2s\\s+│ set ${escapeRegExp(file)}:20\\s+│`));
    expect(stdout).toMatch(/│ circuit_breakers\.max_connections\s+│ 4294967295\s+│ Istio default\s+│/);
    expect(stdout).toContain('Route default');
    expect(stdout).toContain('a sidecar in namespace default (meshsim default)');
  });

  it('--format json gives the Explanation, --namespace and --istio-version its proxy', async () => {
    const file = tempFile('explain-json.yaml', SERVICE_ENTRY);
    const { code, stdout } = await cli(
      'explain',
      file,
      '-f',
      'json',
      '-n',
      'default',
      '--istio-version',
      '1.23',
    );
    expect(code).toBe(0);
    const e = JSON.parse(stdout) as Explanation;
    expect(e.proxy.namespace).toEqual({
      value: 'default',
      from: 'set',
      at: { file: 'command line', line: 0, column: 0, path: '--namespace' },
    });
    expect(e.clusters.map((c) => c.name)).toEqual(['outbound|80||api.example.com']);
    expect(e.clusters[0]?.connectTimeoutMs).toMatchObject({
      value: 10_000,
      from: 'default',
      default: 'mesh default',
    });
    // Istio 1.23 still retried 503 by default.
    expect(e.virtualHosts[0]?.routes[0]?.retry?.policy?.retriableStatusCodes.value).toEqual([503]);
  });

  it('a Scenario in the files sets the caller; a flag overrides it', async () => {
    const scenario =
      'apiVersion: meshsim.dev/v1alpha1\nkind: Scenario\nmetadata: { name: s }\nspec:\n  proxy: { namespace: shop }\n';
    const file = tempFile('explain-scenario.yaml', `${SERVICE_ENTRY}---\n${scenario}`);
    const fromScenario = await cli('explain', file, '-f', 'json');
    expect((JSON.parse(fromScenario.stdout) as Explanation).proxy.namespace.value).toBe('shop');
    const fromFlag = await cli('explain', file, '-f', 'json', '--namespace', 'web');
    expect((JSON.parse(fromFlag.stdout) as Explanation).proxy.namespace.value).toBe('web');
  });

  it('invalid input exits 1 with the diagnostics and prints no explanation', async () => {
    const file = tempFile('explain-invalid.yaml', 'a: 1\na: 2\n');
    const { code, stdout, stderr } = await cli('explain', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:2:1 error `, 'm'));
  });

  it('--label KEY=VALUE, repeated, gives the caller its pod labels; a label without = is a usage error', async () => {
    const file = tempFile('explain-labels.yaml', SERVICE_ENTRY);
    const { code, stdout } = await cli('explain', file, '--label', 'app=web', '--label', 'tier=a=b');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toContain(', labels app=web, tier=a=b (set by command line --label)');
    const json = await cli('explain', file, '-f', 'json', '--label', 'app=web');
    expect((JSON.parse(json.stdout) as Explanation).proxy.labels.value).toEqual({ app: 'web' });
    const bad = await cli('explain', file, '--label', 'app');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be KEY=VALUE');
  });

  it('a malformed --istio-version is a usage error', async () => {
    const file = tempFile('explain-version.yaml', SERVICE_ENTRY);
    const { code, stderr } = await cli('explain', file, '--istio-version', 'latest');
    expect(code).toBe(2);
    expect(stderr).toContain('must look like 1.24');
  });
});

/** A string as a literal part of a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
