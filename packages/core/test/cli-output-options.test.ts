// The CLI's conventions: `-o` is the output format as kubectl and istioctl spell it, `-f/--format` its
// older name, `--output-file` where the result goes (the old `-o FILE` still works, with a note), and
// `-` reads stdin.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/cli/main.js';
import { cli } from './fixtures/cli.js';

const EXAMPLE = 'examples/payment-gateway.yaml';
const SHORT = ['--duration', '2s', '--quiet'];
const dir = mkdtempSync(join(tmpdir(), 'meshsim-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withStdin(text: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => text,
  });
  return { code, stdout, stderr };
}

describe('-o/--output is the format, --output-file the file', () => {
  it('-o json prints what -f json prints, byte for byte; -o yaml the same document', async () => {
    const o = await cli('run', EXAMPLE, ...SHORT, '-o', 'json');
    const f = await cli('run', EXAMPLE, ...SHORT, '-f', 'json');
    expect(o.code).toBe(0);
    expect(o.stdout).toBe(f.stdout);
    const yaml = await cli('run', EXAMPLE, ...SHORT, '--output', 'yaml');
    expect(parse(yaml.stdout)).toEqual(JSON.parse(o.stdout));
    const explain = await cli('explain', EXAMPLE, '-o', 'yaml');
    expect(parse(explain.stdout)).toEqual(JSON.parse((await cli('explain', EXAMPLE, '-o', 'json')).stdout));
  });

  it('--output-file writes the report there; stdout stays empty', async () => {
    const file = join(dir, 'report.json');
    const { code, stdout } = await cli('run', EXAMPLE, ...SHORT, '-o', 'json', '--output-file', file);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8')).scenario).toBe('payment-gateway-one-flaky-endpoint');
  });

  it('the old -o FILE still writes the file, with a note to use --output-file', async () => {
    const file = join(dir, 'old.json');
    const { code, stdout, stderr } = await cli('run', EXAMPLE, ...SHORT, '-f', 'json', '-o', file);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `meshsim: -o/--output FILE is deprecated: use --output-file ${file} (-o now takes the format: table, json, yaml, html)\n`,
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).seed).toBe(42);
  });

  it('an unknown format, two different formats or two files are usage errors', async () => {
    const unknown = await cli('run', EXAMPLE, ...SHORT, '-o', 'jsn');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('-o/--output takes a format: table, json, yaml, html ("jsn" is none');
    const clash = await cli('explain', EXAMPLE, '-o', 'json', '-f', 'table');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('-o json and -f table ask for different formats');
    const twice = await cli('run', EXAMPLE, '-o', join(dir, 'a.txt'), '--output-file', join(dir, 'b.txt'));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('give the file once');
  });
});

describe('tune, merge and k8s-job follow the same conventions', () => {
  const TUNE = ['tune', 'examples/flaky-api.yaml', '--objective', 'minimize errorRate'];
  const VARY = [
    '--vary',
    'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1,2',
    '--seeds',
    '2',
    '-d',
    '1s',
    '-q',
  ];

  it('tune and merge: -o json --output-file writes what -f json prints', async () => {
    const part = join(dir, 'part.json');
    expect((await cli(...TUNE, ...VARY, '--shard', '1/1', '--out', part)).code).toBe(0);
    const file = join(dir, 'merged.json');
    const written = await cli('merge', part, '-o', 'json', '--output-file', file);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    const printed = await cli('merge', part, '-f', 'json');
    expect(JSON.parse(printed.stdout).winner).not.toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
  });

  it('k8s-job writes its manifests to --output-file, or to the old -o FILE with a note', async () => {
    const job = ['k8s-job', '--name', 'od', '--image', 'meshsim:1', '--shards', '2', '--volume', 'parts'];
    const after = [
      '--',
      'compare',
      'examples/flaky-api.yaml',
      '--vary',
      'lenient=examples/patches/lenient.yaml',
    ];
    const printed = await cli(...job, ...after);
    const file = join(dir, 'job.yaml');
    expect((await cli(...job, '--output-file', file, ...after)).stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
    const old = await cli(...job, '-o', join(dir, 'old-job.yaml'), ...after);
    expect(old.stderr).toContain('-o/--output FILE is deprecated: use --output-file');
    expect(readFileSync(join(dir, 'old-job.yaml'), 'utf8')).toBe(printed.stdout);
  });
});

describe('- reads stdin', () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('run, explain and validate read the config from stdin, named <stdin>', async () => {
    const fromStdin = await withStdin(text, 'run', '-', ...SHORT, '-o', 'json');
    const fromFile = await cli('run', EXAMPLE, ...SHORT, '-o', 'json');
    expect(fromStdin.code).toBe(0);
    // The same report; its why notes name the config's lines in <stdin>.
    expect(fromStdin.stdout).toBe(fromFile.stdout.replaceAll(EXAMPLE, '<stdin>'));
    const explained = await withStdin(text, 'explain', '-');
    expect(explained.stdout).toContain('from ServiceEntry production/payment-gateway (<stdin>:');
    expect((await withStdin(text, 'validate', '-')).stdout).toBe('<stdin>: 0 error(s), 0 warning(s)\n');
  });

  it('a diagnostic names <stdin> and its line; - twice is refused', async () => {
    const bad = await withStdin('a: 1\na: 2\n', 'validate', '-');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin>:2:1 error /);
    const twice = await withStdin(text, 'validate', '-', '-');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe('meshsim: - (standard input) can be given once\n');
  });
});
