export { type Analysis, type AnalyzeOptions, analyzeConfig } from './analyze/analyze.js';
export { CODES as ANALYZE_CODES, type FindingCode } from './analyze/codes.js';
export type { Finding, FindingLevel, ProbeEvidence } from './analyze/finding.js';
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
export type { DumpCluster, EnvoyDump } from './config/envoy-dump/dump-model.js';
export { isDumpCluster } from './config/envoy-dump/dump-model.js';
export { readEnvoyConfig } from './config/envoy-dump/read-dump.js';
export type { PlannedCluster, PlannedModel, RunPlan } from './config/plan/run-plan.js';
export { MAX_TIMELINE_POINTS } from './config/plan/timeline-bucket.js';
export { ArgumentError } from './config/resources/argument-checks.js';
export {
  ConfigError,
  type Diagnostic,
  formatDiagnostic,
  hasErrors,
  type Severity,
} from './config/resources/diagnostics.js';
export { formatDurationMs, parseDurationMs } from './config/resources/durations.js';
export {
  type JsonSchema,
  kindJsonSchemas,
  meshsimJsonSchema,
  meshsimPatchJsonSchema,
  scenarioJsonSchema,
} from './config/resources/json-schema.js';
export {
  ISTIO_GROUP,
  ISTIO_KINDS,
  ISTIO_VERSIONS,
  type IstioKind,
  type SimulatedKind,
} from './config/resources/kinds.js';
export {
  type ConfigSource,
  type LoadedConfig,
  type LoadOptions,
  type Located,
  loadConfig,
} from './config/resources/load.js';
export { type FieldPath, formatPath, type Position } from './config/resources/positions.js';
export {
  CRD_RULE,
  type Duration,
  type ObjectMeta,
  objectMetaSchema,
  type Percent,
  type PortSelector,
  percentSchema,
  portSelectorSchema,
} from './config/resources/schema/common.js';
export * from './config/resources/schema/connection-pool.js';
export * from './config/resources/schema/destination-rule.js';
export * from './config/resources/schema/http-route.js';
export * from './config/resources/schema/load-balancer.js';
export { PARSE_OPTIONS } from './config/resources/schema/messages.js';
export * from './config/resources/schema/scenario.js';
export * from './config/resources/schema/scenario-endpoint.js';
export type {
  BoundValue,
  Expectation,
  ExpectationInput,
  ExpectationKind,
  ExpectationSelectors,
  LatencyStatistic,
} from './config/resources/schema/scenario-expect.js';
export {
  ARRIVAL_PROCESSES,
  type ArrivalProcess,
  type Bursts,
  burstsSchema,
  type Diurnal,
  diurnalSchema,
  type Ramp,
  rampSchema,
  type TrafficRoute,
  trafficRouteSchema,
} from './config/resources/schema/scenario-traffic-shape.js';
export * from './config/resources/schema/service-entry.js';
export * from './config/resources/schema/virtual-service.js';
export type {
  ClusterSources,
  TranslatedCluster,
  TranslatedModel,
} from './config/translate/translated-cluster.js';
export { BREAKER_GAUGES, type BreakerGauge } from './envoy/circuit-breakers.js';
export type { ClusterModel, EndpointModel } from './envoy/cluster.js';
export type { EnvoyModel } from './envoy/model.js';
export { Flag, type FlagName, flagsText, responseFlagMeaning } from './envoy/response-flags.js';
export type { FaultModel, RouteModel } from './envoy/route.js';
export {
  type CheckedRun,
  checkExpectations,
  DEFAULT_CONFIDENCE,
  type ExpectationPlan,
  type ExpectationResult,
  type ExpectationsOutcome,
  planExpectations,
  runExpectations,
} from './expect/check-expectations.js';
export type { FigureInterval, Verdict } from './expect/judge.js';
export type { ClusterExplanation, EndpointExplanation, ResourceRef } from './explain/cluster.js';
export { writeConfigDump } from './explain/config-dump/write-dump.js';
export { type EnvoyConfigExplanation, explainEnvoyConfig } from './explain/envoy-config.js';
export {
  type ExplainOptions,
  type Explanation,
  explainConfig,
  type NotExplained,
  type VirtualHostExplanation,
} from './explain/explain.js';
export { formatEnvoyConfigTable } from './explain/format-envoy-table.js';
export { formatExplanationTable } from './explain/format-table.js';
export type { LoadBalancerExplanation, LocalityExplanation } from './explain/load-balancer.js';
export { type NotableEvent, notableEvents } from './explain/notable-events.js';
export type { OutlierExplanation } from './explain/outlier-detection.js';
export type { ReportContext } from './explain/report-context.js';
export type { RetryExplanation } from './explain/retry-policy.js';
export type { FaultExplanation, RouteExplanation } from './explain/routes.js';
export type { TlsExplanation } from './explain/tls.js';
export type { DefaultKind, Explained, SourceLocation } from './explain/values.js';
export { type WhyNote, whyNotes } from './explain/why-notes.js';
export { Kernel, RandomStreams } from './kernel/index.js';
export type { ClientReport } from './observe/client-observer.js';
export {
  type ClusterReport,
  type EjectionReport,
  type HostReport,
  hostFailures,
  hostRequests,
  outboundClusterName,
  type PartialCause,
  type PartialRun,
  type Report,
} from './observe/report.js';
export { meshsimVersion, REPORT_SCHEMA_VERSION } from './observe/report-version.js';
export type { TimelinePoint } from './observe/timeline.js';
export type { TraceEvent, TraceListener, TraceSink } from './observe/trace.js';
export { formatReportHtml } from './render/html-report.js';
export { formatReportJson, type ReportDocument, reportDocument } from './render/report-json.js';
export { formatReportTable } from './render/report-table.js';
export { formatTuneHtml } from './render/tune-html.js';
export {
  planSimulation,
  type ScenarioSpecInput,
  type SimulationSpec,
  simulate,
  type TrafficSourceInput,
} from './simulate.js';
export {
  type AdvanceLimit,
  type RunHooks,
  type RunProgress,
  runPlan,
  SimulationRun,
} from './simulation/run.js';
export type { TuneProgress } from './tune/engine.js';
export { type TuneConstraint, type TuneObjective, TuneSpecError } from './tune/objectives.js';
export type { TuneRequest, TuneSearch } from './tune/plan.js';
export type { TuneBest, TuneConfigResult, TuneReport } from './tune/report.js';
export { type TuneOptions, tune } from './tune/tune.js';
