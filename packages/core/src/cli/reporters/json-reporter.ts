import type { TestRun } from '../scenario-tests.js';

/**
 * The run as data: per Scenario file its status, verdicts (with each run's figure and the interval) and
 * diagnostics. A figure that never happened (`firstEjection` with no ejection) is `null`, as JSON has no Infinity.
 */
export function formatJson(run: TestRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
