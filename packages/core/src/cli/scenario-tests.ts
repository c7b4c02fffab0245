import { parseAllDocuments } from 'yaml';
import { ConfigError, type Diagnostic, formatDiagnostic } from '../config/resources/diagnostics.js';
import type { ConfigSource } from '../config/resources/load.js';
import { checkExpectations, type ExpectationsOutcome } from '../expect/check-expectations.js';
import { readSources } from './read-input.js';
import { UsageProblem } from './usage-problem.js';

/** One Scenario file, run and judged: `error` when it could not be run (bad input), `skipped` without expect. */
export interface ScenarioTest {
  file: string;
  /** The Scenario's metadata.name (the file when it has none readable). */
  name: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** Wall time of its runs. */
  durationMs: number;
  expectations?: ExpectationsOutcome;
  /** The input's problems: the errors that stopped it, and warnings. */
  diagnostics: Diagnostic[];
  /** A problem that is not a config line's (an unreadable file). */
  error?: string;
}

export interface TestRun {
  tests: ScenarioTest[];
  durationMs: number;
  passed: boolean;
}

type Role = { role: 'test' | 'no-expect'; name: string } | { role: 'none' };

// Looks for a Scenario document without judging it: the run reports its problems with file and line.
function roleOf(source: ConfigSource): Role {
  const docs = [parseAllDocuments(source.text, { prettyErrors: false })].flat();
  let found: Role = { role: 'none' };
  let broken = false;
  for (const doc of docs) {
    if (doc.errors.length > 0) broken = true;
    else if (doc.get('kind') === 'Scenario') {
      const name = String(doc.getIn(['metadata', 'name']) ?? source.file);
      found = { role: doc.hasIn(['spec', 'expect']) ? 'test' : 'no-expect', name };
    }
  }
  // A file too broken to read may still be meant as a test: let the run say what is wrong with it.
  if (broken && found.role === 'none' && /^\s*kind:\s*["']?Scenario\b/m.test(source.text))
    return { role: 'test', name: source.file };
  return found;
}

function runOne(source: ConfigSource, name: string, config: ConfigSource[], now: () => number): ScenarioTest {
  const start = now();
  const test = (rest: Omit<ScenarioTest, 'file' | 'name' | 'durationMs'>): ScenarioTest => ({
    file: source.file,
    name,
    durationMs: now() - start,
    ...rest,
  });
  try {
    const checked = checkExpectations({ config: [source, ...config] });
    const outcome = checked.expectations;
    const diagnostics = checked.warnings;
    // `expect: []`: a Scenario that asks nothing, like one without expect.
    if (outcome === null) return test({ status: 'skipped', diagnostics });
    return test({ status: outcome.passed ? 'passed' : 'failed', expectations: outcome, diagnostics });
  } catch (e) {
    if (e instanceof ConfigError) return test({ status: 'error', diagnostics: e.diagnostics });
    throw e;
  }
}

/**
 * Runs every Scenario with expectations among `files`, each with the shared `configFiles` (Istio
 * resources) beside it, in file order.
 */
export function runScenarioTests(
  files: readonly string[],
  configFiles: readonly string[],
  now: () => number,
): TestRun {
  const start = now();
  const config = readSources([...configFiles]);
  const tests: ScenarioTest[] = [];
  for (const file of files.filter((f) => !configFiles.includes(f))) {
    let source: ConfigSource;
    try {
      [source] = readSources([file]) as [ConfigSource];
    } catch (e) {
      if (!(e instanceof UsageProblem)) throw e;
      tests.push({ file, name: file, status: 'error', durationMs: 0, diagnostics: [], error: e.message });
      continue;
    }
    const role = roleOf(source);
    if (role.role === 'none') continue;
    if (role.role === 'no-expect') {
      tests.push({ file, name: role.name, status: 'skipped', durationMs: 0, diagnostics: [] });
      continue;
    }
    tests.push(runOne(source, role.name, config, now));
  }
  const passed = tests.every((t) => t.status === 'passed' || t.status === 'skipped');
  return { tests, durationMs: now() - start, passed };
}

/** A test that could not run, in one line per problem. */
export function errorLines(test: ScenarioTest): string[] {
  if (test.error !== undefined) return [test.error];
  return test.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}
