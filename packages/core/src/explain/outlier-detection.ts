import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { DestinationRule, OutlierDetection } from '../config/resources/schema/destination-rule.js';
import { compareVersions } from '../config/translate/istio-version.js';

import type { OutlierDetectionConfig } from '../envoy/outlier-detection.js';
import { byDefault, type Explained, setAt, valueAt } from './values.js';

/** What the consecutive-5xx counter sees, said where a reader looks for it. */
const COUNTS_5XX =
  '5xx responses, connect failures (503) and timeouts (504); any other status, 429 too, resets it';

/** cluster.outlier_detection, every field explained. */
export type OutlierExplanation = {
  [K in keyof OutlierDetectionConfig]: Explained<OutlierDetectionConfig[K]>;
};

/** The DestinationRule's outlierDetection block as written, and a value set at one of its fields. */
interface Written {
  od: OutlierDetection;
  at: <T>(field: keyof OutlierDetection, value: T, note?: string) => Explained<T>;
}

/** A field istiod leaves unset, so Envoy's own default applies. */
const envoy = <T>(value: T, note?: string) => byDefault(value, 'Envoy default', note);

/**
 * Where each outlier-detection value came from (Istio's applyOutlierDetection): what istiod leaves unset
 * is Envoy's default; enforcing_success_rate 0 is Istio's own.
 */
export function explainOutlier(
  c: OutlierDetectionConfig,
  dr: Located<DestinationRule>,
  base: FieldPath,
  istioVersion: string,
): OutlierExplanation {
  const od = (valueAt(dr.resource, base) ?? {}) as OutlierDetection;
  const written: Written = { od, at: (field, value, note) => setAt(dr, [...base, field], value, note) };
  return {
    ...consecutiveErrors(c, written),
    ...localOriginErrors(c, written),
    ...ejectionTimes(c, written),
    ...neverEnforced(c, od.splitExternalLocalOriginErrors === true),
    capRule: envoy(
      c.capRule,
      compareVersions(istioVersion, '1.19') >= 0
        ? `Istio ${istioVersion} ships Envoy ≥ 1.27: eject while 100·(ejected+1)/hosts ≤ maxEjectionPercent`
        : `Istio ${istioVersion} ships Envoy < 1.27: eject while 100·ejected/hosts < maxEjectionPercent`,
    ),
  };
}

/** consecutive_5xx and consecutive_gateway_failure, each with its enforcing percentage. */
function consecutiveErrors(c: OutlierDetectionConfig, { od, at }: Written) {
  return {
    consecutive5xx:
      od.consecutive5xxErrors !== undefined
        ? at('consecutive5xxErrors', c.consecutive5xx, COUNTS_5XX)
        : envoy(c.consecutive5xx, COUNTS_5XX),
    enforcingConsecutive5xx:
      od.consecutive5xxErrors !== undefined
        ? at(
            'consecutive5xxErrors',
            c.enforcingConsecutive5xx,
            'Istio: 100 when consecutive5xxErrors > 0, else 0',
          )
        : envoy(c.enforcingConsecutive5xx),
    consecutiveGatewayFailure:
      od.consecutiveGatewayErrors !== undefined
        ? at('consecutiveGatewayErrors', c.consecutiveGatewayFailure)
        : envoy(c.consecutiveGatewayFailure),
    enforcingConsecutiveGatewayFailure:
      od.consecutiveGatewayErrors !== undefined
        ? at(
            'consecutiveGatewayErrors',
            c.enforcingConsecutiveGatewayFailure,
            'Istio: 100 when consecutiveGatewayErrors > 0, else 0',
          )
        : envoy(c.enforcingConsecutiveGatewayFailure, 'gateway failures are counted, never ejected'),
  };
}

/** Local-origin failures (connect failures, timeouts): counted apart only with splitExternalLocalOriginErrors. */
function localOriginErrors(c: OutlierDetectionConfig, { od, at }: Written) {
  const split = od.splitExternalLocalOriginErrors === true;
  const localOrigin = split && (od.consecutiveLocalOriginFailures ?? 0) > 0;
  const localOriginNote = !split
    ? od.consecutiveLocalOriginFailures !== undefined
      ? 'consecutiveLocalOriginFailures is ignored without splitExternalLocalOriginErrors'
      : 'counted only with splitExternalLocalOriginErrors'
    : undefined;
  return {
    splitExternalLocalOriginErrors:
      od.splitExternalLocalOriginErrors !== undefined
        ? at('splitExternalLocalOriginErrors', c.splitExternalLocalOriginErrors)
        : envoy(c.splitExternalLocalOriginErrors, 'connect failures and timeouts count as 503/504'),
    consecutiveLocalOriginFailure: localOrigin
      ? at('consecutiveLocalOriginFailures', c.consecutiveLocalOriginFailure)
      : envoy(c.consecutiveLocalOriginFailure, localOriginNote),
    enforcingConsecutiveLocalOriginFailure: localOrigin
      ? at('consecutiveLocalOriginFailures', c.enforcingConsecutiveLocalOriginFailure, 'Istio: 100')
      : envoy(c.enforcingConsecutiveLocalOriginFailure, localOriginNote),
  };
}

/** The sweep interval, how long an ejection lasts, and how many hosts may be out at once. */
function ejectionTimes(c: OutlierDetectionConfig, { od, at }: Written) {
  return {
    intervalMs: od.interval !== undefined ? at('interval', c.intervalMs) : envoy(c.intervalMs),
    baseEjectionTimeMs:
      od.baseEjectionTime !== undefined
        ? at('baseEjectionTime', c.baseEjectionTimeMs)
        : envoy(c.baseEjectionTimeMs),
    maxEjectionTimeMs: envoy(
      c.maxEjectionTimeMs,
      c.maxEjectionTimeMs > 300_000
        ? 'raised to baseEjectionTime (Envoy: max(300s, base))'
        : c.maxEjectionTimeMs === c.baseEjectionTimeMs
          ? 'Istio does not expose it; equal to baseEjectionTime, so repeated ejections do not grow longer'
          : 'Istio does not expose it',
    ),
    maxEjectionPercent:
      (od.maxEjectionPercent ?? 0) > 0
        ? at('maxEjectionPercent', c.maxEjectionPercent)
        : od.maxEjectionPercent === 0
          ? envoy(c.maxEjectionPercent, 'maxEjectionPercent 0 counts as unset')
          : envoy(c.maxEjectionPercent),
  };
}

/** Success-rate and failure-percentage detection: Istio exposes neither, and neither ever ejects. */
function neverEnforced(c: OutlierDetectionConfig, split: boolean) {
  return {
    successRateMinimumHosts: envoy(c.successRateMinimumHosts),
    successRateRequestVolume: envoy(c.successRateRequestVolume),
    successRateStdevFactor: envoy(c.successRateStdevFactor, 'thousandths: 1.9 standard deviations'),
    enforcingSuccessRate: byDefault(
      c.enforcingSuccessRate,
      'Istio default',
      'Istio never enforces success rate',
    ),
    enforcingLocalOriginSuccessRate: split
      ? byDefault(c.enforcingLocalOriginSuccessRate, 'Istio default', 'Istio never enforces success rate')
      : envoy(c.enforcingLocalOriginSuccessRate, 'used only with splitExternalLocalOriginErrors'),
    failurePercentageThreshold: envoy(c.failurePercentageThreshold),
    failurePercentageMinimumHosts: envoy(c.failurePercentageMinimumHosts),
    failurePercentageRequestVolume: envoy(c.failurePercentageRequestVolume),
    enforcingFailurePercentage: envoy(c.enforcingFailurePercentage, 'failure percentage never ejects'),
    enforcingFailurePercentageLocalOrigin: envoy(c.enforcingFailurePercentageLocalOrigin),
  };
}
