import { type DumpCluster, isDumpCluster } from '../config/envoy-dump/dump-model.js';
import type { PlannedCluster } from '../config/plan/run-plan.js';
import type { LoadedConfig } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { drField, drLocated, sePortField } from './report-context.js';
import { valueAt } from './values.js';

/** The outlier detection settings a why note can name. */
export type OutlierField =
  | 'consecutive5xx'
  | 'consecutiveGatewayFailure'
  | 'consecutiveLocalOriginFailure'
  | 'maxEjectionPercent';
/** The circuit breakers a why note can name. */
export type BreakerField = 'maxPendingRequests' | 'maxConnections' | 'maxRetries';

/**
 * Where a cluster's settings were written, for the why notes: a DestinationRule's field (Istio input) or
 * the Cluster's field in an Envoy config, and the names the notes call them by.
 */
export interface ClusterPointers {
  /** `file:line field.path`, or whose default it is. */
  outlier(field: OutlierField): string;
  breaker(field: BreakerField): string;
  /** Where the cluster is declared without outlier detection; undefined when nowhere says. */
  noOutlierDetection(): string | undefined;
  /** The tcp-proxied port or filter chain: what makes the cluster run without HTTP. */
  tcpProxy(): { text: string; at: string };
  names: { baseEjectionTime: string; interval: string; maxEjectionPercent: string; outlierDetection: string };
}

const ISTIO_OUTLIER: Record<OutlierField, string> = {
  consecutive5xx: 'consecutive5xxErrors',
  consecutiveGatewayFailure: 'consecutiveGatewayErrors',
  consecutiveLocalOriginFailure: 'consecutiveLocalOriginFailures',
  maxEjectionPercent: 'maxEjectionPercent',
};
const ENVOY_OUTLIER: Record<OutlierField, string> = {
  consecutive5xx: 'consecutive_5xx',
  consecutiveGatewayFailure: 'consecutive_gateway_failure',
  consecutiveLocalOriginFailure: 'consecutive_local_origin_failure',
  maxEjectionPercent: 'max_ejection_percent',
};
const ISTIO_BREAKER: Record<BreakerField, string[]> = {
  maxPendingRequests: ['http', 'http1MaxPendingRequests'],
  maxConnections: ['tcp', 'maxConnections'],
  maxRetries: ['http', 'maxRetries'],
};
const ENVOY_BREAKER: Record<BreakerField, string> = {
  maxPendingRequests: 'max_pending_requests',
  maxConnections: 'max_connections',
  maxRetries: 'max_retries',
};

function istioPointers(model: TranslatedCluster, loaded: LoadedConfig): ClusterPointers {
  const dr = drLocated(loaded, model.destinationRule);
  const at = (path: FieldPath) => drField(dr, path, valueAt(dr?.resource, path) !== undefined);
  return {
    outlier: (field) => at([...(model.policyPaths?.outlierDetection ?? []), ISTIO_OUTLIER[field]]),
    breaker: (field) => at([...(model.policyPaths?.connectionPool ?? []), ...ISTIO_BREAKER[field]]),
    noOutlierDetection: () =>
      dr === undefined ? undefined : `${dr.file}:${dr.line} DestinationRule ${model.destinationRule}`,
    tcpProxy: () => ({
      text: `port ${model.port} of ${model.serviceHost} is ${model.protocol}: the sidecar tcp-proxies it, so each application connection picks a host once and keeps it; no HTTP route, timeout, retry or fault runs, and only connect failures reach outlier detection`,
      at: sePortField(loaded, model),
    }),
    names: {
      baseEjectionTime: 'baseEjectionTime',
      interval: 'interval',
      maxEjectionPercent: 'maxEjectionPercent',
      outlierDetection: 'outlierDetection',
    },
  };
}

function dumpPointers(model: DumpCluster): ClusterPointers {
  const where = (path: FieldPath) => `${model.source.file}:${model.source.line} ${formatPath(path)}`;
  const field = (path: FieldPath) => {
    const rel = path.slice(model.source.path.length);
    return valueAt(model.raw, rel) === undefined ? 'Envoy default' : where(path);
  };
  const thresholds = valueAt(model.raw, ['circuit_breakers', 'thresholds']);
  const index = Array.isArray(thresholds)
    ? thresholds.findIndex(
        (t) => ((t as Record<string, unknown>).priority ?? 'DEFAULT').toString().toUpperCase() === 'DEFAULT',
      )
    : -1;
  return {
    outlier: (f) => field([...model.source.path, 'outlier_detection', ENVOY_OUTLIER[f]]),
    breaker: (f) =>
      index < 0
        ? 'Envoy default'
        : field([...model.source.path, 'circuit_breakers', 'thresholds', index, ENVOY_BREAKER[f]]),
    noOutlierDetection: () => where(model.source.path),
    tcpProxy: () => ({
      text: `${model.name} is reached through a tcp_proxy: each application connection picks a host once and keeps it; no HTTP route, timeout, retry or fault runs, and only connect failures reach outlier detection`,
      at: where(model.source.path),
    }),
    names: {
      baseEjectionTime: 'base_ejection_time',
      interval: 'interval',
      maxEjectionPercent: 'max_ejection_percent',
      outlierDetection: 'outlier_detection',
    },
  };
}

/** The pointers for a cluster of the run, whichever input it came from. */
export function pointersFor(model: PlannedCluster, loaded: LoadedConfig): ClusterPointers {
  return isDumpCluster(model) ? dumpPointers(model) : istioPointers(model, loaded);
}
