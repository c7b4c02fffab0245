import type { ClusterModel } from '../../envoy/cluster.js';
import { ENVOY_OUTLIER_DEFAULTS, type OutlierDetectionConfig } from '../../envoy/outlier-detection.js';
import type { FieldPath } from '../resources/positions.js';
import type { OutlierDetection } from '../resources/schema/destination-rule.js';
import { compareVersions } from './istio-version.js';
import type { ReportAt } from './report-at.js';

/** Envoy's default healthy_panic_threshold, kept when the DestinationRule has no outlierDetection. */
export const ENVOY_PANIC_THRESHOLD_PCT = 50;

/**
 * Istio's applyOutlierDetection: a set consecutive5xxErrors/consecutiveGatewayErrors enforces at 100 %
 * (0 switches it off), unset keeps Envoy's defaults (5xx: 5 enforced; gateway: 5 counted, never
 * enforced); success rate is never enforced; maxEjectionPercent applies only when > 0. Istio 1.19
 * ships Envoy 1.27, which changed the ejection cap.
 */
export function translateOutlierDetection(
  od: OutlierDetection,
  istioVersion: string,
): OutlierDetectionConfig {
  const c: OutlierDetectionConfig = { ...ENVOY_OUTLIER_DEFAULTS, enforcingSuccessRate: 0 };
  if (od.consecutive5xxErrors !== undefined) {
    c.consecutive5xx = od.consecutive5xxErrors;
    c.enforcingConsecutive5xx = od.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    c.consecutiveGatewayFailure = od.consecutiveGatewayErrors;
    c.enforcingConsecutiveGatewayFailure = od.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (od.interval !== undefined) c.intervalMs = od.interval.ms;
  if (od.baseEjectionTime !== undefined) c.baseEjectionTimeMs = od.baseEjectionTime.ms;
  c.maxEjectionTimeMs = Math.max(ENVOY_OUTLIER_DEFAULTS.maxEjectionTimeMs, c.baseEjectionTimeMs);
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0)
    c.maxEjectionPercent = od.maxEjectionPercent;
  if (od.splitExternalLocalOriginErrors === true) {
    c.splitExternalLocalOriginErrors = true;
    const n = od.consecutiveLocalOriginFailures ?? 0;
    if (n > 0) {
      c.consecutiveLocalOriginFailure = n;
      c.enforcingConsecutiveLocalOriginFailure = 100;
    }
    c.enforcingLocalOriginSuccessRate = 0;
  }
  c.capRule = compareVersions(istioVersion, '1.19') < 0 ? 'pre-1.27' : 'current';
  return c;
}

/**
 * What a cluster's outlierDetection part sets: the detector, and the panic threshold, which with
 * outlierDetection Istio sets to minHealthPercent (default 0, which disables panic). Warns about the
 * fields meshsim does not model.
 */
export function clusterOutlierDetection(
  od: OutlierDetection | undefined,
  istioVersion: string,
  path: FieldPath,
  drAt: ReportAt,
): Pick<ClusterModel, 'outlierDetection' | 'healthyPanicThresholdPct' | 'outlierErrorCodes'> {
  if (od?.consecutiveErrors !== undefined) {
    drAt([...path, 'consecutiveErrors'], 'warning', 'deprecated; current Istio ignores it');
  }
  const model: Pick<ClusterModel, 'outlierDetection' | 'healthyPanicThresholdPct' | 'outlierErrorCodes'> = {
    outlierDetection: od === undefined ? null : translateOutlierDetection(od, istioVersion),
    healthyPanicThresholdPct: od === undefined ? ENVOY_PANIC_THRESHOLD_PCT : (od.minHealthPercent ?? 0),
  };
  const codes = outlierErrorCodes(od, istioVersion, path, drAt);
  if (codes !== null) model.outlierErrorCodes = codes;
  return model;
}

/** Istio 1.31 added outlierDetectionHttpErrorCodes. */
export const OUTLIER_ERROR_CODES_SINCE = '1.31';

/**
 * Istio's applyOutlierDetectionErrorCodes: a non-empty list becomes the cluster's outlier-detection error
 * matcher (`:status` exactly one of the codes); an empty list sets nothing. Older Istio has no such field.
 */
function outlierErrorCodes(
  od: OutlierDetection | undefined,
  istioVersion: string,
  path: FieldPath,
  drAt: ReportAt,
): number[] | null {
  const codes = od?.outlierDetectionHttpErrorCodes;
  if (codes === undefined || codes.length === 0) return null;
  if (compareVersions(istioVersion, OUTLIER_ERROR_CODES_SINCE) < 0) {
    drAt(
      [...path, 'outlierDetectionHttpErrorCodes'],
      'warning',
      `Istio ${OUTLIER_ERROR_CODES_SINCE} added this field; Istio ${istioVersion} does not know it, so 5xx stay the errors (set spec.proxy.istioVersion)`,
    );
    return null;
  }
  return [...new Set(codes)].sort((a, b) => a - b);
}
