export { ConfigError, type Diagnostic, formatDiagnostic, hasErrors, type Severity } from './diagnostics.js';
export { formatDurationMs, parseDurationMs } from './durations.js';
export {
  type ExplainOptions,
  type Explanation,
  explainConfig,
  type NotExplained,
  type VirtualHostExplanation,
} from './explain.js';
export type { ClusterExplanation, EndpointExplanation, ResourceRef } from './explain-cluster.js';
export { formatExplanationTable } from './explain-format.js';
export type { LoadBalancerExplanation, LocalityExplanation } from './explain-load-balancer.js';
export type { OutlierExplanation, TlsExplanation } from './explain-policy.js';
export type { FaultExplanation, RetryExplanation, RouteExplanation } from './explain-routes.js';
export type { DefaultKind, Explained, SourceLocation } from './explain-values.js';
export { ISTIO_GROUP, ISTIO_KINDS, ISTIO_VERSIONS, type IstioKind, type SimulatedKind } from './kinds.js';
export { type ConfigSource, type LoadedConfig, type LoadOptions, type Located, loadConfig } from './load.js';
export { type FieldPath, formatPath, type Position } from './positions.js';
export {
  CRD_RULE,
  type Duration,
  type ObjectMeta,
  objectMetaSchema,
  type Percent,
  type PortSelector,
  percentSchema,
  portSelectorSchema,
} from './schema/common.js';
export * from './schema/connection-pool.js';
export * from './schema/destination-rule.js';
export * from './schema/http-route.js';
export * from './schema/load-balancer.js';
export { PARSE_OPTIONS } from './schema/messages.js';
export * from './schema/scenario.js';
export * from './schema/scenario-endpoint.js';
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
} from './schema/scenario-traffic-shape.js';
export * from './schema/service-entry.js';
export * from './schema/virtual-service.js';
