import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../packages/core/test/fixtures/cli.js';
import { CLI_ENTRY } from './fixtures/cli-entry.js';

// Shards run as separate processes, as on separate machines (or pods).
const dir = mkdtempSync(join(tmpdir(), 'meshsim-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function meshsim(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_ENTRY, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

const shards = (n: number, args: (k: number) => string[]) =>
  Promise.all(Array.from({ length: n }, (_, i) => meshsim(args(i + 1))));

const COMPARE = [
  'compare',
  'examples/flaky-api.yaml',
  '--vary',
  'lenient=examples/patches/lenient.yaml',
  '--vary',
  'strict=examples/patches/strict.yaml',
  '--seeds',
  '3',
  '-d',
  '5s',
  '-j',
  '1',
];
const TUNE = [
  'tune',
  'examples/flaky-api.yaml',
  '--vary',
  'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..9',
  '--vary',
  'spec.trafficPolicy.outlierDetection.baseEjectionTime=5s,30s',
  '--objective',
  'minimize errorRate',
  '--search',
  'lhs',
  '--samples',
  '10',
  '--seeds',
  '4',
  '-d',
  '5s',
  '-j',
  '1',
  '-q',
];

describe('three shards in three processes, merged, give the one-machine result byte for byte', () => {
  it('compare: --shard K/3 --out part-K.json, then meshsim merge part-*.json', async () => {
    const parts = join(dir, 'compare');
    mkdirSync(parts);
    const [one, ...runs] = await Promise.all([
      cli(...COMPARE),
      ...(
        await shards(3, (k) => [...COMPARE, '--shard', `${k}/3`, '--out', join(parts, `part-${k}.json`)])
      ).map(async (r) => r),
    ]);
    for (const r of runs as Array<{ code: number; stderr: string }>) expect(r.code, r.stderr).toBe(0);
    const merged = await cli(
      'merge',
      join(parts, 'part-1.json'),
      join(parts, 'part-2.json'),
      join(parts, 'part-3.json'),
    );
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe((one as { stdout: string }).stdout);
    // 6 runs dealt round robin: two each.
    expect(Object.keys(JSON.parse(readFileSync(join(parts, 'part-3.json'), 'utf8')).runs)).toEqual([
      '2',
      '5',
    ]);
  });

  it('tune with successive halving: the shards wait for each other between rungs in a shared directory', async () => {
    const parts = join(dir, 'tune');
    mkdirSync(parts);
    const [one, runs] = await Promise.all([
      cli(...TUNE, '--patch', join(dir, 'one.yaml')),
      shards(3, (k) => [
        ...TUNE,
        '--shard',
        `${k}/3`,
        '--out',
        join(parts, `part-${k}.json`),
        '--from',
        parts,
        '--wait',
        '2m',
      ]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[0]!.stderr).toContain('every rung complete');
    const merged = await cli('merge', parts, '--patch', join(dir, 'merged.yaml'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(one.stdout);
    expect(readFileSync(join(dir, 'merged.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'one.yaml'), 'utf8'));
  });
});

describe('merge refuses what is not one whole run, and says why', () => {
  const tuneArgs = (extra: string[]) => [
    ...TUNE.slice(0, -9),
    '--samples',
    '4',
    '--seeds',
    '4',
    '-d',
    '5s',
    '-j',
    '1',
    '-q',
    ...extra,
  ];

  it('a halving tune run once without --wait stops after rung 1; merge names what is missing; --from goes on', async () => {
    const parts = join(dir, 'rounds');
    mkdirSync(parts);
    const part = (k: number) => join(parts, `part-${k}.json`);
    for (const k of [1, 2]) {
      const r = await cli(...tuneArgs(['--shard', `${k}/2`, '--out', part(k)]));
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('rung 2 needs every shard');
    }
    const early = await cli('merge', part(1), part(2));
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /^meshsim: rung 2 of 2 is not complete: \d+ run\(s\) missing \(.*\), of shard\(s\) 1\/2, 2\/2; run those shards \(again\) with --from/,
    );
    for (const k of [1, 2])
      expect((await cli(...tuneArgs(['--shard', `${k}/2`, '--out', part(k), '--from', parts]))).code).toBe(0);
    const merged = await cli('merge', parts);
    expect(merged.stdout).toBe((await cli(...tuneArgs([]))).stdout);
  });

  it('parts of another plan, a shard twice or missing, and a file that is no part', async () => {
    const p = (name: string) => join(dir, name);
    const compare = (extra: string[]) =>
      cli(...COMPARE.slice(0, 6), '--seeds', '2', '-d', '2s', '-j', '1', ...extra);
    await compare(['--shard', '1/2', '--out', p('a1.json')]);
    await compare(['--shard', '2/2', '--out', p('a2.json')]);
    await cli(
      ...COMPARE.slice(0, 6),
      '--seeds',
      '3',
      '-d',
      '2s',
      '-j',
      '1',
      '--shard',
      '2/2',
      '--out',
      p('b2.json'),
    );
    writeFileSync(p('junk.json'), '{"meshsim":"part","version":1}');
    const cases: Array<[string[], RegExp]> = [
      [[p('a1.json'), p('b2.json')], /b2.json is a part of another plan than .*a1.json/],
      [[p('a1.json'), p('a1.json')], /a1.json and .*a1.json are both shard 1\/2/],
      [[p('a1.json')], /shard\(s\) 2\/2 missing: 1 of 2 parts given/],
      [[p('a1.json'), p('junk.json')], /junk.json: not a meshsim part \(fingerprint: /],
      [[p('nothing.json')], /nothing.json: cannot read \(ENOENT\)/],
    ];
    for (const [files, message] of cases) {
      const r = await cli('merge', ...files);
      expect(r.code, files.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect((await cli('merge', p('a1.json'), p('a2.json'))).code).toBe(0);
    // A shard's --out that holds another plan's part is refused rather than overwritten.
    const clash = await compare(['--shard', '2/2', '--out', p('b2.json')]);
    expect([clash.code, clash.stderr]).toEqual([
      1,
      `meshsim: ${p('b2.json')} holds a part of another plan (other inputs, options or meshsim version); remove it or choose another --out\n`,
    ]);
  });
});
