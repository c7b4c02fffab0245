export { ConfigError, type Diagnostic, formatDiagnostic, hasErrors, type Severity } from './diagnostics.js';
export { formatDurationMs, parseDurationMs } from './durations.js';
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
