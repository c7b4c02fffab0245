import { ConfigError, type Diagnostic, loadConfig } from '@meshsim/core';
import { parseAllDocuments, stringify } from 'yaml';
import type { ScenarioDocument } from './scenario.js';

/**
 * One YAML stream of `documents` (Scenario, Istio resources or any other), `---` between them.
 * Shared objects are written out each time rather than as YAML anchors.
 */
export function toYaml(...documents: readonly object[]): string {
  return documents.map((doc) => stringify(doc, { aliasDuplicateObjects: false })).join('---\n');
}

/**
 * The `kind: Scenario` document of a YAML stream, as written (durations stay strings, defaults
 * stay unset), after the loader has accepted the whole stream. Throws `ConfigError` with every
 * diagnostic when it has an error or no Scenario.
 */
export function fromYaml(text: string, file = '<inline>'): ScenarioDocument {
  const loaded = loadConfig({ file, text });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new ConfigError(loaded.diagnostics);
  if (loaded.scenario === undefined) {
    const missing: Diagnostic = {
      severity: 'error',
      file,
      line: 1,
      column: 1,
      path: '',
      message: 'no kind: Scenario document in the stream',
    };
    throw new ConfigError([...loaded.diagnostics, missing]);
  }
  // The same parse options as the loader, so both read the same values.
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true });
  const docs = Array.isArray(documents) ? documents : [];
  const scenarioDoc = docs
    .map((doc) => doc.toJS() as unknown)
    .find((value): value is ScenarioDocument => (value as { kind?: unknown } | null)?.kind === 'Scenario');
  if (scenarioDoc === undefined) throw new ConfigError(loaded.diagnostics);
  return scenarioDoc;
}
