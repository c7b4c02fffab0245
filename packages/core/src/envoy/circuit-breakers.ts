/** cluster.circuit_breakers.thresholds[default]: the limits of the cluster's resource manager. */
export interface CircuitBreakerThresholds {
  /** max_connections (tcp.maxConnections) */
  maxConnections: number;
  /** max_pending_requests (http.http1MaxPendingRequests) */
  maxPendingRequests: number;
  /** max_requests (http.http2MaxRequests; applies to HTTP/1.1 too) */
  maxRequests: number;
  /** max_retries (http.maxRetries) */
  maxRetries: number;
  /**
   * retry_budget (trafficPolicy.retryBudget): when set Envoy ignores maxRetries and allows
   * max(minRetryConcurrency, budgetPercent % of active + pending requests) concurrent retries.
   */
  retryBudget?: { budgetPercent: number; minRetryConcurrency: number };
}

/** The circuit_breakers.default.*_open gauges, by the resource each watches. */
export const Breaker = {
  Connections: 0,
  ConnectionPools: 1,
  PendingRequests: 2,
  Requests: 3,
  Retries: 4,
} as const;
export type Breaker = (typeof Breaker)[keyof typeof Breaker];
/** Envoy's gauge names, indexed by `Breaker`. */
export const BREAKER_GAUGES = [
  'cx_open',
  'cx_pool_open',
  'rq_pending_open',
  'rq_open',
  'rq_retry_open',
] as const;
export type BreakerGauge = (typeof BREAKER_GAUGES)[number];
