import type { Diagnostic } from '../resources/diagnostics.js';
import type { Located } from '../resources/load.js';
import { type FieldPath, formatPath } from '../resources/positions.js';

/** Reports a problem at a field of one resource; a translation step takes one per document it reads. */
export type ReportAt = (path: FieldPath, severity: Diagnostic['severity'], message: string) => void;

/** Reports into `diagnostics` at `doc`'s fields; without a document (no DestinationRule) nothing is reported. */
export function reportAt(doc: Located<unknown> | null, diagnostics: Diagnostic[]): ReportAt {
  return (path, severity, message) => {
    if (doc === null) return;
    const { line, column } = doc.positionOf(path);
    diagnostics.push({ severity, file: doc.file, line, column, path: formatPath(path), message });
  };
}
