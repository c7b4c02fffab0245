import {
  type ConfigSource,
  SCENARIO_API_VERSION,
  type ScenarioSpecInput,
  type SimulationSpec,
  type TrafficSourceInput,
} from '@meshsim/core';
import { defined } from './plain.js';
import type { TimelineEntryData } from './timeline.js';

/** The Scenario `spec` as written, with the timeline typed entry by entry. */
export type ScenarioSpecData = Omit<ScenarioSpecInput, 'timeline'> & { timeline?: TimelineEntryData[] };

/** A `kind: Scenario` document as written: what `toYaml` prints and `fromYaml` returns. */
export interface ScenarioDocument {
  apiVersion: typeof SCENARIO_API_VERSION;
  kind: 'Scenario';
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: ScenarioSpecData;
}

/** The document's fields, flat; `traffic` may be one source. Every field is optional, as in the YAML. */
export type ScenarioOptions = Omit<ScenarioSpecData, 'traffic'> & {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  traffic?: TrafficSourceInput | readonly TrafficSourceInput[];
};

/** The `kind: Scenario` document of `options`, with only the fields given. */
export function scenario(options: ScenarioOptions = {}): ScenarioDocument {
  const { name, labels, annotations, traffic, timeline, ...spec } = options;
  const metadata = defined({ name, labels, annotations });
  return {
    apiVersion: SCENARIO_API_VERSION,
    kind: 'Scenario',
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    spec: defined({
      ...spec,
      traffic: traffic === undefined ? undefined : [traffic].flat(),
      timeline: timeline === undefined ? undefined : [...timeline],
    }),
  };
}

/** What `simulate()` takes for this document run against `config` (Istio YAML). */
export function toSimulationSpec(
  document: ScenarioDocument,
  config: string | ConfigSource | ConfigSource[],
): SimulationSpec {
  return defined({ config, name: document.metadata?.name, ...document.spec });
}
