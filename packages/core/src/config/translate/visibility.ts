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

/** A host pattern that matches others than itself: `*` or `*.example.com`. */
const isWildcard = (pattern: string): boolean => pattern.startsWith('*');

/** Resources by the exact hosts they name, and those naming a wildcard, each list in input order. */
export interface HostIndex<T> {
  exact: Map<string, T[]>;
  wildcard: T[];
}

export function indexByHost<T>(items: readonly T[], hostsOf: (item: T) => readonly string[]): HostIndex<T> {
  const index: HostIndex<T> = { exact: new Map(), wildcard: [] };
  for (const item of items) {
    const hosts = hostsOf(item);
    for (const host of new Set(hosts.filter((h) => !isWildcard(h)))) {
      const list = index.exact.get(host);
      if (list === undefined) index.exact.set(host, [item]);
      else list.push(item);
    }
    if (hosts.some(isWildcard)) index.wildcard.push(item);
  }
  return index;
}

// Lookups run once per host, so each would scan every resource: the indexes keep explain and planning
// linear in the number of resources. A loaded config's lists never change after loading.
const serviceEntryIndexes = new WeakMap<
  ReadonlyArray<Located<ServiceEntry>>,
  HostIndex<Located<ServiceEntry>>
>();
const ruleIndexes = new WeakMap<
  ReadonlyArray<Located<DestinationRule>>,
  Map<string, HostIndex<Located<DestinationRule>>>
>();

export function cached<K extends object, V>(cache: WeakMap<K, V>, key: K, build: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

/** DestinationRules by namespace, then by host. */
function rulesIndex(rules: ReadonlyArray<Located<DestinationRule>>) {
  return cached(ruleIndexes, rules, () => {
    const byNamespace = new Map<string, Array<Located<DestinationRule>>>();
    for (const rule of rules) {
      const ns = rule.resource.metadata.namespace;
      const list = byNamespace.get(ns);
      if (list === undefined) byNamespace.set(ns, [rule]);
      else list.push(rule);
    }
    return new Map(
      [...byNamespace].map(([ns, list]) => [ns, indexByHost(list, (r) => [r.resource.spec.host])] as const),
    );
  });
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
  const eligible = (rule: Located<DestinationRule>) => {
    const r = rule.resource;
    return (
      hostMatches(r.spec.host, host) &&
      r.spec.workloadSelector === undefined &&
      isExportedTo(r.spec.exportTo, r.metadata.namespace, callerNamespace)
    );
  };
  const index = rulesIndex(rules);
  for (const ns of [callerNamespace, serviceNamespace, rootNamespace]) {
    const inNamespace = index.get(ns);
    if (inNamespace === undefined) continue;
    // An exact host is the most specific: the first eligible one wins outright.
    const exact = inNamespace.exact.get(host)?.find(eligible);
    if (exact !== undefined) return exact;
    let best: Located<DestinationRule> | null = null;
    for (const rule of inNamespace.wildcard) {
      if (!eligible(rule)) continue;
      if (best === null || specificity(rule.resource.spec.host) > specificity(best.resource.spec.host))
        best = rule;
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
  const index = cached(serviceEntryIndexes, entries, () =>
    indexByHost(entries, (e) => e.resource.spec.hosts),
  );
  const visible = (e: Located<ServiceEntry>) =>
    isExportedTo(e.resource.spec.exportTo, e.resource.metadata.namespace, callerNamespace);
  return (
    index.exact.get(host)?.find(visible) ??
    index.wildcard.find((e) => visible(e) && e.resource.spec.hosts.some((h) => hostMatches(h, host)))
  );
}
