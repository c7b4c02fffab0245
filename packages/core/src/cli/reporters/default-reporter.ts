import { expectationLines, judgedOn } from '../../expect/format-expectations.js';
import { errorLines, type ScenarioTest, type TestRun } from '../scenario-tests.js';

const MARK: Record<ScenarioTest['status'], string> = { passed: '✓', failed: '✗', error: '✗', skipped: '↓' };

export const wallTime = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;

function headline(t: ScenarioTest): string {
  const head = `${MARK[t.status]} ${t.file} > ${t.name}`;
  if (t.status === 'skipped') return `${head} (no expectations)`;
  if (t.status === 'error') return `${head} (could not run) ${wallTime(t.durationMs)}`;
  const o = t.expectations!;
  const failed = o.results.filter((r) => !r.passed).length;
  const count = failed === 0 ? `${o.results.length} expectations` : `${failed} of ${o.results.length} failed`;
  return `${head} (${count}, ${judgedOn(o)}) ${wallTime(t.durationMs)}`;
}

function tally(parts: Array<[string, number]>, total: number): string {
  const shown = parts.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  return `${shown.length === 0 ? '0 run' : shown.join(' | ')} (${total})`;
}

/** The summary a person reads, like vitest's: a line per Scenario, a failure's expectations under it, totals. */
export function formatDefault(run: TestRun): string {
  const out: string[] = [''];
  for (const t of run.tests) {
    out.push(` ${headline(t)}`);
    if (t.status === 'error') out.push(...errorLines(t).map((line) => `     ${line}`));
    if (t.status === 'failed') out.push(...expectationLines(t.expectations!, '     '));
  }
  const count = (status: ScenarioTest['status']) => run.tests.filter((t) => t.status === status).length;
  const results = run.tests.flatMap((t) => t.expectations?.results ?? []);
  const failedResults = results.filter((r) => !r.passed).length;
  out.push(
    '',
    ` Scenarios  ${tally(
      [
        ['failed', count('failed') + count('error')],
        ['passed', count('passed')],
        ['skipped', count('skipped')],
      ],
      run.tests.length,
    )}`,
    `      Tests  ${tally(
      [
        ['failed', failedResults],
        ['passed', results.length - failedResults],
      ],
      results.length,
    )}`,
    `   Duration  ${wallTime(run.durationMs)}`,
    '',
  );
  return out.join('\n');
}
