import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { ConsistentHashLB, LoadBalancerSettings } from '../config/resources/schema/load-balancer.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

import type { LbPolicy } from '../envoy/load-balancing.js';
import { byDefault, type Explained, fromField, setAt, valueAt } from './values.js';

export interface LoadBalancerExplanation {
  lbPolicy: Explained<LbPolicy>;
  /** RING_HASH and MAGLEV only. */
  consistentHash: { key: Explained<string>; tableSize: Explained<number> } | null;
  /** With warmup only. */
  slowStart: {
    windowMs: Explained<number>;
    aggression: Explained<number>;
    minWeightPercent: Explained<number>;
  } | null;
}

export interface LocalityExplanation {
  enabled: Explained<boolean>;
  failover: Explained<'applied' | 'not applied'>;
  /**
   * common_lb_config.locality_weighted_lb_config with each locality's load_balancing_weight
   * (`P<priority> <locality>: <weight>`, in Envoy's order); null when Istio does not set it.
   */
  weights: Explained<string[]> | null;
}

function hashKeyText(ch: ConsistentHashLB): [string, string] | null {
  if (ch.httpHeaderName !== undefined) return ['httpHeaderName', `header ${ch.httpHeaderName}`];
  if (ch.httpCookie !== undefined) return ['httpCookie', `cookie ${ch.httpCookie.name}`];
  if (ch.useSourceIp === true) return ['useSourceIp', 'source IP'];
  if (ch.httpQueryParameterName !== undefined)
    return ['httpQueryParameterName', `query parameter ${ch.httpQueryParameterName}`];
  return null;
}

/** The DestinationRule's loadBalancer block behind a cluster (`base` null: none in effect), as written. */
interface LbSource {
  dr: Located<DestinationRule> | null;
  base: FieldPath | null;
  lb: LoadBalancerSettings | undefined;
}

/** lb_policy with its hash and slow-start settings, as Istio's applyLoadBalancer sets them. */
export function explainLoadBalancer(
  model: TranslatedCluster,
  dr: Located<DestinationRule> | null,
): LoadBalancerExplanation {
  const base = model.type === 'ORIGINAL_DST' ? null : (model.policyPaths?.loadBalancer ?? null);
  const lb = (dr === null || base === null ? undefined : valueAt(dr.resource, base)) as
    | LoadBalancerSettings
    | undefined;
  const source: LbSource = { dr, base, lb };
  return {
    lbPolicy: explainLbPolicy(model, source),
    consistentHash: explainConsistentHash(model, source),
    slowStart: explainSlowStart(model, source),
  };
}

function explainLbPolicy(model: TranslatedCluster, { dr, base, lb }: LbSource): Explained<LbPolicy> {
  const ch = lb?.consistentHash;
  if (model.type === 'ORIGINAL_DST') {
    return byDefault(model.lbPolicy, 'Istio default', 'ORIGINAL_DST clusters always');
  }
  if (ch !== undefined && dr !== null && base !== null) {
    const field = ch.maglev !== undefined ? 'maglev' : 'consistentHash';
    return setAt(dr, [...base, 'consistentHash', field], model.lbPolicy);
  }
  if (model.lbPolicyFrom === 'set' && dr !== null && base !== null) {
    const note = lb?.simple === 'LEAST_CONN' ? 'LEAST_CONN is an alias' : undefined;
    return setAt(dr, [...base, 'simple'], model.lbPolicy, note);
  }
  return byDefault(model.lbPolicy, 'Istio default', "Envoy's own default is ROUND_ROBIN");
}

function explainConsistentHash(
  model: TranslatedCluster,
  { dr, base, lb }: LbSource,
): LoadBalancerExplanation['consistentHash'] {
  const ch = lb?.consistentHash;
  if (ch === undefined || dr === null || base === null) return null;
  const key = hashKeyText(ch);
  const chPath = [...base, 'consistentHash'];
  const sizeField: FieldPath | null =
    ch.maglev?.tableSize !== undefined
      ? ['maglev', 'tableSize']
      : ch.ringHash?.minimumRingSize !== undefined
        ? ['ringHash', 'minimumRingSize']
        : ch.minimumRingSize !== undefined
          ? ['minimumRingSize']
          : null;
  return {
    key:
      key === null
        ? byDefault('none', 'Istio default', 'no hash key: every request hashes alike')
        : setAt(dr, [...chPath, key[0]], key[1]),
    tableSize:
      sizeField !== null
        ? setAt(dr, [...chPath, ...sizeField], model.hashTableSize)
        : byDefault(model.hashTableSize, 'Envoy default'),
  };
}

function explainSlowStart(
  model: TranslatedCluster,
  { dr, base, lb }: LbSource,
): LoadBalancerExplanation['slowStart'] {
  const slow = model.slowStart;
  if (slow === null || dr === null || base === null) return null;
  const warmup = lb?.warmup !== undefined;
  return {
    windowMs: setAt(
      dr,
      warmup ? [...base, 'warmup', 'duration'] : [...base, 'warmupDurationSecs'],
      slow.slowStartWindowMs,
    ),
    aggression: fromField(
      dr,
      warmup ? [...base, 'warmup'] : null,
      ['aggression'],
      slow.aggression ?? 1,
      warmup ? 'Istio default' : 'Envoy default',
    ),
    minWeightPercent: fromField(
      dr,
      warmup ? [...base, 'warmup'] : null,
      ['minimumPercent'],
      slow.minWeightPercent ?? 10,
      warmup ? 'Istio default' : 'Envoy default',
    ),
  };
}

/** Whether locality load balancing is on and whether Istio's failover priorities apply. */
export function explainLocality(
  model: TranslatedCluster,
  dr: Located<DestinationRule> | null,
): LocalityExplanation {
  const base = model.policyPaths?.loadBalancer ?? null;
  const setting =
    dr === null || base === null ? undefined : valueAt(dr.resource, [...base, 'localityLbSetting']);
  const enabled: Explained<boolean> =
    setting === undefined || dr === null || base === null
      ? byDefault(true, 'mesh default', 'meshConfig.localityLbSetting')
      : fromField(
          dr,
          [...base, 'localityLbSetting'],
          ['enabled'],
          model.localityFailover !== 'disabled',
          'Istio default',
        );
  return {
    enabled,
    failover: explainFailover(model, dr, base),
    weights: explainLocalityWeights(model, dr, base),
  };
}

/** Whether the endpoints got failover priorities, and from what: the caller's labels, failover rules, or locality. */
function explainFailover(
  model: TranslatedCluster,
  dr: Located<DestinationRule> | null,
  base: FieldPath | null,
): Explained<'applied' | 'not applied'> {
  const written = (field: string) =>
    dr !== null && base !== null && valueAt(dr.resource, [...base, 'localityLbSetting', field]) !== undefined;
  const failoverRules = written('failover');
  switch (model.localityFailover) {
    case 'applied':
      return written('failoverPriority')
        ? setAt(
            dr!,
            [...base!, 'localityLbSetting', 'failoverPriority'],
            'applied',
            `by the caller's labels: 0 for an endpoint that matches every listed label, else (number of labels − j) for the first label j it misses; then renumbered without gaps${failoverRules ? '; from Istio 1.20 the failover rules apply on top: label priority × 5 + locality priority, renumbered again' : ''}`,
          )
        : failoverRules
          ? setAt(
              dr!,
              [...base!, 'localityLbSetting', 'failover'],
              'applied',
              'priorities by locality and these rules',
            )
          : byDefault(
              'applied',
              'Istio default',
              'by locality: same subzone 0, same zone 1, same region 2, elsewhere 3; then renumbered without gaps',
            );
    case 'disabled':
      return byDefault('not applied', 'Istio default', 'locality load balancing is disabled');
    case 'no proxy locality':
      return byDefault('not applied', 'meshsim default', "the caller's locality is unknown (--locality)");
    case 'distribute':
      return setAt(
        dr!,
        [...base!, 'localityLbSetting', 'distribute'],
        'not applied',
        'distribute replaces failover: every endpoint stays in priority 0, outlierDetection or not',
      );
    default:
      return byDefault(
        'not applied',
        'Istio default',
        'Istio fails over only with outlierDetection: every endpoint in priority 0',
      );
  }
}

/** The locality weights Envoy balances localities by, and where Istio took them from. */
function explainLocalityWeights(
  model: TranslatedCluster,
  dr: Located<DestinationRule> | null,
  base: FieldPath | null,
): Explained<string[]> | null {
  const groups = model.localityWeights;
  if (groups === null || groups === undefined || dr === null || base === null) return null;
  const value = groups.map((g) => `P${g.priority} ${g.locality || '(none)'}: ${g.weight}`);
  const picking = 'a locality is picked by EDF over weight × min(1, 1.4 × healthy/hosts), then a host in it';
  const distribute = [...base, 'localityLbSetting', 'distribute'];
  if (model.distribute !== null && model.distribute !== undefined) {
    const { entry, from, dropped } = model.distribute;
    const gone = dropped.length === 0 ? '' : `; dropped (no \`to\` matches): ${dropped.join(', ')}`;
    return setAt(
      dr,
      [...distribute, entry, 'to'],
      value,
      `from ${from} matches the caller: each key's percent split over its localities as ceil(percent × group weight / Σ group weights)${gone}; ${picking}`,
    );
  }
  if (valueAt(dr.resource, distribute) !== undefined) {
    return setAt(
      dr,
      distribute,
      value,
      `no \`from\` matches the caller's locality: each locality weighs the sum of its endpoint weights; ${picking}`,
    );
  }
  return byDefault(
    value,
    'Istio default',
    `failover rules turn on locality-weighted balancing: each locality weighs the sum of its endpoint weights; ${picking}`,
  );
}
