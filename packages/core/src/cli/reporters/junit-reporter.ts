import { createRequire } from 'node:module';
import type { XMLBuilder } from 'fast-xml-parser';
import type { ExpectationResult } from '../../expect/check-expectations.js';
import { failureDetail } from '../../expect/format-expectations.js';
import { errorLines, type ScenarioTest, type TestRun } from '../scenario-tests.js';

// The JUnit XML CI servers read (Jenkins, GitLab, the GitHub test-report actions): a testsuite per
// Scenario file, a testcase per expectation. fast-xml-parser's builder writes it and escapes every value.
let xml: XMLBuilder | undefined;
// The XML library loads with the first JUnit report, not with every CLI command.
function builder(): XMLBuilder {
  if (xml === undefined) {
    const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    xml = new fxp.XMLBuilder({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      format: true,
      suppressEmptyNode: true,
    });
  }
  return xml;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(t: ScenarioTest, r: ExpectationResult) {
  const where = r.line > 0 ? { '@_file': r.file, '@_line': r.line } : {};
  const failure = r.passed
    ? {}
    : {
        failure: {
          '@_message': `${r.description}: expected ${r.expected}, got ${r.got}`,
          '@_type': r.verdict === 'fail' ? 'expectation not met' : 'expectation not shown',
          '#text': failureDetail(r, '').join('\n'),
        },
      };
  return { '@_name': r.description, '@_classname': t.name, ...where, ...failure };
}

function testsuite(t: ScenarioTest) {
  const head = { '@_name': `${t.file} > ${t.name}`, '@_file': t.file, '@_time': seconds(t.durationMs) };
  if (t.status === 'skipped') {
    const skipped = { '@_message': 'the Scenario has no expectations' };
    return {
      ...head,
      '@_tests': 1,
      '@_failures': 0,
      '@_errors': 0,
      '@_skipped': 1,
      testcase: [{ '@_name': t.name, '@_classname': t.name, skipped }],
    };
  }
  if (t.status === 'error') {
    const lines = errorLines(t);
    const error = {
      '@_message': lines[0] ?? 'could not run',
      '@_type': 'invalid input',
      '#text': lines.join('\n'),
    };
    return {
      ...head,
      '@_tests': 1,
      '@_failures': 0,
      '@_errors': 1,
      '@_skipped': 0,
      testcase: [{ '@_name': t.name, '@_classname': t.name, error }],
    };
  }
  const o = t.expectations!;
  const failures = o.results.filter((r) => !r.passed).length;
  const properties = {
    property: [
      { '@_name': 'seeds', '@_value': o.seeds.join(',') },
      { '@_name': 'confidence', '@_value': String(o.confidence) },
    ],
  };
  const cases = o.results.map((r) => testcase(t, r));
  return {
    ...head,
    '@_tests': o.results.length,
    '@_failures': failures,
    '@_errors': 0,
    '@_skipped': 0,
    properties,
    testcase: cases,
  };
}

/** The run as JUnit XML. */
export function formatJunit(run: TestRun): string {
  const suites = run.tests.map(testsuite);
  const sum = (field: '@_tests' | '@_failures' | '@_errors' | '@_skipped') =>
    suites.reduce((s, suite) => s + suite[field], 0);
  return builder().build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'meshsim test',
      '@_tests': sum('@_tests'),
      '@_failures': sum('@_failures'),
      '@_errors': sum('@_errors'),
      '@_skipped': sum('@_skipped'),
      '@_time': seconds(run.durationMs),
      testsuite: suites,
    },
  });
}
