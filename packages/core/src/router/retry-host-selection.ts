import type { RetryPolicyModel } from '../envoy/retry-policy.js';
import type { Cluster } from '../upstream/cluster.js';
import type { Host } from '../upstream/host.js';
import type { ClientRequest } from './request.js';

/**
 * LoadBalancerBase::chooseHost with the previous_hosts predicate: up to host_selection_retry_max_attempts + 1
 * picks, rejecting hosts this request already tried; if every pick is rejected the last one is used.
 */
export function chooseHostForAttempt(
  cluster: Cluster,
  policy: RetryPolicyModel | null,
  req: ClientRequest,
  nowMs: number,
): Host | null {
  const { worker, hash } = req;
  // ORIGINAL_DST: every attempt goes where the application dialed, retries included.
  if (req.dialedAddress !== null) return cluster.originalDestination(req.dialedAddress);
  if (policy === null || !policy.previousHosts || req.attemptedCount === 0) {
    return cluster.chooseHost(worker, hash, nowMs);
  }
  let host: Host | null = null;
  for (let i = 0; i <= policy.hostSelectionMaxAttempts; i++) {
    host = cluster.chooseHost(worker, hash, nowMs);
    if (host === null || !tried(req, host)) return host;
  }
  return host;
}

function tried(req: ClientRequest, host: Host): boolean {
  for (let i = 0; i < req.attemptedCount; i++) if (req.attemptedHosts[i] === host) return true;
  return false;
}
