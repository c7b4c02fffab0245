import type { Diagnostic } from '../../config/resources/diagnostics.js';
import type { ExpectationResult } from '../../expect/check-expectations.js';
import type { ScenarioTest, TestRun } from '../scenario-tests.js';

// GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the Actions toolkit
// escapes them (@actions/core, command.ts): `%`, CR and LF in the message; also `:` and `,` in properties.
const escapeData = (s: string): string =>
  s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

interface Annotation {
  level: 'error' | 'warning';
  file?: string;
  line?: number;
  col?: number;
  title: string;
  message: string;
}

/** One workflow command; a place with line 0 (given in code) is left off. */
export function workflowCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined && (a.line ?? 0) > 0) {
    props.push(`file=${escapeProperty(a.file)}`, `line=${a.line}`);
    if (a.col !== undefined && a.col > 0) props.push(`col=${a.col}`);
  }
  props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level} ${props.join(',')}::${escapeData(a.message)}`;
}

/** At the expectation that failed, then at each config line behind its why notes. */
function failureAnnotations(t: ScenarioTest, r: ExpectationResult): Annotation[] {
  const at = { file: r.file, line: r.line, col: r.column };
  const out: Annotation[] = [
    {
      level: 'error',
      ...at,
      title: `meshsim test: ${t.name}`,
      message: `${r.description}: expected ${r.expected}, got ${r.got}\n${r.reason}`,
    },
  ];
  for (const why of r.why) {
    if (why.file === undefined) continue;
    out.push({
      level: 'error',
      file: why.file,
      line: why.line!,
      title: `meshsim test: why ${r.description} failed in ${t.name}`,
      message: why.text,
    });
  }
  return out;
}

function diagnosticAnnotation(t: ScenarioTest, d: Diagnostic): Annotation {
  return {
    level: d.severity,
    file: d.file,
    line: d.line,
    col: d.column,
    title: `meshsim test: ${d.severity === 'error' ? 'invalid input' : 'warning'} in ${t.name}`,
    message: d.path === '' ? d.message : `${d.path}: ${d.message}`,
  };
}

/** Every annotation of the run, each once, in test order. */
export function formatGithub(run: TestRun): string {
  const lines: string[] = [];
  for (const t of run.tests) {
    const annotations = [
      ...t.diagnostics.map((d) => diagnosticAnnotation(t, d)),
      ...(t.error !== undefined
        ? [{ level: 'error' as const, title: `meshsim test: ${t.name}`, message: t.error }]
        : []),
      ...(t.expectations?.results ?? []).filter((r) => !r.passed).flatMap((r) => failureAnnotations(t, r)),
    ];
    for (const a of annotations) {
      const line = workflowCommand(a);
      if (!lines.includes(line)) lines.push(line);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
