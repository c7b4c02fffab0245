import type { ConfigSource, SimulationSpec } from '@meshsim/core';
import type { IstioResource } from './istio.js';
import { toYaml } from './yaml.js';

/** Where diagnostics point for a problem in `resources`: the YAML stream they are written as. */
export const RESOURCES_FILE = '<defineScenario resources>';

/**
 * A scenario in TypeScript: the Scenario's `spec` fields, typed as `simulate()` takes them, and the
 * Istio resources it runs against.
 */
export interface ScenarioDefinition extends Omit<SimulationSpec, 'config'> {
  /** Istio resources built with `istio.*` (or written as objects of the same shape). */
  resources?: readonly IstioResource[];
  /** Istio YAML as `simulate()` takes it (text, `{ file, text }` or a list of them), read after `resources`. */
  config?: SimulationSpec['config'];
}

/**
 * What `simulate()` and `planSimulation()` take for `definition`: its resources become a YAML stream that
 * diagnostics name `<defineScenario resources>`, followed by any `config`. Checked by the type system as
 * written, and by meshsim's validation (Istio's rules, the Scenario's) when it runs.
 */
export function defineScenario(definition: ScenarioDefinition): SimulationSpec {
  const { resources = [], config, ...spec } = definition;
  const sources: ConfigSource[] = [];
  if (resources.length > 0) sources.push({ file: RESOURCES_FILE, text: toYaml(...resources) });
  if (typeof config === 'string') sources.push({ file: '<inline>', text: config });
  // A Buffer (readFileSync without an encoding) is UTF-8 text, as simulate() reads it.
  else if (config instanceof Uint8Array)
    sources.push({ file: '<inline>', text: new TextDecoder().decode(config) });
  else if (config !== undefined) sources.push(...[config].flat());
  return { ...spec, config: sources };
}
