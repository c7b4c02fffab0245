export type { ClusterModel, EndpointModel, EnvoyModel } from './config/envoy-model.js';
export * from './config/index.js';
export type { RunPlan } from './config/run-plan.js';
export { Kernel, RandomStreams } from './kernel/index.js';
export type { ClientReport } from './observe/client-observer.js';
export type { ClusterReport, EjectionReport, HostReport, Report } from './observe/report.js';
export { Flag, type FlagName, flagsText, responseFlagMeaning } from './observe/response-flags.js';
export type { TimelinePoint } from './observe/timeline.js';
export {
  planSimulation,
  type ScenarioSpecInput,
  type SimulationSpec,
  simulate,
  type TrafficSourceInput,
} from './simulate.js';
export { runPlan } from './simulate-plan.js';
