import type { EndpointModel, LocalityWeightModel } from '../../envoy/cluster.js';
import type { FieldPath } from '../resources/positions.js';
import type { LoadBalancerSettings, LocalityLoadBalancerSetting } from '../resources/schema/load-balancer.js';
import { compareVersions } from './istio-version.js';
import { failoverPriorities, failoverPriorityPriorities, topologyLabels } from './locality-priority.js';
import { applyDistribute, envoyLocalityOrder, localityGroupWeights } from './locality-weights.js';
import type { ReportAt } from './report-at.js';
import type { DistributeModel, LocalityFailover } from './translated-cluster.js';

/**
 * The caller as locality balancing sees it: `region/zone/subzone` ('' when unknown), its pod labels and
 * its Istio version (failover rules join failoverPriority from 1.20; absent: the current behaviour).
 */
export interface LocalityCaller {
  proxyLocality: string;
  proxyLabels: Readonly<Record<string, string>>;
  istioVersion?: string;
}

/** Istio 1.20 (istio#47099) applies `failover` rules on top of failoverPriority; before, only the labels. */
function failoverJoinsLabels(istioVersion: string | undefined): boolean {
  return istioVersion === undefined || compareVersions(istioVersion, '1.20') >= 0;
}

/** What locality balancing makes of a cluster. */
export interface LocalityLoadBalancing {
  failover: LocalityFailover;
  /** The locality groups' weights in Envoy's order; null when balancing is not locality-weighted. */
  weights: LocalityWeightModel[] | null;
  distribute: DistributeModel | null;
  /** The cluster's endpoints: the subset's, without the localities `distribute` dropped. */
  endpoints: EndpointModel[];
}

/**
 * Whether the endpoints get failover priorities, or why not. The mesh default is localityLbSetting
 * { enabled: true }; failover exists only with outlierDetection (Istio: without it Envoy never learns a
 * host is down). `distribute` replaces failover and needs no outlierDetection. failoverPriority ranks
 * endpoints by the caller's labels (proxy.labels, and the topology labels of its locality), so it applies
 * without a proxy locality; plain locality failover needs one.
 */
function localityFailoverOf(
  setting: LocalityLoadBalancerSetting | undefined,
  hasOutlierDetection: boolean,
  proxyLocality: string,
): LocalityFailover {
  if (setting?.enabled === false) return 'disabled';
  if ((setting?.distribute ?? []).length > 0) return 'distribute';
  if (!hasOutlierDetection) return 'no outlierDetection';
  return (setting?.failoverPriority ?? []).length > 0 || proxyLocality !== ''
    ? 'applied'
    : 'no proxy locality';
}

/** Gives every endpoint its failover priority: by failoverPriority's labels, else by locality. */
function assignFailoverPriorities(
  endpoints: EndpointModel[],
  setting: LocalityLoadBalancerSetting | undefined,
  caller: LocalityCaller,
): void {
  const failoverPriority = setting?.failoverPriority ?? [];
  const localities = endpoints.map((e) => e.locality);
  const labelled =
    failoverPriority.length > 0
      ? failoverPriorityPriorities(
          { ...topologyLabels(caller.proxyLocality, ''), ...caller.proxyLabels },
          endpoints.map((e) => ({ ...topologyLabels(e.locality, e.network), ...e.labels })),
          failoverPriority,
        )
      : null;
  // With failoverPriority, Istio 1.20+ applies explicit failover rules on top of the label priorities.
  const rulesOnTop = (setting?.failover ?? []).length > 0 && failoverJoinsLabels(caller.istioVersion);
  const priorities =
    labelled === null || rulesOnTop
      ? failoverPriorities(caller.proxyLocality, localities, setting?.failover, labelled ?? undefined)
      : labelled;
  priorities.forEach((p, i) => {
    endpoints[i]!.priority = p;
  });
}

/**
 * `distribute` for the caller (applyLocalityWeights): the groups' new weights, without the groups no
 * `to` key matches. Null, with an error per locality, when a locality matches more than one key.
 */
function distributeGroups(
  caller: LocalityCaller,
  groups: LocalityWeightModel[] | null,
  distribute: NonNullable<LocalityLoadBalancerSetting['distribute']>,
  path: FieldPath,
  drAt: ReportAt,
): { groups: LocalityWeightModel[] | null; distribute: DistributeModel | null } | null {
  const applied =
    distribute.length === 0
      ? null
      : applyDistribute(
          caller.proxyLocality,
          new Map((groups ?? []).map((g) => [g.locality, g.weight])),
          distribute,
        );
  if (applied === null) return { groups, distribute: null };
  for (const { locality: where, keys } of applied.ambiguous) {
    drAt(
      [...path, applied.entry, 'to'],
      'error',
      `locality ${where || '(none)'} matches more than one key (${keys.join(', ')}): istiod gives it to whichever a Go map iteration reaches first, which changes from push to push`,
    );
  }
  if (applied.ambiguous.length > 0) return null;
  return {
    groups: (groups ?? [])
      .filter((g) => applied.weights.has(g.locality))
      .map((g) => ({ ...g, weight: applied.weights.get(g.locality)! })),
    distribute: {
      entry: applied.entry,
      from: distribute[applied.entry]!.from ?? '',
      dropped: applied.dropped,
    },
  };
}

/** The groups by priority, and within a priority in Envoy's locality order. */
function inEnvoyOrder(
  proxyLocality: string,
  groups: LocalityWeightModel[] | null,
): LocalityWeightModel[] | null {
  const order = envoyLocalityOrder(
    proxyLocality,
    (groups ?? []).map((g) => g.locality),
  );
  return groups === null
    ? null
    : groups.sort((a, b) => a.priority - b.priority || order.indexOf(a.locality) - order.indexOf(b.locality));
}

/**
 * Istio's applyLocalityLoadBalancer over the honoured loadBalancer part: failover priorities on every
 * endpoint of the service (`all`), then (LocalityLBSettings.ApplyToCluster) locality-weighted balancing
 * over the subset's (`kept`) with distribute, or with failover rules once outlierDetection enables
 * failover (whether or not meshsim knows the caller's locality). Null when `distribute` is ambiguous.
 */
export function applyLocalityLoadBalancer(
  lb: LoadBalancerSettings | undefined,
  hasOutlierDetection: boolean,
  caller: LocalityCaller,
  endpoints: { all: EndpointModel[]; kept: EndpointModel[] },
  path: FieldPath,
  drAt: ReportAt,
): LocalityLoadBalancing | null {
  const setting = lb?.localityLbSetting;
  const localityOn = setting?.enabled !== false;
  const distribute = localityOn ? (setting?.distribute ?? []) : [];
  if (lb?.zoneAwareLbSetting !== undefined) {
    drAt([...path, 'zoneAwareLbSetting'], 'warning', 'parsed but not modelled yet');
  }
  const failoverPriority = setting?.failoverPriority ?? [];
  const failoverRules = setting?.failover ?? [];
  const joined = failoverJoinsLabels(caller.istioVersion);
  if (failoverPriority.length > 0 && failoverRules.length > 0 && distribute.length === 0 && !joined) {
    drAt(
      [...path, 'localityLbSetting', 'failover'],
      'warning',
      `ignored by Istio ${caller.istioVersion} together with failoverPriority: only the label priorities apply (from 1.20 the rules apply on top of them)`,
    );
  }
  const failover = localityFailoverOf(setting, hasOutlierDetection, caller.proxyLocality);
  if (failover === 'applied') assignFailoverPriorities(endpoints.all, setting, caller);
  const localityWeighted =
    localityOn &&
    (distribute.length > 0 ||
      (hasOutlierDetection && (failoverRules.length > 0 || failoverPriority.length > 0)));
  const groups = localityWeighted ? localityGroupWeights(endpoints.kept) : null;
  const distributed = distributeGroups(
    caller,
    groups,
    distribute,
    [...path, 'localityLbSetting', 'distribute'],
    drAt,
  );
  if (distributed === null) return null;
  const dropped = new Set(distributed.distribute?.dropped ?? []);
  return {
    failover,
    weights: inEnvoyOrder(caller.proxyLocality, distributed.groups),
    distribute: distributed.distribute,
    endpoints: endpoints.kept.filter((e) => !dropped.has(e.locality)),
  };
}
