import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tuneWithParts } from '../src/shard/sharded-runs.js';
import type { TuneProgress } from '../src/tune/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { config: readFileSync('examples/flaky-api.yaml', 'utf8'), duration: '2s' };
// 9 sampled configs on 2 seeds, the best 5 (max(⌈9/3⌉, top 5)) on 4: 18 + 5·2 = 28 runs.
const request = {
  vary: ['spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..9'],
  objectives: ['minimize errorRate'],
  search: 'lhs' as const,
  samples: 9,
  seeds: 4,
  halving: { eta: 3, minSeeds: 2 },
};

describe('a tune that stopped resumes from the part it wrote', () => {
  it('runs only what the part lacks and reports what the whole run reports', async () => {
    const out = join(dir, 'tune.json');
    const whole = await tuneWithParts(spec, request, { threads: 1, out });
    expect(whole.ran).toBe(28);
    // A tune stopped after 10 runs of rung 1 (seeds 1 and 2): its part, rewritten after each batch, holds those.
    const part = JSON.parse(readFileSync(out, 'utf8'));
    const kept = Object.keys(part.runs)
      .filter((key) => /:[12]$/.test(key))
      .slice(0, 10);
    part.runs = Object.fromEntries(kept.map((k) => [k, part.runs[k]]));
    writeFileSync(out, JSON.stringify(part));
    const seen: TuneProgress[] = [];
    const again = await tuneWithParts(spec, request, { threads: 1, out, onProgress: (p) => seen.push(p) });
    expect(again.resumed).toBe(10);
    expect(again.ran).toBe(18);
    // Before any run: the resumed 10 of 28 count at once.
    expect(seen[1]).toMatchObject({ rung: 0, done: 10, total: 28 });
    expect(JSON.stringify(again.report)).toBe(JSON.stringify(whole.report));
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')).runs)).toHaveLength(28);
  });
});
