/**
 * Envoy's cluster.outlier_detection with every default filled. Percentages are 0..100; times are
 * milliseconds.
 */
export interface OutlierDetectionConfig {
  consecutive5xx: number;
  enforcingConsecutive5xx: number;
  consecutiveGatewayFailure: number;
  enforcingConsecutiveGatewayFailure: number;
  splitExternalLocalOriginErrors: boolean;
  consecutiveLocalOriginFailure: number;
  enforcingConsecutiveLocalOriginFailure: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  /** Envoy: max(300 s, base) when unset. */
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
  successRateMinimumHosts: number;
  successRateRequestVolume: number;
  /** In thousandths, as Envoy takes it: 1900 = 1.9 standard deviations. */
  successRateStdevFactor: number;
  enforcingSuccessRate: number;
  enforcingLocalOriginSuccessRate: number;
  failurePercentageThreshold: number;
  failurePercentageMinimumHosts: number;
  failurePercentageRequestVolume: number;
  enforcingFailurePercentage: number;
  enforcingFailurePercentageLocalOrigin: number;
  /**
   * The ejection cap of the Envoy version: `current` (Envoy ≥ 1.27) checks 100·(active+1)/hosts ≤ max;
   * `pre-1.27` checks 100·active/hosts < max, so the first ejection always passes.
   */
  capRule: 'current' | 'pre-1.27';
}

/** Envoy's own defaults (outlier_detection_impl.h). */
export const ENVOY_OUTLIER_DEFAULTS: OutlierDetectionConfig = {
  consecutive5xx: 5,
  enforcingConsecutive5xx: 100,
  consecutiveGatewayFailure: 5,
  enforcingConsecutiveGatewayFailure: 0,
  splitExternalLocalOriginErrors: false,
  consecutiveLocalOriginFailure: 5,
  enforcingConsecutiveLocalOriginFailure: 100,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 10,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  enforcingSuccessRate: 100,
  enforcingLocalOriginSuccessRate: 100,
  failurePercentageThreshold: 85,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  enforcingFailurePercentage: 0,
  enforcingFailurePercentageLocalOrigin: 0,
  capRule: 'current',
};

/**
 * The status the router reports to outlier detection for a response (Filter::onUpstreamHeaders with the
 * cluster's error matcher): without a matcher the status itself; a matched status is a failure, reported
 * as itself when 5xx and as 500 otherwise; an unmatched one is a success, reported as 200.
 */
export function outlierReportedStatus(
  errorCodes: readonly number[] | null | undefined,
  status: number,
): number {
  if (errorCodes === null || errorCodes === undefined) return status;
  if (!errorCodes.includes(status)) return 200;
  return status >= 500 && status <= 599 ? status : 500;
}

/**
 * Envoy's ejection cap (`ejectHost`): whether one more ejection fits under maxEjectionPercent with `active`
 * hosts already ejected out of `hosts`, counted over every priority.
 */
export function ejectionFitsCap(
  config: Pick<OutlierDetectionConfig, 'maxEjectionPercent' | 'capRule'>,
  active: number,
  hosts: number,
): boolean {
  const max = Math.min(100, config.maxEjectionPercent);
  if (config.capRule === 'pre-1.27') return (100 * active) / hosts < max;
  return (100 * (active + 1)) / hosts <= max;
}

/** How many of `hosts` can be ejected at once under the cap (always_eject_one_host off). */
export function maxEjectableHosts(
  config: Pick<OutlierDetectionConfig, 'maxEjectionPercent' | 'capRule'>,
  hosts: number,
): number {
  let active = 0;
  while (active < hosts && ejectionFitsCap(config, active, hosts)) active++;
  return active;
}

/** The kinds of ejection, with Envoy's names (envoy.data.cluster.v3.OutlierEjectionType). */
export type OutlierEjectionType =
  | 'CONSECUTIVE_5XX'
  | 'CONSECUTIVE_GATEWAY_FAILURE'
  | 'CONSECUTIVE_LOCAL_ORIGIN_FAILURE'
  | 'SUCCESS_RATE'
  | 'SUCCESS_RATE_LOCAL_ORIGIN'
  | 'FAILURE_PERCENTAGE'
  | 'FAILURE_PERCENTAGE_LOCAL_ORIGIN';
