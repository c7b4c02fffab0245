/** Istio sets every threshold to 2^32 − 1 unless the DestinationRule says otherwise (B.1). */
export const ISTIO_UNLIMITED = 4294967295;

/** cluster.circuit_breakers.thresholds[default], as Istio fills them. */
export interface CircuitBreakerThresholds {
  /** tcp.maxConnections */
  maxConnections: number;
  /** http.http1MaxPendingRequests */
  maxPendingRequests: number;
  /** http.http2MaxRequests (applies to HTTP/1.1 too) */
  maxRequests: number;
  /** http.maxRetries */
  maxRetries: number;
  /**
   * trafficPolicy.retryBudget: when set Envoy ignores maxRetries and allows
   * max(minRetryConcurrency, budgetPercent % of active + pending requests) concurrent retries.
   */
  retryBudget?: { budgetPercent: number; minRetryConcurrency: number };
}

/**
 * The cluster's resource manager: counters shared by every worker's pools, checked with Envoy's
 * `canCreate()` rule (current < max).
 */
export class ResourceManager {
  connections = 0;
  pendingRequests = 0;
  requests = 0;
  retries = 0;

  constructor(readonly thresholds: CircuitBreakerThresholds) {}

  canCreateConnection(): boolean {
    return this.connections < this.thresholds.maxConnections;
  }
  canCreatePendingRequest(): boolean {
    return this.pendingRequests < this.thresholds.maxPendingRequests;
  }
  canCreateRequest(): boolean {
    return this.requests < this.thresholds.maxRequests;
  }
  canCreateRetry(): boolean {
    const budget = this.thresholds.retryBudget;
    if (budget === undefined) return this.retries < this.thresholds.maxRetries;
    const outstanding = this.requests + this.pendingRequests;
    const allowed = Math.max(budget.minRetryConcurrency, (budget.budgetPercent / 100) * outstanding);
    return this.retries < allowed;
  }
}
