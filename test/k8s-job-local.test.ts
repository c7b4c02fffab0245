import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli } from '../packages/core/test/fixtures/cli.js';
import { CLI_ENTRY } from './fixtures/cli-entry.js';

// The Job's pods, played on this machine: each shard runs the pod's own shell script in its own process,
// with JOB_COMPLETION_INDEX set as Kubernetes sets it, the ConfigMap's files and the results volume in
// temporary directories where the pod mounts them, and `meshsim` on PATH.
const dir = mkdtempSync(join(tmpdir(), 'meshsim-k8s-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
  '6',
  '--seeds',
  '4',
  '-d',
  '2s',
];

function pod(script: string, index: number, path: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done, reject) => {
    const env = { ...process.env, JOB_COMPLETION_INDEX: String(index), PATH: path };
    const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

describe('the Indexed Job, its pods run as local processes', () => {
  it('a halving tune in 2 shards on a shared volume merges to the one-machine report, byte for byte', async () => {
    const r = await cli(
      'k8s-job',
      '--name',
      'od',
      '--image',
      'meshsim',
      '--shards',
      '2',
      '--volume',
      'parts',
      '--',
      ...TUNE,
    );
    expect(r.code, r.stderr).toBe(0);
    const [configMap, job] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    const inputs = join(dir, 'inputs');
    const results = join(dir, 'results');
    const bin = join(dir, 'bin');
    for (const d of [inputs, results, bin]) mkdirSync(d);
    for (const [key, text] of Object.entries(configMap.data))
      writeFileSync(join(inputs, key), text as string);
    writeFileSync(
      join(bin, 'meshsim'),
      `#!/bin/sh\nexec '${process.execPath}' ${CLI_ENTRY.map((w) => `'${w}'`).join(' ')} "$@"\n`,
    );
    chmodSync(join(bin, 'meshsim'), 0o755);
    const container = job.spec.template.spec.containers[0];
    const script = (container.command[2] as string)
      .replaceAll('/inputs', inputs)
      .replaceAll('/results', results);
    const path = `${bin}${delimiter}${process.env.PATH}`;
    const [one, ...pods] = await Promise.all([
      cli(
        ...TUNE.slice(0, 1),
        join(inputs, 'flaky-api.yaml'),
        ...TUNE.slice(2),
        '-j',
        '1',
        '-q',
        '--patch',
        join(dir, 'one.yaml'),
      ),
      ...Array.from({ length: job.spec.completions }, (_, index) => pod(script, index, path)),
    ]);
    for (const p of pods as Array<{ code: number; stderr: string }>) {
      expect(p.code, p.stderr).toBe(0);
      expect(p.stderr).toContain('every rung complete');
    }
    expect(readdirSync(results).sort()).toEqual(['part-1.json', 'part-2.json']);
    const merged = await cli('merge', results, '--patch', join(dir, 'merged.yaml'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe((one as { stdout: string }).stdout);
    expect(readFileSync(join(dir, 'merged.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'one.yaml'), 'utf8'));
  }, 120_000);
});
