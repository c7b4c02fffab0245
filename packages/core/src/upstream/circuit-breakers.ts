import { Breaker, type CircuitBreakerThresholds } from '../envoy/circuit-breakers.js';

/** Told when a gauge flips; flips are rare, so this is off the hot path. */
export interface BreakerObserver {
  onBreakerChange(breaker: Breaker, open: boolean): void;
}

/**
 * The cluster's resource manager: counters shared by every worker's pools, checked with Envoy's
 * `canCreate()` rule (current < max). Like ManagedResourceImpl, every inc and dec sets the resource's
 * open gauge to whether the count is now at or over its max. Under a retry budget the retry gauge still
 * follows max_retries, as Envoy's RetryBudgetImpl leaves it to the nested max_retries resource.
 * max_connection_pools is unset in Istio (unlimited), so cx_pool_open never opens.
 */
export class ResourceManager {
  connections = 0;
  pendingRequests = 0;
  requests = 0;
  retries = 0;
  /** One bit per `Breaker` that is open now. */
  private open = 0;
  observer: BreakerObserver | null = null;

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

  incConnections(): void {
    this.setOpen(Breaker.Connections, ++this.connections >= this.thresholds.maxConnections);
  }
  decConnections(): void {
    this.setOpen(Breaker.Connections, --this.connections >= this.thresholds.maxConnections);
  }
  incPendingRequests(): void {
    this.setOpen(Breaker.PendingRequests, ++this.pendingRequests >= this.thresholds.maxPendingRequests);
  }
  decPendingRequests(): void {
    this.setOpen(Breaker.PendingRequests, --this.pendingRequests >= this.thresholds.maxPendingRequests);
  }
  incRequests(): void {
    this.setOpen(Breaker.Requests, ++this.requests >= this.thresholds.maxRequests);
  }
  decRequests(n: number): void {
    this.requests -= n;
    this.setOpen(Breaker.Requests, this.requests >= this.thresholds.maxRequests);
  }
  incRetries(): void {
    this.setOpen(Breaker.Retries, ++this.retries >= this.thresholds.maxRetries);
  }
  decRetries(): void {
    this.setOpen(Breaker.Retries, --this.retries >= this.thresholds.maxRetries);
  }

  isOpen(breaker: Breaker): boolean {
    return (this.open & (1 << breaker)) !== 0;
  }

  private setOpen(breaker: Breaker, open: boolean): void {
    if (this.isOpen(breaker) === open) return;
    this.open ^= 1 << breaker;
    this.observer?.onBreakerChange(breaker, open);
  }
}
