import { createRequire } from 'node:module';

/**
 * The shape of the report (`Report.schemaVersion`): raised when a field changes meaning or goes away, so a
 * consumer can refuse a report it does not understand. New fields keep it.
 */
export const REPORT_SCHEMA_VERSION = 1;

let version: string | undefined;

/** The version of @meshsim/core that runs, from its package.json (two levels above src/observe and dist/observe). */
export function meshsimVersion(): string {
  version ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return version;
}
