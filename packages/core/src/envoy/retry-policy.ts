/** Envoy's route retry policy (RetryPolicy) and its retry_on tokens. */

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

/** Parses a retry_on string (Envoy ignores unknown tokens; numeric tokens are retriable status codes, as Istio writes them). */
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
