import type { Cluster } from '../upstream/cluster.js';
import type { Host } from '../upstream/host.js';
import type { RequestHash } from '../upstream/lb/uint64.js';
import type { RetryPolicyModel } from './retry-policy.js';

/**
 * LoadBalancerBase::chooseHost with the previous_hosts predicate: up to host_selection_retry_max_attempts + 1
 * picks, rejecting hosts this request already tried; if every pick is rejected the last one is used.
 */
export function chooseHostForAttempt(
  cluster: Cluster,
  worker: number,
  policy: RetryPolicyModel | null,
  attempted: readonly Host[],
  hash: RequestHash | null,
  nowMs: number,
): Host | null {
  if (policy === null || !policy.previousHosts || attempted.length === 0)
    return cluster.chooseHost(worker, hash, nowMs);
  let host: Host | null = null;
  for (let i = 0; i <= policy.hostSelectionMaxAttempts; i++) {
    host = cluster.chooseHost(worker, hash, nowMs);
    if (host === null || !attempted.includes(host)) return host;
  }
  return host;
}
