import type { RouteModel } from '../../envoy/route.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import type { LoadedConfig } from '../resources/load.js';
import type { ScenarioSpec } from '../resources/schema/scenario.js';
import type { ScopedConfig } from '../translate/caller-scope.js';
import type { MeshSettings } from '../translate/mesh-settings.js';
import type { TranslatedCluster } from '../translate/translated-cluster.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

/**
 * What the traffic planners share: the inputs, the clusters and routes the traffic reaches (grown in the
 * order it first reaches them; traffic plans hold indexes into both), and the diagnostics in their order.
 */
export interface PlanContext {
  /** The resources in the caller's scope (the mesh's default exportTo and its Sidecar applied). */
  readonly loaded: LoadedConfig;
  readonly scope: ScopedConfig;
  readonly mesh: MeshSettings;
  readonly spec: ScenarioSpec;
  readonly clusters: TranslatedCluster[];
  readonly routes: RouteModel[];
  readonly diagnostics: Diagnostic[];
  /** Reports at a Scenario field. */
  readonly at: ScenarioReporter;
}
