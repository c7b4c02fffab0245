export { defineScenario, RESOURCES_FILE, type ScenarioDefinition } from './define-scenario.js';
export { dns } from './dns.js';
export {
  type CommonOptions,
  type Endpoint,
  type ErrorInput,
  endpoint,
  type FlapInput,
  type LatencyInput,
} from './endpoint.js';
export {
  type DestinationRuleResource,
  type IstioApiVersion,
  type IstioResource,
  istio,
  type ResourceOptions,
  type ServiceEntryResource,
  type VirtualServiceResource,
} from './istio.js';
export {
  type ScenarioDocument,
  type ScenarioOptions,
  type ScenarioSpecData,
  scenario,
  toSimulationSpec,
} from './scenario.js';
export { type At, at, type EndpointChange, type TimelineEntry, type TimelineEntryData } from './timeline.js';
export { type OpenLoopOptions, type RequestOptions, type RouteInput, traffic } from './traffic.js';
export { fromYaml, toYaml } from './yaml.js';
