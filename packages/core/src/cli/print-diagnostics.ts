import { type Diagnostic, formatDiagnostic } from '../config/resources/diagnostics.js';
import type { CliIo } from './io.js';

/** Diagnostics go to stderr, one per line, so the output proper stays clean. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
}
