import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './fixtures/cli.js';

const EXAMPLE = 'examples/flaky-api.yaml';
const VARY = 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..3';
const dir = mkdtempSync(join(tmpdir(), 'meshsim-tune-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('meshsim tune', () => {
  it('prints the best configs, writes the winner with --patch and the surface with --html', async () => {
    const patch = join(dir, 'winner.yaml');
    const html = join(dir, 'surface.html');
    const base = [
      'tune',
      EXAMPLE,
      '--vary',
      VARY,
      '--objective',
      'minimize errorRate',
      '--constraint',
      'p99 < 300ms',
      '--seeds',
      '2',
      '-d',
      '5s',
      '-j',
      '1',
      '-q',
    ];
    const table = await cli(...base, '--patch', patch, '--html', html);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('minimize errorRate subject to p99 < 300ms');
    expect(table.stdout).toContain('grid of 3 configs; every config on 2 seeds; 6 runs, seeds 1…2');
    expect(table.stdout).toMatch(/│ 1 +│ consecutive5xxErrors=1 +│ [\d.]+ % +│/);
    expect(table.stdout).toContain('Winner: consecutive5xxErrors=1.');
    const written = readFileSync(patch, 'utf8');
    expect(table.stdout).toContain(written.trimEnd());
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/\s(src|href)=/);
    expect(page).toContain('id="chart-0-axis-0"');
    // The winner's YAML is valid on its own, as `meshsim validate` judges it.
    const validate = await cli('validate', patch);
    expect([validate.code, validate.stdout]).toEqual([0, `${patch}: 0 error(s), 0 warning(s)\n`]);
    const json = await cli(...base, '--format', 'json');
    const report = JSON.parse(json.stdout);
    expect(report.winner.patch).toBe(written);
    expect(report.configs.map((c: { label: string }) => c.label)).toEqual([
      'consecutive5xxErrors=1',
      'consecutive5xxErrors=2',
      'consecutive5xxErrors=3',
    ]);
  });

  it('says in one line what is wrong with a request', async () => {
    const run = (...args: string[]) => cli('tune', EXAMPLE, '-q', ...args);
    const cases: Array<[string[], RegExp]> = [
      [['--vary', VARY], /tune needs --objective/],
      [['--vary', VARY, '--objective', 'minimize p98'], /unknown metric "p98"/],
      [
        ['--vary', VARY, '--objective', 'minimize errorRate', '--constraint', 'p99 < fast'],
        /"fast" is not a duration/,
      ],
      [['--objective', 'minimize errorRate'], /at least one --vary/],
      [
        ['--vary', 'spec.duration=10s,20s', '--objective', 'minimize errorRate'],
        /no resource of the config has spec.duration|not a Scenario/,
      ],
      [
        ['--vary', 'VirtualService/nope:spec.http.0.timeout=1s', '--objective', 'minimize errorRate'],
        /the config has no VirtualService nope/,
      ],
      [
        [
          '--vary',
          `${VARY}`,
          '--vary',
          'spec.trafficPolicy.outlierDetection=1,2',
          '--objective',
          'minimize errorRate',
        ],
        /change the same field/,
      ],
      [['--vary', VARY, '--objective', 'minimize errorRate', '--shard', '1/2'], /--shard needs --out/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run(...args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const badShard = await run('--vary', VARY, '--objective', 'minimize errorRate', '--shard', '3/2');
    expect(badShard.code).toBe(2);
    expect(badShard.stderr).toContain('must be K/N with 1 ≤ K ≤ N');
  });
});
