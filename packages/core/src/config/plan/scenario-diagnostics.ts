import type { Diagnostic } from '../resources/diagnostics.js';
import { type FieldPath, formatPath } from '../resources/positions.js';

/** Where the Scenario's fields are, for diagnostics: the YAML document, or the `simulate()` call (line 0). */
export interface ScenarioOrigin {
  locate(path: FieldPath): { file: string; line: number; column: number };
}

/** Reports a problem at a Scenario field; `path` is under `spec`. */
export type ScenarioReporter = (path: FieldPath, severity: Diagnostic['severity'], message: string) => void;

/** A reporter that places each problem at its field in `origin` and appends it to `diagnostics`. */
export function scenarioReporter(origin: ScenarioOrigin, diagnostics: Diagnostic[]): ScenarioReporter {
  return (path, severity, message) => {
    const { file, line, column } = origin.locate(['spec', ...path]);
    diagnostics.push({
      severity,
      file,
      line,
      column,
      path: formatPath(['spec', ...path]),
      message,
    });
  };
}

/** The reporter as the planners that only raise errors take it. */
export function errorsAt(at: ScenarioReporter): (path: FieldPath, message: string) => void {
  return (path, message) => at(path, 'error', message);
}
