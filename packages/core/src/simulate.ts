import type { z } from 'zod';
import { buildRunPlan } from './config/plan/build-run-plan.js';
import { envoyConfigOf } from './config/plan/envoy-config-input.js';
import { checkRunHooks } from './config/plan/plan-arguments.js';
import type { RunPlan } from './config/plan/run-plan.js';
import type { ScenarioOrigin } from './config/plan/scenario-diagnostics.js';
import {
  argumentError,
  checkAcyclic,
  checkOptions,
  configSourcesOf,
  isPlainObject,
} from './config/resources/argument-checks.js';
import {
  ConfigError,
  type Diagnostic,
  formatDiagnostic,
  hasErrors,
  strictly,
} from './config/resources/diagnostics.js';
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
  /**
   * Istio YAML, one or many documents: a string, a `{ file, text }`, or a list of them. Bytes (a Buffer
   * from readFileSync without an encoding) are read as UTF-8.
   */
  config: string | Uint8Array | ConfigSource | ConfigSource[];
  /** The scenario's name in the report (default: the Scenario document's, else `scenario`). */
  name?: string;
  /** How diagnostics name the fields given here (default `<simulate spec>`). */
  specOrigin?: string;
  /**
   * Warnings are errors: an unknown field, an endpoint that matches no host, anything Istio or meshsim
   * would only warn about fails the call with a ConfigError, so a typo cannot let a test pass for the
   * wrong reason. Default false.
   */
  strict?: boolean;
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
  /** Bounds on the run, e.g. `{ maxRequestsInFlight: 100000, maxEvents: 1e7 }`: past one, the report is partial. */
  limits?: ScenarioSpecInput['limits'];
  /** Bounds on the run's figures, judged by `checkExpectations` (and `meshsim run`/`test`). */
  expect?: ScenarioSpecInput['expect'];
  /** Seeds the expectations are judged over. */
  replications?: ScenarioSpecInput['replications'];
  /** The level of the intervals replicated expectations are judged by, e.g. `'99%'`. */
  confidence?: ScenarioSpecInput['confidence'];
}

/** Where fields given to `simulate()` in TypeScript are reported. */
const SPEC_FILE = '<simulate spec>';

/** Keys of a SimulationSpec that are not Scenario fields. */
const OWN_KEYS = new Set<string>(['config', 'name', 'specOrigin', 'strict']);

/**
 * The Scenario fields given in code. A key that is no field of the spec at all (`seeed`) goes to the
 * schema too, which refuses it as it refuses the same typo in YAML.
 */
function overridesOf(spec: SimulationSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (OWN_KEYS.has(key) || value === undefined) continue;
    out[key] = key === 'traffic' && value !== null && !Array.isArray(value) ? [value] : value;
  }
  return out;
}

const SPEC_EXPECTED = 'an object such as { config: yamlText, traffic: { host, rps }, duration: "1m" }';

/** A spec as simulate and planSimulation take it: an object with a config; ArgumentError otherwise. */
export function checkSimulationSpec(where: string, spec: unknown): asserts spec is SimulationSpec {
  if (!isPlainObject(spec)) argumentError(`${where}(spec)`, SPEC_EXPECTED, spec);
  if (spec.config === undefined)
    argumentError(
      `${where}(spec).config`,
      'the Istio YAML: a string, a { file, text } source or a list of them',
      undefined,
    );
  configSourcesOf(`${where}(spec).config`, spec.config);
  for (const key of ['name', 'specOrigin'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string')
      argumentError(`${where}(spec).${key}`, 'a string', spec[key]);
  }
  if (spec.strict !== undefined && typeof spec.strict !== 'boolean')
    argumentError(`${where}(spec).strict`, 'true or false', spec.strict);
  const { config: _config, ...fields } = spec;
  checkAcyclic(`${where}(spec)`, fields);
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
 * The config has no Scenario and the spec gives none of its fields: said of the files, with the way
 * out the caller has (a document in the YAML; from code, the spec's fields too).
 */
function noScenario(spec: SimulationSpec): Diagnostic {
  const files = configSourcesOf('spec.config', spec.config).map((s) => s.file);
  const document = 'a `kind: Scenario` document (apiVersion meshsim.dev/v1alpha1)';
  const message =
    spec.specOrigin === undefined
      ? `no Scenario: add ${document} to the config, or give its fields (traffic, endpoints, duration …) in the spec`
      : `no Scenario: add ${document} to the YAML`;
  return { severity: 'error', file: files.join(', '), line: 0, column: 0, path: '', message };
}

/**
 * Loads, validates and translates a spec without running it. `requireScenario: false` (validate)
 * accepts Istio resources alone.
 */
export function planSimulation(
  spec: SimulationSpec,
  options: { requireScenario?: boolean } = {},
): { plan: RunPlan | null; diagnostics: Diagnostic[]; loaded: LoadedConfig; scenario?: ResolvedScenario } {
  checkSimulationSpec('planSimulation', spec);
  checkOptions('planSimulation(spec, options)', options);
  const loaded = loadConfig(spec.config, { strict: spec.strict === true });
  const diagnostics = [...loaded.diagnostics];
  const scenario = resolveScenario(loaded, spec, diagnostics);
  if (scenario === null) {
    // Without a Scenario nothing runs, but an Envoy config is still read and checked (validate).
    if (loaded.envoyConfigs.length > 0) envoyConfigOf(loaded, diagnostics, true);
    if (options.requireScenario !== false && !hasErrors(diagnostics)) diagnostics.push(noScenario(spec));
    return { plan: null, diagnostics, loaded };
  }
  if (hasErrors(diagnostics)) return { plan: null, diagnostics, loaded, scenario };
  const built = buildRunPlan(loaded, scenario);
  diagnostics.push(...built.diagnostics);
  if (spec.strict === true) {
    const strict = strictly(diagnostics);
    if (hasErrors(strict)) return { plan: null, diagnostics: strict, loaded, scenario };
  }
  // The report carries every warning, the loader's (unknown fields…) as well as the translation's.
  if (built.plan !== null)
    built.plan.warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  return { plan: built.plan, diagnostics, loaded, scenario };
}

/**
 * Plays the scenario through the sidecar's mechanics and returns the report. Same spec and seed,
 * same report, byte for byte. Throws `ConfigError` (with every diagnostic) on invalid input, and an
 * `ArgumentError` (a TypeError) for an argument of the wrong kind (no spec, a number for the config).
 */
export function simulate(spec: SimulationSpec, hooks: RunHooks = {}): Report {
  checkSimulationSpec('simulate', spec);
  checkRunHooks('simulate(spec, hooks)', hooks);
  const { plan, diagnostics } = planSimulation(spec);
  if (plan === null) throw new ConfigError(diagnostics);
  return runPlan(plan, hooks);
}
