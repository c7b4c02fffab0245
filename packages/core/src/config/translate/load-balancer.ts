import type { ClusterDiscoveryType } from '../../envoy/cluster.js';
import type { ConsistentHashKey, LbPolicy, SlowStartConfig } from '../../envoy/load-balancing.js';
import type { FieldPath } from '../resources/positions.js';
import type { ConsistentHashLB, LoadBalancerSettings } from '../resources/schema/load-balancer.js';
import type { ReportAt } from './report-at.js';
import type { TranslatedCluster } from './translated-cluster.js';

/** What the loadBalancer part sets on a cluster (applyLoadBalancer), in the order the cluster lists them. */
export type ClusterLoadBalancing = Pick<
  TranslatedCluster,
  'lbPolicy' | 'hashTableSize' | 'hashKey' | 'slowStart' | 'lbPolicyFrom'
>;

/**
 * The loadBalancer part the cluster honours: an ORIGINAL_DST cluster always balances CLUSTER_PROVIDED,
 * so Istio ignores the part there.
 */
export function honouredLoadBalancer(
  type: ClusterDiscoveryType,
  loadBalancer: LoadBalancerSettings | undefined,
  path: FieldPath,
  drAt: ReportAt,
): LoadBalancerSettings | undefined {
  if (type !== 'ORIGINAL_DST') return loadBalancer;
  if (loadBalancer !== undefined) {
    drAt(path, 'warning', 'ignored: a resolution NONE (ORIGINAL_DST) cluster balances CLUSTER_PROVIDED');
  }
  return undefined;
}

function lbPolicyOf(simple: string | undefined): LbPolicy | null {
  switch (simple) {
    case undefined:
    case 'UNSPECIFIED':
    case 'LEAST_REQUEST':
    case 'LEAST_CONN':
      return 'LEAST_REQUEST';
    case 'ROUND_ROBIN':
      return 'ROUND_ROBIN';
    case 'RANDOM':
      return 'RANDOM';
    default:
      return null;
  }
}

/**
 * ApplyRingHashLoadBalancer: maglev → MAGLEV; otherwise RING_HASH with ringHash.minimumRingSize, the
 * deprecated minimumRingSize, or Envoy's 1024.
 */
function hashTableSizeOf(ch: ConsistentHashLB): number {
  return ch.maglev !== undefined
    ? ch.maglev.tableSize || 65_537
    : ch.ringHash?.minimumRingSize || ch.minimumRingSize || 1024;
}

/** The consistentHash key Istio turns into the routes' hash_policy; useSourceIp false gives none. */
function hashKeyOf(ch: ConsistentHashLB | undefined): ConsistentHashKey | null {
  return ch === undefined || ch.useSourceIp === false
    ? null
    : {
        ...(ch.httpHeaderName !== undefined ? { httpHeaderName: ch.httpHeaderName } : {}),
        ...(ch.httpCookie !== undefined ? { httpCookie: ch.httpCookie } : {}),
        ...(ch.useSourceIp === true ? { useSourceIp: true } : {}),
        ...(ch.httpQueryParameterName !== undefined
          ? { httpQueryParameterName: ch.httpQueryParameterName }
          : {}),
      };
}

/**
 * slow_start_config for ROUND_ROBIN and LEAST_REQUEST: from warmup (aggression and minimumPercent default
 * 1 and 10) or the older warmupDurationSecs (window only).
 */
function slowStartOf(lb: LoadBalancerSettings | undefined, lbPolicy: LbPolicy): SlowStartConfig | null {
  const warmupWindowMs = lb?.warmup?.duration?.ms ?? lb?.warmupDurationSecs?.ms;
  return warmupWindowMs === undefined || (lbPolicy !== 'ROUND_ROBIN' && lbPolicy !== 'LEAST_REQUEST')
    ? null
    : {
        slowStartWindowMs: warmupWindowMs,
        aggression: lb?.warmup?.aggression ?? 1,
        minWeightPercent: lb?.warmup?.minimumPercent ?? 10,
      };
}

/**
 * Istio's applyLoadBalancer for the honoured loadBalancer part (`lb`): the lb policy, the consistent
 * hash's policy, table size and key, and slow start. Null (with an error) for a `simple` policy meshsim
 * does not model.
 */
export function applyLoadBalancer(
  type: ClusterDiscoveryType,
  lb: LoadBalancerSettings | undefined,
  path: FieldPath,
  drAt: ReportAt,
): ClusterLoadBalancing | null {
  let lbPolicy: LbPolicy | null = type === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : lbPolicyOf(lb?.simple);
  if (lbPolicy === null) {
    drAt([...path, 'simple'], 'error', `loadBalancer ${lb?.simple} is not modelled yet`);
    return null;
  }
  const ch = lb?.consistentHash;
  let hashTableSize = 0;
  if (ch !== undefined) {
    lbPolicy = ch.maglev !== undefined ? 'MAGLEV' : 'RING_HASH';
    hashTableSize = hashTableSizeOf(ch);
  }
  return {
    lbPolicy,
    hashTableSize,
    hashKey: hashKeyOf(ch),
    slowStart: slowStartOf(lb, lbPolicy),
    lbPolicyFrom: lb?.simple !== undefined && lb.simple !== 'UNSPECIFIED' ? 'set' : 'default',
  };
}
