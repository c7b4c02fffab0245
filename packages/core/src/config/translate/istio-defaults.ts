import { parseRetryOn, type RetryPolicyModel } from '../../envoy/retry-policy.js';
import { compareVersions } from './istio-version.js';

/** Istio sets every circuit-breaker threshold to 2^32 − 1 unless the DestinationRule says otherwise. */
export const ISTIO_UNLIMITED = 4294967295;

/** Istio's default policy when a route has no `retries` (Istio's retry.go); 1.24 removed 503 from the codes. */
export function istioDefaultRetryPolicy(retriableStatusCodes: readonly number[]): RetryPolicyModel {
  const text = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
  return {
    numRetries: 2,
    retryOn: parseRetryOn(text).bits,
    retryOnText: text,
    retriableStatusCodes,
    perTryTimeoutMs: 0,
    backoffBaseMs: 25,
    backoffMaxMs: 250,
    previousHosts: true,
    hostSelectionMaxAttempts: 5,
  };
}

/** Istio's default retry policy for a proxy of this version: 1.24 removed 503 from the retriable codes (Istio's retry.go). */
export function defaultRetryPolicyFor(istioVersion: string): RetryPolicyModel {
  return istioDefaultRetryPolicy(compareVersions(istioVersion, '1.24') < 0 ? [503] : []);
}
