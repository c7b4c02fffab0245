import type { RetryPolicyModel } from '../envoy/retry-policy.js';
import type { Rng } from '../kernel/random-streams.js';
import type { ClientRequest } from './request.js';

/**
 * JitteredExponentialBackOffStrategy::nextBackOffMs, per request: a uniform whole number of ms in
 * [0, interval), then the interval doubles while it is ≤ max/2 and is max after that
 * (25 ms base: [0,25), [0,50), [0,100), [0,200), [0,250), [0,250) …).
 */
export function nextBackoffMs(req: ClientRequest, policy: RetryPolicyModel, rng: Rng): number {
  const interval = req.backoffIntervalMs;
  req.backoffIntervalMs = interval > policy.backoffMaxMs / 2 ? policy.backoffMaxMs : 2 * interval;
  return Math.min(Math.floor(rng() * interval), policy.backoffMaxMs);
}
