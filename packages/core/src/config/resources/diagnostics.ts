import { printable } from './printable.js';
/** How bad a config problem is: errors stop a run, warnings are reported and the run goes on. */
export type Severity = 'error' | 'warning';

/** One config problem, pointing at a place in a YAML file. */
export interface Diagnostic {
  severity: Severity;
  /** The source's file name as given to `loadConfig` (`<inline>` for a plain string). */
  file: string;
  /** 1-based; 0 when the value came from code or the command line rather than a file. */
  line: number;
  /** 1-based. */
  column: number;
  /** Field path inside the document, e.g. `spec.endpoints[1].address`; `''` for the whole document. */
  path: string;
  message: string;
  /** The Istio (or meshsim) rule that was broken, when there is a named one. */
  rule?: string;
}

/** `payment.yaml:12:7 error spec.trafficPolicy.outlierDetection.interval: <message>` */
export function formatDiagnostic(d: Diagnostic): string {
  // Line 0 marks a value that came from code or the command line, not from a file.
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column} ${d.severity}` : `${d.file} ${d.severity}`;
  const what = d.path === '' ? d.message : `${d.path}: ${d.message}`;
  // A value quoted in a message may hold a terminal's escape sequence: shown, never run.
  return printable(d.rule === undefined ? `${where} ${what}` : `${where} ${what} [${d.rule}]`);
}

/**
 * Diagnostics under `--strict` (`strict: true`): every warning is an error, and says why, so that a typo
 * that Istio would only warn about (an unknown field, an endpoint that matches no host) fails a test.
 */
export function strictly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) =>
    d.severity === 'warning'
      ? { ...d, severity: 'error', message: `${d.message} (an error under strict)` }
      : d,
  );
}

/** Diagnostics in reading order: by file, then position. */
export function inReadingOrder(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown by the API layer when a config has errors; the diagnostics are the data, the message is for humans. */
export class ConfigError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const shown = errors.length > 0 ? errors : diagnostics;
    const noun = errors.length === 1 ? 'error' : 'errors';
    super(`invalid config (${errors.length} ${noun}):\n${shown.map(formatDiagnostic).join('\n')}`);
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}
