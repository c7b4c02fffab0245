// Which outcome each retry_on token matches (RetryStateImpl::wouldRetryFromHeaders / wouldRetryFromReset).
import { RetryOn, type RetryPolicyModel } from '../envoy/retry-policy.js';
import type { ClusterStats } from '../observe/cluster-stats.js';
import type { ResourceManager } from '../upstream/circuit-breakers.js';

/** The retry_on token of each gRPC status Envoy can retry on, by code (RETRY_ON_GRPC_*). */
const GRPC_TOKENS: Readonly<Record<number, number>> = {
  1: RetryOn.cancelled,
  4: RetryOn['deadline-exceeded'],
  8: RetryOn['resource-exhausted'],
  13: RetryOn.internal,
  14: RetryOn.unavailable,
};

/**
 * wouldRetryFromHeaders; `grpcStatus` is the grpc-status in the headers (-1: none there; one in trailers
 * comes too late to be seen). An answer with x-envoy-ratelimited is retried under envoy-ratelimited only.
 */
export function retriesResponse(
  policy: RetryPolicyModel,
  status: number,
  grpcStatus = -1,
  envoyRateLimited = false,
): boolean {
  const on = policy.retryOn;
  if (envoyRateLimited) return (on & RetryOn['envoy-ratelimited']) !== 0;
  if (grpcStatus >= 0 && on & (GRPC_TOKENS[grpcStatus] ?? 0)) return true;
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
  /** The HTTP/2 server refused the stream (RST_STREAM REFUSED_STREAM): RemoteRefusedStreamReset. */
  RefusedStream: 4,
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
  return (on & RetryOn['refused-stream']) !== 0 && kind === ResetKind.RefusedStream;
}

/** What a retry decision came to (RetryStateImpl::shouldRetry). */
export const Decision = { NoRetry: 0, Retry: 1, LimitExceeded: 2, Overflow: 3 } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** A request's retry state: retries left, and whether it holds one of the cluster's retry resources. */
export interface RetryState {
  retriesRemaining: number;
  holdsRetry: boolean;
}

/**
 * RetryStateImpl::shouldRetry after the condition matched: the count, then the retry breaker (or budget).
 * A retry holds a retry resource until the next decision or the request's end.
 */
export function decideRetry(state: RetryState, resources: ResourceManager, stats: ClusterStats): Decision {
  releaseRetry(state, resources);
  if (state.retriesRemaining === 0) {
    stats.upstream_rq_retry_limit_exceeded++;
    return Decision.LimitExceeded;
  }
  state.retriesRemaining--;
  if (!resources.canCreateRetry()) {
    stats.upstream_rq_retry_overflow++;
    return Decision.Overflow;
  }
  resources.incRetries();
  state.holdsRetry = true;
  stats.upstream_rq_retry++;
  stats.upstream_rq_retry_backoff_exponential++;
  return Decision.Retry;
}

/**
 * The outcome is not retriable under the policy (shouldRetry with NoRetry): if a retry was armed, the
 * retry "succeeded" in Envoy's sense, whatever the status (a 500 the policy does not retry counts).
 */
export function settleWithoutRetry(state: RetryState, resources: ResourceManager, stats: ClusterStats): void {
  if (state.holdsRetry) stats.upstream_rq_retry_success++;
  releaseRetry(state, resources);
}

export function releaseRetry(state: RetryState, resources: ResourceManager): void {
  if (!state.holdsRetry) return;
  resources.decRetries();
  state.holdsRetry = false;
}
