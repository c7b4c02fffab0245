import type { ClusterModel } from '../../envoy/cluster.js';
import type { LbPolicy, SlowStartConfig } from '../../envoy/load-balancing.js';
import type { FieldPath } from '../resources/positions.js';
import type { DumpContext } from './dump-context.js';
import { type ClusterJson, type SlowStartJson, slowStartSchema } from './schema/cluster.js';
import { typeName } from './schema/proto-json.js';

/** Envoy's defaults: RING_HASH minimum_ring_size and MAGLEV table_size. */
const RING_SIZE = 1024;
const MAGLEV_TABLE = 65_537;

/** The load_balancing_policy extensions meshsim runs, by their config's message name. */
const POLICY_EXTENSIONS: Readonly<Record<string, LbPolicy>> = {
  'envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin': 'ROUND_ROBIN',
  'envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest': 'LEAST_REQUEST',
  'envoy.extensions.load_balancing_policies.random.v3.Random': 'RANDOM',
  'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash': 'RING_HASH',
  'envoy.extensions.load_balancing_policies.maglev.v3.Maglev': 'MAGLEV',
  'envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided': 'CLUSTER_PROVIDED',
};

type Balancing = Pick<ClusterModel, 'lbPolicy' | 'hashTableSize' | 'slowStart' | 'leastRequest'>;

/** SlowStartConfig with Envoy's defaults filled: aggression 1.0, min_weight_percent 10. */
function slowStartOf(s: SlowStartJson | undefined): SlowStartConfig | null {
  if (s === undefined) return null;
  return {
    slowStartWindowMs: s.slow_start_window ?? 0,
    aggression: s.aggression?.default_value ?? 1,
    minWeightPercent: s.min_weight_percent?.value ?? 10,
  };
}

/** A number field of a policy extension's config (the extensions are read loosely). */
function numberIn(config: Record<string, unknown>, ...path: string[]): number | undefined {
  let node: unknown = config;
  for (const step of path) node = (node as Record<string, unknown> | undefined)?.[step];
  if (typeof node === 'number') return node;
  return typeof node === 'string' && /^\d+$/.test(node) ? Number(node) : undefined;
}

/** The policy of a `load_balancing_policy` (the first extension meshsim runs), with its settings. */
function fromPolicyExtension(ctx: DumpContext, c: ClusterJson, path: FieldPath): Balancing | null {
  const policies = c.load_balancing_policy?.policies ?? [];
  for (const [i, p] of policies.entries()) {
    const config = p.typed_extension_config.typed_config as Record<string, unknown>;
    const lbPolicy = POLICY_EXTENSIONS[typeName(config['@type'] as string | undefined)];
    if (lbPolicy === undefined) continue;
    const at = [...path, 'load_balancing_policy', 'policies', i, 'typed_extension_config', 'typed_config'];
    const slowStart = ctx.parse(slowStartSchema.optional(), config.slow_start_config, [
      ...at,
      'slow_start_config',
    ]);
    return {
      lbPolicy,
      hashTableSize:
        lbPolicy === 'RING_HASH'
          ? (numberIn(config, 'minimum_ring_size') ?? RING_SIZE)
          : lbPolicy === 'MAGLEV'
            ? (numberIn(config, 'table_size') ?? MAGLEV_TABLE)
            : 0,
      slowStart: lbPolicy === 'LEAST_REQUEST' || lbPolicy === 'ROUND_ROBIN' ? slowStartOf(slowStart) : null,
      leastRequest:
        lbPolicy === 'LEAST_REQUEST'
          ? { choiceCount: Math.max(2, numberIn(config, 'choice_count') ?? 2), activeRequestBias: 1 }
          : null,
    };
  }
  const names = policies.map((p) => typeName(p.typed_extension_config.typed_config['@type'] as string));
  ctx.notModelled(
    [...path, 'load_balancing_policy'],
    `no load balancing policy meshsim runs among ${names.join(', ') || 'none'}`,
  );
  return null;
}

/**
 * The cluster's load balancer: lb_policy (Envoy's default ROUND_ROBIN) or a load_balancing_policy
 * extension, the hash table size of RING_HASH and MAGLEV, slow start, and least request's choice count.
 * Null when the cluster balances with something meshsim does not run.
 */
export function readBalancing(ctx: DumpContext, c: ClusterJson, path: FieldPath): Balancing | null {
  if (c.load_balancing_policy !== undefined) return fromPolicyExtension(ctx, c, path);
  const lbPolicy: LbPolicy =
    c.type === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : ((c.lb_policy ?? 'ROUND_ROBIN') as LbPolicy);
  if ((lbPolicy as string) === 'LOAD_BALANCING_POLICY_CONFIG') {
    ctx.notModelled([...path, 'lb_policy'], 'LOAD_BALANCING_POLICY_CONFIG without a load_balancing_policy');
    return null;
  }
  const lr = c.least_request_lb_config;
  return {
    lbPolicy,
    hashTableSize:
      lbPolicy === 'RING_HASH'
        ? (c.ring_hash_lb_config?.minimum_ring_size ?? RING_SIZE)
        : lbPolicy === 'MAGLEV'
          ? (c.maglev_lb_config?.table_size ?? MAGLEV_TABLE)
          : 0,
    slowStart:
      lbPolicy === 'LEAST_REQUEST'
        ? slowStartOf(lr?.slow_start_config)
        : lbPolicy === 'ROUND_ROBIN'
          ? slowStartOf(c.round_robin_lb_config?.slow_start_config)
          : null,
    leastRequest:
      lbPolicy === 'LEAST_REQUEST' && lr?.choice_count !== undefined
        ? { choiceCount: Math.max(2, lr.choice_count), activeRequestBias: 1 }
        : null,
  };
}
