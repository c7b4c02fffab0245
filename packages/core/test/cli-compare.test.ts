import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './fixtures/cli.js';

const EXAMPLE = 'examples/flaky-api.yaml';

describe('meshsim compare', () => {
  it('--vary twice: a table of means, paired differences, intervals and verdicts', async () => {
    const { code, stdout } = await cli(
      'compare',
      EXAMPLE,
      '--vary',
      'lenient=examples/patches/lenient.yaml',
      '--vary',
      'strict=examples/patches/strict.yaml',
      '--seeds',
      '5',
      '--jobs',
      '1',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('5 seeds (1…5), common random numbers');
    // The difference's heading wraps in its column so the table fits 120 columns.
    expect(stdout).toMatch(
      /│ metric +│ lenient +│ strict +│ strict − +│ 95 % interval +│ verdict +│\n│ +│ +│ +│ lenient +│ +│ +│/,
    );
    expect(stdout).toMatch(
      /│ error rate \(5xx\) +│ [\d.]+ % +│ [\d.]+ % +│ −[\d.]+ pp +│ −[\d.]+ pp … −[\d.]+ pp +│ strict better +│/,
    );
    expect(stdout).toMatch(/│ client requests .*│ identical on every seed +│/);
  });

  it('one --vary is compared with the config as written; --format json gives the CompareReport', async () => {
    const { code, stdout } = await cli(
      'compare',
      EXAMPLE,
      '--vary',
      'strict=examples/patches/strict.yaml',
      '--seeds',
      '3',
      '--independent',
      '--format',
      'json',
      '--jobs',
      '1',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.variants).toEqual(['as-written', 'strict']);
    expect(report.pairing).toBe('independent');
    expect(report.seeds.strict).toEqual([10_001, 10_002, 10_003]);
  });

  it('--sweep prints one row per value', async () => {
    const { code, stdout } = await cli(
      'compare',
      EXAMPLE,
      '--sweep',
      'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=2..4',
      '--jobs',
      '1',
      '--duration',
      '20s',
    );
    expect(code).toBe(0);
    expect(stdout.replace(/\n/g, ' ')).toContain(
      'DestinationRule production/flaky-api spec.trafficPolicy.outlierDetection.consecutive5xxErrors',
    );
    for (const v of [2, 3, 4]) expect(stdout).toMatch(new RegExp(`│ ${v} +│ [\\d.]+ % +│`));
  });

  it('usage errors exit 2 like every usage error; a patch file that cannot be read exits 1 in one line', async () => {
    const none = await cli('compare', EXAMPLE);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--vary NAME=PATCH.yaml .* or --sweep/);
    const bad = await cli('compare', EXAMPLE, '--sweep', 'spec.x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FIELD=VALUES');
    const missing = await cli('compare', EXAMPLE, '--vary', 'x=does-not-exist.yaml');
    expect([missing.code, missing.stderr.trim().split('\n').length]).toEqual([1, 1]);
  });

  it('a patch naming a resource the config lacks exits 1 with a diagnostic naming the patch file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-compare-'));
    try {
      const patch = join(dir, 'typo.yaml');
      writeFileSync(
        patch,
        '# a typo in the name\nkind: DestinationRule\nmetadata: { name: flaky-apj }\nspec: {}\n',
      );
      const { code, stderr } = await cli('compare', EXAMPLE, '--vary', `typo=${patch}`);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `${patch}:2:1 error metadata.name: the config has no DestinationRule named flaky-apj; to add one, give the whole resource with its apiVersion\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('meshsim run: events and why in the table', () => {
  it('lists the ejections in time order and points the why at the DestinationRule line', async () => {
    const { code, stdout } = await cli('run', 'examples/outlier-detection.yaml');
    expect(code).toBe(0);
    const events = stdout.slice(stdout.indexOf('\nEvents\n'), stdout.indexOf('\nWhy\n'));
    const times = [...events.matchAll(/^ +(\S+) +198\.51\.100\.2 ejected/gm)].map((m) => m[1]);
    expect(times).toEqual(['141ms', '1m30.091s', '4m0.139s', '7m30.126s']);
    expect(stdout).toContain(
      'examples/outlier-detection.yaml:42 spec.trafficPolicy.outlierDetection.consecutiveGatewayErrors',
    );
  });
});
