import type { LoadedConfig, Located } from '../config/resources/load.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { findDestinationRule, hostMatches, isExportedTo } from '../config/translate/visibility.js';
import { refOf } from './cluster.js';

/** Something in the input that shapes no cluster or route for this caller, and why. */
export interface NotExplained {
  what: string;
  file: string;
  line: number;
  reason: string;
}

export const what = (kind: string, r: Located<{ metadata: { namespace: string; name: string } }>) =>
  `${kind} ${refOf(r).name}`;

/**
 * The DestinationRules that shape no cluster for the caller (`used` holds those that do), and why:
 * a workloadSelector, exportTo, no visible host, or another rule that takes precedence.
 */
export function unusedDestinationRules(
  rules: ReadonlyArray<Located<DestinationRule>>,
  used: ReadonlySet<unknown>,
  hosts: ReadonlyArray<{ host: string; namespace: string }>,
  caller: string,
): NotExplained[] {
  const out: NotExplained[] = [];
  for (const dr of rules) {
    if (used.has(dr)) continue;
    const r = dr.resource;
    const shaped = hosts.find((l) => hostMatches(r.spec.host, l.host));
    const winner =
      shaped === undefined ? null : findDestinationRule(rules, shaped.host, shaped.namespace, caller);
    const reason =
      r.spec.workloadSelector !== undefined
        ? 'it has a workloadSelector: meshsim looks up only rules for every workload'
        : !isExportedTo(r.spec.exportTo, r.metadata.namespace, caller)
          ? `not exported to namespace ${caller}`
          : shaped === undefined
            ? `host ${r.spec.host} matches no ServiceEntry host visible from namespace ${caller}`
            : winner !== null &&
                winner.resource.metadata.namespace === r.metadata.namespace &&
                winner.resource.spec.host === r.spec.host
              ? `${what('DestinationRule', winner)} for the same host comes first: Istio keeps its traffic policy and would merge in this one's subsets, which meshsim does not`
              : `${winner === null ? 'another DestinationRule' : what('DestinationRule', winner)} takes precedence for ${shaped.host}`;
    out.push({ what: what('DestinationRule', dr), file: dr.file, line: dr.line, reason });
  }
  return out;
}

/** The http routes the virtual hosts showed or left out, by `file:line:index`, and the VirtualServices ignored for some host. */
export interface RoutesSeen {
  shown: ReadonlySet<string>;
  otherCallers: ReadonlySet<string>;
  ignoredSomewhere: ReadonlySet<Located<VirtualService>>;
}

/**
 * What is left once clusters and routes are built: the DestinationRules no cluster used (`hosts` are
 * the reachable hosts with their ServiceEntry's namespace), then each VirtualService's unshown parts.
 */
export function unusedResources(
  loaded: LoadedConfig,
  caller: string,
  usedRules: ReadonlySet<unknown>,
  hosts: ReadonlyArray<{ host: string; namespace: string }>,
  routes: RoutesSeen,
): NotExplained[] {
  const out = unusedDestinationRules(loaded.destinationRules, usedRules, hosts, caller);
  for (const vs of loaded.virtualServices) notExplainedParts(vs, caller, routes, out);
  return out;
}

/** The parts of a VirtualService no virtual host shows, and why. */
export function notExplainedParts(
  vs: Located<VirtualService>,
  caller: string,
  routes: RoutesSeen,
  out: NotExplained[],
): void {
  const spec = vs.resource.spec;
  const add = (part: string, line: number, reason: string) =>
    out.push({ what: `${what('VirtualService', vs)}${part}`, file: vs.file, line, reason });
  const gateways = spec.gateways ?? [];
  if (gateways.length > 0 && !gateways.includes('mesh')) {
    add('', vs.line, `bound to gateways ${gateways.join(', ')} only, not to sidecars (mesh)`);
    return;
  }
  if (!isExportedTo(spec.exportTo, vs.resource.metadata.namespace, caller)) {
    add('', vs.line, `not exported to namespace ${caller}`);
    return;
  }
  (spec.http ?? []).forEach((r, i) => {
    const key = `${vs.file}:${vs.line}:${i}`;
    // A delegating route is replaced by its delegate's routes, which are shown (or said) in its place.
    if (routes.shown.has(key) || r.delegate !== undefined) return;
    const line = vs.positionOf(['spec', 'http', i]).line;
    if (routes.otherCallers.has(key)) {
      add(
        ` http[${i}]`,
        line,
        `its match blocks name other callers (sourceLabels, sourceNamespace): istiod leaves it out of this sidecar's routes`,
      );
    } else if ((spec.hosts ?? []).length === 0) {
      add(
        ` http[${i}]`,
        line,
        "a delegate route: no visible root VirtualService delegates to it, or its match conflicts with the root's (istiod drops it)",
      );
    } else if (!routes.ignoredSomewhere.has(vs)) {
      add(` http[${i}]`, line, 'applies to no port of a visible ServiceEntry host');
    }
  });
  for (const kind of ['tcp', 'tls'] as const) {
    if (spec[kind] !== undefined) {
      add(` ${kind}`, vs.positionOf(['spec', kind]).line, `${kind} routes are not modelled yet`);
    }
  }
}
