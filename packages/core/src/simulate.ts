import type { z } from 'zod';
import { buildRunPlan } from './config/plan/build-run-plan.js';
import type { RunPlan } from './config/plan/run-plan.js';
import type { ScenarioOrigin } from './config/plan/scenario-diagnostics.js';
import { ConfigError, type Diagnostic, formatDiagnostic, hasErrors } from './config/resources/diagnostics.js';
import { type ConfigSource, type LoadedConfig, loadConfig } from './config/resources/load.js';
import { formatPath } from './config/resources/positions.js';
import {
  type ScenarioSpec,
  scenarioSpecSchema,
  type trafficSourceSchema,
} from './config/resources/schema/scenario.js';
import { validateResource } from './config/resources/validate-resource.js';
import type { Report } from './observe/report.js';
import { type RunHooks, runPlan } from './simulation/run.js';

/** The Scenario `spec` as written in YAML, before defaults. */
export type ScenarioSpecInput = z.input<typeof scenarioSpecSchema>;
/** One `traffic` entry as written in YAML. */
export type TrafficSourceInput = z.input<typeof trafficSourceSchema>;

/**
 * What `simulate()` takes: the Istio YAML (which may hold a `kind: Scenario` document too) and any
 * Scenario `spec` fields in TypeScript, which replace the YAML's fields of the same name.
 */
export interface SimulationSpec {
  /** Istio YAML, one or many documents; a string, a `{ file, text }`, or a list of them. */
  config: string | ConfigSource | ConfigSource[];
  /** The scenario's name in the report (default: the Scenario document's, else `scenario`). */
  name?: string;
  /** How diagnostics name the fields given here (default `<simulate spec>`). */
  specOrigin?: string;
  seed?: ScenarioSpecInput['seed'];
  /** Simulated time, e.g. `'10m'`. */
  duration?: ScenarioSpecInput['duration'];
  proxy?: ScenarioSpecInput['proxy'];
  network?: ScenarioSpecInput['network'];
  dns?: ScenarioSpecInput['dns'];
  /** Behaviour per upstream address; `*` answers for the rest. */
  endpoints?: ScenarioSpecInput['endpoints'];
  /** One traffic source or several. */
  traffic?: TrafficSourceInput | TrafficSourceInput[];
  timeline?: ScenarioSpecInput['timeline'];
  /** How the report is kept, e.g. `{ timelineBucket: '10s' }`. */
  report?: ScenarioSpecInput['report'];
  /** Bounds on the run's figures, judged by `checkExpectations` (and `meshsim run`/`test`). */
  expect?: ScenarioSpecInput['expect'];
  /** Seeds the expectations are judged over. */
  replications?: ScenarioSpecInput['replications'];
  /** The level of the intervals replicated expectations are judged by, e.g. `'99%'`. */
  confidence?: ScenarioSpecInput['confidence'];
}

/** Where fields given to `simulate()` in TypeScript are reported. */
const SPEC_FILE = '<simulate spec>';
const OVERRIDABLE = [
  'seed',
  'duration',
  'proxy',
  'network',
  'dns',
  'endpoints',
  'traffic',
  'timeline',
  'report',
  'expect',
  'replications',
  'confidence',
] as const;

function overridesOf(spec: SimulationSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of OVERRIDABLE) {
    const value = spec[key];
    if (value === undefined) continue;
    out[key] = key === 'traffic' && !Array.isArray(value) ? [value] : value;
  }
  return out;
}

/** The Scenario a run plays: YAML and TypeScript fields merged, and where each field was written. */
export interface ResolvedScenario {
  name: string;
  spec: ScenarioSpec;
  origin: ScenarioOrigin;
}

/** Merges TypeScript fields over the YAML Scenario, validating them with the same schema. */
function resolveScenario(
  loaded: LoadedConfig,
  spec: SimulationSpec,
  diagnostics: Diagnostic[],
): ResolvedScenario | null {
  const overrides = overridesOf(spec);
  const keys = Object.keys(overrides) as Array<keyof ScenarioSpec>;
  const fromYaml = loaded.scenario;
  if (fromYaml === undefined && keys.length === 0) return null;
  const outcome = validateResource(scenarioSpecSchema, overrides, 'error');
  for (const p of outcome.problems) {
    diagnostics.push({
      severity: p.severity,
      file: spec.specOrigin ?? SPEC_FILE,
      line: 0,
      column: 0,
      path: formatPath(['spec', ...p.path]),
      message: p.message,
    });
  }
  const parsed = outcome.value;
  if (parsed === undefined) return null;
  const base = fromYaml?.resource.spec ?? parsed;
  const merged = { ...base } as Record<keyof ScenarioSpec, unknown>;
  for (const key of keys) merged[key] = parsed[key];
  const specFile = spec.specOrigin ?? SPEC_FILE;
  const origin: ScenarioOrigin = {
    // A field given in TypeScript is reported against the call, not the YAML it replaced.
    locate: (path) =>
      fromYaml !== undefined && !keys.includes(path[1] as keyof ScenarioSpec)
        ? { file: fromYaml.file, ...fromYaml.positionOf(path) }
        : { file: specFile, line: 0, column: 0 },
  };
  const name = spec.name ?? fromYaml?.resource.metadata.name ?? 'scenario';
  return { name, spec: merged as ScenarioSpec, origin };
}

/**
 * Loads, validates and translates a spec without running it. `requireScenario: false` (validate)
 * accepts Istio resources alone.
 */
export function planSimulation(
  spec: SimulationSpec,
  options: { requireScenario?: boolean } = {},
): { plan: RunPlan | null; diagnostics: Diagnostic[]; loaded: LoadedConfig; scenario?: ResolvedScenario } {
  const loaded = loadConfig(spec.config);
  const diagnostics = [...loaded.diagnostics];
  const scenario = resolveScenario(loaded, spec, diagnostics);
  if (scenario === null) {
    if (options.requireScenario !== false && !hasErrors(diagnostics)) {
      diagnostics.push({
        severity: 'error',
        file: spec.specOrigin ?? SPEC_FILE,
        line: 0,
        column: 0,
        path: '',
        message:
          'no Scenario: add a `kind: Scenario` document (apiVersion meshsim.dev/v1alpha1) or pass traffic',
      });
    }
    return { plan: null, diagnostics, loaded };
  }
  if (hasErrors(diagnostics)) return { plan: null, diagnostics, loaded, scenario };
  const built = buildRunPlan(loaded, scenario);
  diagnostics.push(...built.diagnostics);
  // The report carries every warning, the loader's (unknown fields…) as well as the translation's.
  if (built.plan !== null)
    built.plan.warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  return { plan: built.plan, diagnostics, loaded, scenario };
}

/**
 * Plays the scenario through the sidecar's mechanics and returns the report. Same spec and seed,
 * same report, byte for byte. Throws `ConfigError` (with every diagnostic) on invalid input.
 */
export function simulate(spec: SimulationSpec, hooks: RunHooks = {}): Report {
  const { plan, diagnostics } = planSimulation(spec);
  if (plan === null) throw new ConfigError(diagnostics);
  return runPlan(plan, hooks);
}
