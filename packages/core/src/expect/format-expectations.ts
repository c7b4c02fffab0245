import type { ExpectationResult, ExpectationsOutcome } from './check-expectations.js';

const MARK: Record<ExpectationResult['verdict'], string> = { pass: '✓', fail: '✗', inconclusive: '?' };

/** How the outcome was judged: on the one seed, or over N seeds at a confidence level. */
export function judgedOn(outcome: ExpectationsOutcome): string {
  const { seeds } = outcome;
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  return `${seeds.length} seeds (${seeds[0]}…${seeds[seeds.length - 1]}), ${+(outcome.confidence * 100).toFixed(1)} % intervals`;
}

/** A failed expectation's lines under its verdict: where it is written, and the why notes behind it. */
export function failureDetail(r: ExpectationResult, indent: string): string[] {
  const lines = [`${indent}expected ${r.expected}, got ${r.got}`, `${indent}${r.reason}`];
  if (r.line > 0) lines.push(`${indent}at ${r.file}:${r.line} spec.expect[${r.index}]`);
  for (const w of r.why) {
    lines.push(`${indent}why: ${w.text}`);
    if (w.at !== undefined) lines.push(`${indent}     ${w.at}`);
  }
  return lines;
}

/** One line per expectation, a failure's detail under it. */
export function expectationLines(outcome: ExpectationsOutcome, indent = '  '): string[] {
  return outcome.results.flatMap((r) => [
    `${indent}${MARK[r.verdict]} ${r.description}: ${r.passed ? r.got : r.verdict === 'fail' ? 'failed' : 'not shown'}`,
    ...(r.passed ? [] : failureDetail(r, `${indent}    `)),
  ]);
}

/** The section `meshsim run` appends to its table report. */
export function formatExpectations(outcome: ExpectationsOutcome): string {
  const met = outcome.results.filter((r) => r.passed).length;
  return [
    '',
    `Expectations: ${met} of ${outcome.results.length} met, on ${judgedOn(outcome)}`,
    ...expectationLines(outcome),
    '',
  ].join('\n');
}
