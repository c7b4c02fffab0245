import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';
import { SEED_DIR } from './fixtures/seed-dir.js';

/**
 * `meshsim explain` on each seed config, kept as golden files read by hand against ENVOY-SEMANTICS.md
 * (what was checked is in golden/explain/REVIEW.md). `UPDATE_GOLDEN=1` rewrites them; review the diff.
 */
const GOLDEN_DIR = new URL('./golden/explain/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const seeds = readdirSync(SEED_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The caller the seeds are written for: their resources live in production. Seed 10 is about locality. */
function argsFor(seed: string): string[] {
  const args = ['--namespace', 'production'];
  if (seed.startsWith('10-')) args.push('--locality', 'us-east-1/us-east-1a');
  return args;
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** What the golden file holds: the command, then what it prints, file names as the seed directory names them. */
async function explained(seed: string): Promise<string> {
  const args = argsFor(seed);
  // Run from the seed directory so the output names the file alone, wherever shared/ sits (CI too).
  const previous = process.cwd();
  process.chdir(SEED_DIR);
  try {
    const { code, stdout, stderr } = await cli(['explain', seed, ...args]);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    return `$ meshsim explain ${seed} ${args.join(' ')}\n${stdout}`;
  } finally {
    process.chdir(previous);
  }
}

describe('meshsim explain on the seed configs', () => {
  it('has all 14 seeds, and a golden file for each and nothing else', () => {
    expect(seeds).toHaveLength(14);
    if (UPDATE) return;
    const goldens = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.txt'));
    expect(goldens.sort()).toEqual(seeds.map((s) => s.replace(/\.yaml$/, '.txt')));
  });

  it.each(seeds)('%s validates with no error', async (seed) => {
    const { code, stderr } = await cli(['validate', join(SEED_DIR, seed)]);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/ error /);
  });

  it.each(seeds)('%s explains as its golden file says', async (seed) => {
    const golden = new URL(seed.replace(/\.yaml$/, '.txt'), GOLDEN_DIR);
    const actual = await explained(seed);
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(golden, actual);
      return;
    }
    expect(existsSync(golden), `${golden.pathname} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it('every golden file was reviewed: REVIEW.md has a section for each seed', () => {
    const review = readFileSync(new URL('REVIEW.md', GOLDEN_DIR), 'utf8');
    for (const seed of seeds) expect(review).toContain(`## ${seed.replace(/\.yaml$/, '')}`);
  });
});
