import { ENVOY_OUTLIER_DEFAULTS, type OutlierDetectionConfig } from '../../envoy/outlier-detection.js';
import type { ClusterJson } from './schema/cluster.js';

/** The Envoy version from which the ejection cap counts the ejection being decided (1.27). */
export function capRuleFor(envoyVersion: string | null): OutlierDetectionConfig['capRule'] {
  if (envoyVersion === null) return 'current';
  const [major = 0, minor = 0] = envoyVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 27) ? 'current' : 'pre-1.27';
}

/**
 * cluster.outlier_detection with Envoy's defaults for what it leaves out (outlier_detection_impl.h);
 * max_ejection_time defaults to the larger of 300 s and base_ejection_time. Null without one.
 */
export function readOutlierDetection(
  c: ClusterJson,
  envoyVersion: string | null,
): OutlierDetectionConfig | null {
  const od = c.outlier_detection;
  if (od === undefined) return null;
  const d = ENVOY_OUTLIER_DEFAULTS;
  const baseEjectionTimeMs = od.base_ejection_time ?? d.baseEjectionTimeMs;
  return {
    consecutive5xx: od.consecutive_5xx ?? d.consecutive5xx,
    enforcingConsecutive5xx: od.enforcing_consecutive_5xx ?? d.enforcingConsecutive5xx,
    consecutiveGatewayFailure: od.consecutive_gateway_failure ?? d.consecutiveGatewayFailure,
    enforcingConsecutiveGatewayFailure:
      od.enforcing_consecutive_gateway_failure ?? d.enforcingConsecutiveGatewayFailure,
    splitExternalLocalOriginErrors: od.split_external_local_origin_errors ?? d.splitExternalLocalOriginErrors,
    consecutiveLocalOriginFailure: od.consecutive_local_origin_failure ?? d.consecutiveLocalOriginFailure,
    enforcingConsecutiveLocalOriginFailure:
      od.enforcing_consecutive_local_origin_failure ?? d.enforcingConsecutiveLocalOriginFailure,
    intervalMs: od.interval ?? d.intervalMs,
    baseEjectionTimeMs,
    maxEjectionTimeMs: od.max_ejection_time ?? Math.max(d.maxEjectionTimeMs, baseEjectionTimeMs),
    maxEjectionPercent: od.max_ejection_percent ?? d.maxEjectionPercent,
    successRateMinimumHosts: od.success_rate_minimum_hosts ?? d.successRateMinimumHosts,
    successRateRequestVolume: od.success_rate_request_volume ?? d.successRateRequestVolume,
    successRateStdevFactor: od.success_rate_stdev_factor ?? d.successRateStdevFactor,
    enforcingSuccessRate: od.enforcing_success_rate ?? d.enforcingSuccessRate,
    enforcingLocalOriginSuccessRate:
      od.enforcing_local_origin_success_rate ?? d.enforcingLocalOriginSuccessRate,
    failurePercentageThreshold: od.failure_percentage_threshold ?? d.failurePercentageThreshold,
    failurePercentageMinimumHosts: od.failure_percentage_minimum_hosts ?? d.failurePercentageMinimumHosts,
    failurePercentageRequestVolume: od.failure_percentage_request_volume ?? d.failurePercentageRequestVolume,
    enforcingFailurePercentage: od.enforcing_failure_percentage ?? d.enforcingFailurePercentage,
    enforcingFailurePercentageLocalOrigin:
      od.enforcing_failure_percentage_local_origin ?? d.enforcingFailurePercentageLocalOrigin,
    capRule: capRuleFor(envoyVersion),
  };
}
