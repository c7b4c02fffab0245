import type { Located } from '../resources/load.js';
import type { DestinationRule } from '../resources/schema/destination-rule.js';
import type { ServiceEntry } from '../resources/schema/service-entry.js';

/** Istio's root namespace, where mesh-wide DestinationRules live. */
export const ROOT_NAMESPACE = 'istio-system';

/**
 * Whether a resource with this `exportTo` in `ownNamespace` is visible to a caller in `callerNamespace`:
 * unset or `*` is everywhere, `.` is the resource's own namespace, a name is that namespace.
 */
export function isExportedTo(
  exportTo: readonly string[] | undefined,
  ownNamespace: string,
  callerNamespace: string,
): boolean {
  if (exportTo === undefined || exportTo.length === 0) return true;
  return exportTo.some(
    (e) => e === '*' || e === callerNamespace || (e === '.' && ownNamespace === callerNamespace),
  );
}

/** Whether a DestinationRule/VirtualService host (maybe `*.example.com`) covers a service host. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1));
}

/** Exact hosts before wildcards, longer wildcards before shorter ones. */
function specificity(pattern: string): number {
  return pattern.startsWith('*') ? pattern.length : Number.MAX_SAFE_INTEGER;
}

/**
 * The DestinationRule that applies to `host` for a caller in `callerNamespace`, in Istio's lookup order:
 * the caller's namespace, then the service's namespace, then the root namespace; within one namespace
 * the most specific host wins, then the oldest (here: first in the input).
 */
export function findDestinationRule(
  rules: ReadonlyArray<Located<DestinationRule>>,
  host: string,
  serviceNamespace: string,
  callerNamespace: string,
  rootNamespace = ROOT_NAMESPACE,
): Located<DestinationRule> | null {
  for (const ns of [callerNamespace, serviceNamespace, rootNamespace]) {
    let best: Located<DestinationRule> | null = null;
    for (const rule of rules) {
      const r = rule.resource;
      if (r.metadata.namespace !== ns || !hostMatches(r.spec.host, host)) continue;
      if (r.spec.workloadSelector !== undefined) continue;
      if (!isExportedTo(r.spec.exportTo, r.metadata.namespace, callerNamespace)) continue;
      if (best === null || specificity(r.spec.host) > specificity(best.resource.spec.host)) best = rule;
    }
    if (best !== null) return best;
  }
  return null;
}

/** The ServiceEntry a caller in `callerNamespace` sees for `host`: the first declaring it exactly, else by wildcard. */
export function findServiceEntry(
  entries: ReadonlyArray<Located<ServiceEntry>>,
  host: string,
  callerNamespace: string,
): Located<ServiceEntry> | undefined {
  const visible = entries.filter((e) =>
    isExportedTo(e.resource.spec.exportTo, e.resource.metadata.namespace, callerNamespace),
  );
  return (
    visible.find((e) => e.resource.spec.hosts.includes(host)) ??
    visible.find((e) => e.resource.spec.hosts.some((h) => hostMatches(h, host)))
  );
}
