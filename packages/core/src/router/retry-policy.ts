/**
 * Envoy's route retry policy as Istio builds it (retry.go ConvertPolicy / DefaultPolicy), and which
 * outcome each retry_on token matches (RetryStateImpl::wouldRetryFromHeaders / wouldRetryFromReset).
 */

/** retry_on tokens as bits, so a match is one AND on the hot path. */
export const RetryOn = {
  '5xx': 1 << 0,
  'gateway-error': 1 << 1,
  reset: 1 << 2,
  'reset-before-request': 1 << 3,
  'connect-failure': 1 << 4,
  'refused-stream': 1 << 5,
  'retriable-4xx': 1 << 6,
  'retriable-status-codes': 1 << 7,
  'retriable-headers': 1 << 8,
  'envoy-ratelimited': 1 << 9,
  cancelled: 1 << 10,
  'deadline-exceeded': 1 << 11,
  'resource-exhausted': 1 << 12,
  unavailable: 1 << 13,
  internal: 1 << 14,
  'http3-post-connect-failure': 1 << 15,
} as const;
export type RetryOnToken = keyof typeof RetryOn;

export interface RetryPolicyModel {
  /** num_retries: attempts after the first. */
  numRetries: number;
  /** The retry_on bits; `retryOnText` keeps the string as configured. */
  retryOn: number;
  retryOnText: string;
  retriableStatusCodes: readonly number[];
  /** per_try_timeout in ms; 0 = none (or ignored because ≥ the route timeout). */
  perTryTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The previous_hosts retry host predicate with host_selection_retry_max_attempts. */
  previousHosts: boolean;
  hostSelectionMaxAttempts: number;
}

/** Parses a retry_on string (Envoy ignores unknown tokens; numeric tokens are Istio's status codes). */
export function parseRetryOn(text: string): { bits: number; codes: number[]; unknown: string[] } {
  let bits = 0;
  const codes: number[] = [];
  const unknown: string[] = [];
  for (const token of text.split(',')) {
    if (token === '') continue;
    if (/^\d+$/.test(token)) {
      codes.push(Number(token));
      bits |= RetryOn['retriable-status-codes'];
    } else if (token in RetryOn) {
      bits |= RetryOn[token as RetryOnToken];
    } else {
      unknown.push(token);
    }
  }
  return { bits, codes, unknown };
}

/** Istio's default policy when a route has no `retries` (A.8); 1.24 removed 503 from the codes. */
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

/** wouldRetryFromHeaders for a plain HTTP response (no grpc-status, no x-envoy-ratelimited). */
export function retriesResponse(policy: RetryPolicyModel, status: number): boolean {
  const on = policy.retryOn;
  if (on & RetryOn['5xx'] && status >= 500 && status <= 599) return true;
  if (on & RetryOn['gateway-error'] && status >= 502 && status <= 504) return true;
  if (on & RetryOn['retriable-4xx'] && status === 409) return true;
  if (on & RetryOn['retriable-status-codes'] && policy.retriableStatusCodes.includes(status)) return true;
  return false;
}

/** Reset kinds the router can meet (Http::StreamResetReason as they matter for retry_on). */
export const ResetKind = {
  ConnectFailure: 0,
  ConnectTimeout: 1,
  /** The per-try timeout resets the stream locally. */
  LocalReset: 2,
  /** The upstream closed the connection before the response (UC). */
  ConnectionTermination: 3,
} as const;
export type ResetKind = (typeof ResetKind)[keyof typeof ResetKind];

/** wouldRetryFromReset. Overflow never reaches here: it is never retried. */
export function retriesReset(policy: RetryPolicyModel, kind: ResetKind, requestSent: boolean): boolean {
  const on = policy.retryOn;
  if (on & (RetryOn['5xx'] | RetryOn['gateway-error'] | RetryOn.reset)) return true;
  if (on & RetryOn['reset-before-request'] && !requestSent) return true;
  if (
    on & RetryOn['connect-failure'] &&
    (kind === ResetKind.ConnectFailure || kind === ResetKind.ConnectTimeout)
  ) {
    return true;
  }
  return false;
}
