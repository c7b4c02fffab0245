import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from './fixtures/cli.js';

// meshsim as a CI gate: `meshsim run` and `meshsim test` exit codes, the JUnit XML read back by a real
// XML parser, and the GitHub annotations, over examples/ci's Istio files and Scenarios written here.
const ISTIO = 'examples/ci/istio';
const DR = 'examples/ci/istio/quotes-api.yaml';
/** The line of the DestinationRule's consecutive5xxErrors, which the why note behind an ejection points at. */
const CONSECUTIVE_5XX_LINE =
  readFileSync(DR, 'utf8')
    .split('\n')
    .findIndex((l) => l.trimStart().startsWith('consecutive5xxErrors:')) + 1;

const scenario = (name: string, expectYaml: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: ${name} }
spec:
  duration: 5s
  proxy: { namespace: shop }
  endpoints:
    "*": { latency: { median: 30ms, p99: 150ms } }
    192.0.2.20: { latency: { median: 30ms, p99: 150ms }, errors: [{ status: 503, rate: 0.3 }] }
  traffic: [{ host: quotes.partner.example.com, rps: 100 }]
${expectYaml}`;

let dir: string;
let failing: string;
let junitFile: string;
let gate: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-ci-'));
  mkdirSync(join(dir, 'scenarios'));
  failing = join(dir, 'scenarios', 'flaky.yaml');
  // Line 13 is the failed expectation: the flaky host is ejected once, and none was allowed.
  writeFileSync(
    failing,
    scenario('flaky', '  expect:\n    - errorRate: { max: 1% }\n    - ejections: { max: 0 }\n'),
  );
  writeFileSync(
    join(dir, 'scenarios', 'broken.yaml'),
    scenario('broken', '  expect:\n    - errorRate: { max: 2 }\n'),
  );
  writeFileSync(join(dir, 'scenarios', 'no-expect.yaml'), scenario('no-expect', ''));
  junitFile = join(dir, 'junit.xml');
  gate = await cli(
    'test',
    join(dir, 'scenarios'),
    '--config',
    ISTIO,
    '--reporter',
    'default',
    '--reporter',
    'github',
    '--reporter',
    'junit',
    '--output',
    junitFile,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('meshsim test', () => {
  it('exits 1 when an expectation fails or a Scenario cannot run, and says which in its summary', () => {
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain(`✗ ${join(dir, 'scenarios', 'broken.yaml')} > broken (could not run)`);
    expect(gate.stdout).toContain(`✗ ${failing} > flaky (1 of 2 failed, seed 1)`);
    expect(gate.stdout).toContain('✗ outlier ejections ≤ 0: failed');
    expect(gate.stdout).toContain(
      `↓ ${join(dir, 'scenarios', 'no-expect.yaml')} > no-expect (no expectations)`,
    );
    expect(gate.stdout).toMatch(
      / Scenarios {2}2 failed \| 1 skipped \(3\)\n {6}Tests {2}1 failed \| 1 passed \(2\)\n/,
    );
  });

  it('writes JUnit XML a parser reads back: a suite per Scenario file, a case per expectation', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(junitFile, 'utf8'),
    );
    const root = xml.testsuites;
    expect(root).toMatchObject({
      name: 'meshsim test',
      tests: '4',
      failures: '1',
      errors: '1',
      skipped: '1',
    });
    const [broken, flaky, skipped] = root.testsuite;
    expect(broken.testcase.error.message).toContain('spec.expect[0].errorRate.max: must be a share');
    expect(flaky).toMatchObject({ name: `${failing} > flaky`, tests: '2', failures: '1', file: failing });
    const [passed, failed] = flaky.testcase;
    expect(passed).toMatchObject({
      name: 'error rate (5xx or unanswered) ≤ 1%',
      classname: 'flaky',
      line: '12',
    });
    expect(passed.failure).toBeUndefined();
    expect(failed).toMatchObject({ name: 'outlier ejections ≤ 0', line: '13' });
    expect(failed.failure.message).toBe('outlier ejections ≤ 0: expected ≤ 0, got 1');
    expect(failed.failure['#text']).toContain(
      `${DR}:${CONSECUTIVE_5XX_LINE} spec.trafficPolicy.outlierDetection.consecutive5xxErrors`,
    );
    expect(skipped.testcase.skipped.message).toBe('the Scenario has no expectations');
  });

  it('annotates the failed expectation and the config line behind its why, for GitHub', () => {
    const lines = gate.stdout.split('\n').filter((l) => l.startsWith('::'));
    // Properties escape ':' and ',' (%3A, %2C) and the message escapes newlines (%0A), as @actions/core does.
    expect(lines).toContain(
      `::error file=${failing},line=13,col=7,title=meshsim test%3A flaky::outlier ejections ≤ 0: expected ≤ 0, got 1%0A1 on seed 1: over 0`,
    );
    const why = lines.find((l) => l.startsWith(`::error file=${DR},line=${CONSECUTIVE_5XX_LINE},`));
    expect(why).toMatch(
      /title=meshsim test%3A why outlier ejections ≤ 0 failed in flaky::1 ejection\(s\) at 3 consecutive 5xx/,
    );
    expect(lines.some((l) => l.startsWith(`::error file=${failing},line=9,`))).toBe(true);
    expect(lines).toContain(
      `::error file=${join(dir, 'scenarios', 'broken.yaml')},line=12,col=25,title=meshsim test%3A invalid input in broken::spec.expect[0].errorRate.max: must be a share: a number 0..1 or a percentage such as "1%25", got 2`,
    );
  });

  it('exits 1 on finding no Scenario with expectations, 0 with --pass-with-no-tests, 2 on bad usage', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect((await cli('test', empty)).code).toBe(1);
    expect((await cli('test', empty, '--pass-with-no-tests')).code).toBe(0);
    expect((await cli('test', empty, '--reporter', 'tap')).code).toBe(2);
    expect(
      (await cli('test', empty, '--reporter', 'junit', '--reporter', 'json', '--output', junitFile)).code,
    ).toBe(2);
  });
});

describe('meshsim run with expectations', () => {
  it('exits 1 on a failed expectation and 0 when all hold, with the verdicts in the JSON report', async () => {
    const bad = await cli('run', DR, failing, '--format', 'json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.expectations.results.map((r: { verdict: string }) => r.verdict)).toEqual(['pass', 'fail']);
    expect(report.client.total).toBeGreaterThan(0);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, scenario('good', '  expect:\n    - ejections: { min: 1 }\n'));
    const ok = await cli('run', DR, good);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Expectations: 1 of 1 met, on seed 1\n  ✓ outlier ejections ≥ 1: 1');
  });
});

describe('examples/ci', () => {
  it('its workflow’s meshsim commands pass on the examples as written', async () => {
    const workflow = parse(readFileSync('examples/ci/github-workflow.yml', 'utf8'));
    const runs: string[] = workflow.jobs.gate.steps
      .map((s: { run?: string }) => s.run)
      .filter((r: string | undefined) => r?.includes(' meshsim '));
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      const argv = run.replace(/^npx -y pnpm@10 meshsim /, '').split(' ');
      // The JUnit file goes to the test's folder, not the repository.
      const out = argv.indexOf('--output');
      if (out >= 0) argv[out + 1] = join(dir, 'workflow-junit.xml');
      const { code, stdout } = await cli(...argv);
      expect(code, run).toBe(0);
      if (out >= 0) expect(stdout).toContain('Tests  11 passed (11)');
    }
  });
});
