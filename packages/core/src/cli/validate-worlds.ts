import { parseAllDocuments } from 'yaml';
import { type Diagnostic, formatDiagnostic } from '../config/resources/diagnostics.js';
import type { ConfigSource } from '../config/resources/load.js';
import { planSimulation } from '../simulate.js';

/** What one validation covered: the Scenario file it is about (none: all the files as one config). */
export interface ValidatedWorld {
  scenarioFile?: string;
  diagnostics: Diagnostic[];
}

/** Whether a file has a `kind: Scenario` document (a file YAML cannot read has none here; validation says why). */
function holdsScenario(source: ConfigSource): boolean {
  try {
    return parseAllDocuments(source.text).some(
      (doc) => !Array.isArray(doc) && doc.get('kind') === 'Scenario',
    );
  } catch {
    return false;
  }
}

/**
 * The worlds `meshsim validate` checks: every file holding a Scenario on its own, with the files that
 * hold none (shared Istio resources); with at most one Scenario, all the files as one config. `strict`:
 * warnings count as errors.
 */
export function validateWorlds(sources: readonly ConfigSource[], strict = false): ValidatedWorld[] {
  const withScenario = sources.filter(holdsScenario);
  const validate = (config: ConfigSource[]) =>
    planSimulation({ config, ...(strict ? { strict: true } : {}) }, { requireScenario: false }).diagnostics;
  if (withScenario.length <= 1) return [{ diagnostics: validate([...sources]) }];
  const shared = sources.filter((s) => !withScenario.includes(s));
  return withScenario.map((s) => ({
    scenarioFile: s.file,
    diagnostics: validate([...shared, s]),
  }));
}

/** Each diagnostic once: a shared file's appear in every world it is part of. */
export function distinctDiagnostics(worlds: readonly ValidatedWorld[]): Diagnostic[] {
  const seen = new Set<string>();
  return worlds
    .flatMap((w) => w.diagnostics)
    .filter((d) => {
      const key = formatDiagnostic(d);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

const counts = (list: readonly Diagnostic[]): string => {
  const errors = list.filter((d) => d.severity === 'error').length;
  return `${errors} error(s), ${list.length - errors} warning(s)`;
};

/** The summary lines: one per Scenario validated on its own, then the total over the files. */
export function validateSummary(files: readonly string[], worlds: readonly ValidatedWorld[]): string {
  const all = counts(distinctDiagnostics(worlds));
  if (worlds.length === 1 && worlds[0]!.scenarioFile === undefined) {
    return files.length === 1 ? `${files[0]}: ${all}\n` : `${files.length} files: ${all}\n`;
  }
  const shared = files.length - worlds.length;
  const withShared = shared === 0 ? '' : ` (with the ${shared} file(s) holding no Scenario)`;
  const lines = worlds.map((w) => `${w.scenarioFile}: ${counts(w.diagnostics)}`);
  lines.push(
    `${files.length} files, ${worlds.length} Scenarios each validated on its own${withShared}: ${all}`,
  );
  return `${lines.join('\n')}\n`;
}
