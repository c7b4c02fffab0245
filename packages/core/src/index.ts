export {
  type CompareDifference,
  type CompareMetric,
  type CompareOptions,
  type CompareReport,
  compare,
  compareInParallel,
  INDEPENDENT_SEED_OFFSET,
  type Variants,
} from './compare/compare.js';
export {
  type Better,
  METRICS,
  type MetricDefinition,
  type MetricValues,
  metricsOf,
} from './compare/metrics.js';
export {
  type PairedInterval,
  pairedInterval,
  studentTCritical,
  studentTTwoSided,
} from './compare/paired-stats.js';
export { applyPatch, type ConfigPatch, mergePatch, type ResourcePatch } from './compare/patch.js';
export type { RunPoolOptions } from './compare/run-pool.js';
export {
  parseSweep,
  type SweepAxis,
  type SweepOptions,
  type SweepReport,
  type SweepRow,
  type SweepTarget,
  sweep,
} from './compare/sweep.js';
export type { ClusterModel, EndpointModel, EnvoyModel } from './config/envoy-model.js';
export * from './config/index.js';
export type { RunPlan } from './config/run-plan.js';
export { Kernel, RandomStreams } from './kernel/index.js';
export type { ClientReport } from './observe/client-observer.js';
export { formatReportHtml } from './observe/html-report.js';
export {
  type NotableEvent,
  notableEvents,
  type ReportContext,
  type WhyNote,
  whyNotes,
} from './observe/outcome-notes.js';
export type { ClusterReport, EjectionReport, HostReport, Report } from './observe/report.js';
export { Flag, type FlagName, flagsText, responseFlagMeaning } from './observe/response-flags.js';
export { MAX_TIMELINE_POINTS, type TimelinePoint } from './observe/timeline.js';
export type { TraceEvent, TraceListener } from './observe/trace.js';
export {
  planSimulation,
  type ScenarioSpecInput,
  type SimulationSpec,
  simulate,
  type TrafficSourceInput,
} from './simulate.js';
export { type RunHooks, type RunProgress, runPlan } from './simulate-plan.js';
