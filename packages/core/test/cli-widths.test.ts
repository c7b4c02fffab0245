// Every table and paragraph the CLI prints fits 120 columns, over the examples and the whole catalog:
// a terminal, a CI log or a ticket shows it without wrapping it a second time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const CATALOG = 'packages/scenarios/catalog';
const FILES = [
  ...readdirSync('examples')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('examples', f)),
  ...readdirSync(CATALOG)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(CATALOG, f)),
].sort();

async function stdoutOf(...argv: string[]): Promise<string> {
  let stdout = '';
  await main(argv, { stdout: (t) => (stdout += t), stderr: () => {} });
  return stdout;
}

/** The lines wider than 120 columns, with their width: none is the expectation. */
function tooWide(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => stringWidth(line) > 120)
    .map((line) => `${stringWidth(line)}: ${line}`);
}

describe('every table the CLI prints fits 120 columns', () => {
  it('covers the 3 examples and the 14 catalog scenarios', () => {
    expect(FILES).toHaveLength(17);
  });

  it.each(FILES)('%s: run (1 s), explain and validate', async (file) => {
    // The run's tables have the same columns at any duration; 1 s keeps the test quick.
    const run = await stdoutOf('run', file, '--duration', '1s');
    expect(run).toContain('Client:');
    expect(tooWide(run)).toEqual([]);
    const explain = await stdoutOf('explain', file);
    expect(explain).toContain('Clusters');
    expect(tooWide(explain)).toEqual([]);
    expect(tooWide(await stdoutOf('validate', file))).toEqual([]);
  });

  it('validate over all of them at once', async () => {
    const out = await stdoutOf('validate', ...FILES);
    expect(out).toContain('17 files');
    expect(tooWide(out)).toEqual([]);
  });

  it('compare, sweep, the catalog list and the test reporter', async () => {
    const base = ['examples/flaky-api.yaml', '--duration', '1s', '--jobs', '1'];
    const compare = await stdoutOf(
      'compare',
      ...base,
      '--vary',
      'lenient=examples/patches/lenient.yaml',
      '--vary',
      'strict=examples/patches/strict.yaml',
      '--seeds',
      '2',
    );
    expect(compare).toContain('95 % interval');
    const sweep = await stdoutOf(
      'compare',
      ...base,
      '--sweep',
      'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..3',
    );
    expect(sweep).toContain('meshsim sweep');
    const list = await stdoutOf('run', '--catalog', 'list');
    expect(list).toContain('14-payment-processor');
    const test = await stdoutOf('test', 'examples');
    for (const text of [compare, sweep, list, test]) expect(tooWide(text)).toEqual([]);
  });
});
