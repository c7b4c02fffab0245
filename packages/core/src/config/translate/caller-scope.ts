import type { LoadedConfig, Located } from '../resources/load.js';
import type { ServiceEntry } from '../resources/schema/service-entry.js';
import type { EgressListener, Sidecar } from '../resources/schema/sidecar.js';
import type { MeshSettings } from './mesh-settings.js';
import { hostMatches, isExportedTo, ROOT_NAMESPACE } from './visibility.js';

type Resource = Located<{
  metadata: { namespace: string; name: string };
  spec: { exportTo?: readonly string[] | undefined };
}>;

/** A resource the caller's sidecar does not get, and why. */
export interface HiddenResource {
  kind: 'ServiceEntry' | 'VirtualService' | 'DestinationRule';
  resource: Resource;
  reason: string;
}

/** The Sidecar resource that applies to the caller, and which rule chose it. */
export interface AppliedSidecar {
  sidecar: Located<Sidecar>;
  why: string;
}

/** What a caller's sidecar sees: the resources in its scope, and what is hidden from it and why. */
export interface ScopedConfig {
  /** The loaded config without what the mesh's default exportTo and the caller's Sidecar hide. */
  loaded: LoadedConfig;
  hidden: HiddenResource[];
  sidecar: AppliedSidecar | null;
  /** Whether the caller's sidecar gets this port of the ServiceEntry (a Sidecar can import per port). */
  portVisible(se: Located<ServiceEntry>, port: number): boolean;
  /** What happens to a host the sidecar knows no service for: the Sidecar's policy, else the mesh's. */
  outboundTrafficPolicy: { mode: 'ALLOW_ANY' | 'REGISTRY_ONLY'; from: 'sidecar' | 'mesh' };
}

const labelsMatch = (want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>) =>
  Object.entries(want).every(([k, v]) => have[k] === v);

/**
 * Istio's sidecar scope lookup: a Sidecar of the caller's namespace whose workloadSelector matches its
 * labels (the first, as Istio takes the oldest), else that namespace's Sidecar without a selector, else
 * the root namespace's one without a selector.
 */
export function sidecarFor(
  sidecars: ReadonlyArray<Located<Sidecar>>,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  rootNamespace = ROOT_NAMESPACE,
): AppliedSidecar | null {
  const own = sidecars.filter((s) => s.resource.metadata.namespace === namespace);
  const selected = own.find(
    (s) =>
      s.resource.spec.workloadSelector !== undefined &&
      labelsMatch(s.resource.spec.workloadSelector.labels ?? {}, labels),
  );
  if (selected !== undefined)
    return { sidecar: selected, why: "its workloadSelector matches the caller's labels" };
  const plain = own.find((s) => s.resource.spec.workloadSelector === undefined);
  if (plain !== undefined)
    return { sidecar: plain, why: "the namespace's Sidecar without a workloadSelector" };
  const root = sidecars.find(
    (s) => s.resource.metadata.namespace === rootNamespace && s.resource.spec.workloadSelector === undefined,
  );
  return root === undefined
    ? null
    : { sidecar: root, why: `the root namespace's (${rootNamespace}) default Sidecar` };
}

/** The egress listeners, or with none Istio's default: one catch-all importing every namespace's every host. */
const egressOf = (s: Sidecar): EgressListener[] => s.spec.egress ?? [{ hosts: ['*/*'] }];

/**
 * Whether an egress listener's hosts import a service `host` of namespace `ns` (Istio's selectServices):
 * not if a `~`-prefixed entry excludes it; else an entry of its namespace (`.` is the caller's), else of
 * `*`, whose name matches it (`*`, `*.suffix`, or exactly).
 */
export function imports(
  listener: EgressListener,
  host: string,
  ns: string,
  callerNamespace: string,
): boolean {
  const entries = listener.hosts.map((h) => {
    const [rawNs = '', name = ''] = h.split('/', 2);
    const excluded = rawNs.startsWith('~');
    let entryNs = rawNs.replace(/^~/, '') || '*';
    if (entryNs === '.') entryNs = callerNamespace;
    return { ns: entryNs, name, excluded };
  });
  const matches = (e: { ns: string; name: string }, nsWanted: string) =>
    e.ns === nsWanted && hostMatches(e.name, host);
  if (entries.some((e) => e.excluded && (matches(e, ns) || matches(e, '*')))) return false;
  return entries.some((e) => !e.excluded && (matches(e, ns) || matches(e, '*')));
}

/** The listener a service port goes through: the one for that port, else the catch-all. */
const listenerFor = (egress: readonly EgressListener[], port: number) =>
  egress.find((l) => l.port !== undefined && l.port.number === port) ??
  egress.find((l) => l.port === undefined);

const where = (r: { file: string; line: number }) => `${r.file}:${r.line}`;

/**
 * The caller's scope (Istio's SidecarScope): the resources whose exportTo (or the mesh's default for it)
 * reaches the caller's namespace, and the services and VirtualServices its Sidecar's egress imports.
 * A resource with its own exportTo is left to the lookups that already check it.
 */
export function scopeFor(
  loaded: LoadedConfig,
  caller: { namespace: string; labels: Readonly<Record<string, string>> },
  mesh: MeshSettings,
): ScopedConfig {
  const hidden: HiddenResource[] = [];
  const meshAt = loaded.meshConfig === undefined ? '' : ` (${where(loaded.meshConfig)})`;
  const keep = <T extends Resource>(
    kind: HiddenResource['kind'],
    list: readonly T[],
    meshDefault: readonly string[] | null,
    field: string,
  ): T[] =>
    list.filter((r) => {
      const own = r.resource.spec.exportTo;
      if (
        own !== undefined ||
        meshDefault === null ||
        isExportedTo(meshDefault, r.resource.metadata.namespace, caller.namespace)
      )
        return true;
      hidden.push({
        kind,
        resource: r,
        reason: `not exported to namespace ${caller.namespace}: no exportTo, and the mesh config's ${field} is ${JSON.stringify(meshDefault)}${meshAt}`,
      });
      return false;
    });
  let serviceEntries = keep(
    'ServiceEntry',
    loaded.serviceEntries,
    mesh.defaultServiceExportTo,
    'defaultServiceExportTo',
  );
  let virtualServices = keep(
    'VirtualService',
    loaded.virtualServices,
    mesh.defaultVirtualServiceExportTo,
    'defaultVirtualServiceExportTo',
  );
  const destinationRules = keep(
    'DestinationRule',
    loaded.destinationRules,
    mesh.defaultDestinationRuleExportTo,
    'defaultDestinationRuleExportTo',
  );
  // A LoadedConfig built before Sidecars were read has none.
  const applied = sidecarFor(loaded.sidecars ?? [], caller.namespace, caller.labels, mesh.rootNamespace);
  const egress = applied === null ? null : egressOf(applied.sidecar.resource);
  const sidecarName =
    applied === null
      ? ''
      : `${applied.sidecar.resource.metadata.namespace}/${applied.sidecar.resource.metadata.name} (${where(applied.sidecar)})`;
  if (egress !== null) {
    const importsAny = (hosts: readonly string[], ns: string) =>
      egress.some((l) => hosts.some((h) => imports(l, h, ns, caller.namespace)));
    serviceEntries = serviceEntries.filter((se) => {
      if (importsAny(se.resource.spec.hosts, se.resource.metadata.namespace)) return true;
      hidden.push({
        kind: 'ServiceEntry',
        resource: se,
        reason: `not imported by the egress hosts of Sidecar ${sidecarName}`,
      });
      return false;
    });
    virtualServices = virtualServices.filter((vs) => {
      if (importsAny(vs.resource.spec.hosts ?? [], vs.resource.metadata.namespace)) return true;
      hidden.push({
        kind: 'VirtualService',
        resource: vs,
        reason: `not imported by the egress hosts of Sidecar ${sidecarName}`,
      });
      return false;
    });
  }
  const policy = applied?.sidecar.resource.spec.outboundTrafficPolicy;
  return {
    loaded: { ...loaded, serviceEntries, virtualServices, destinationRules },
    hidden,
    sidecar: applied,
    portVisible: (se, port) => {
      if (egress === null) return true;
      const l = listenerFor(egress, port);
      return (
        l !== undefined &&
        se.resource.spec.hosts.some((h) => imports(l, h, se.resource.metadata.namespace, caller.namespace))
      );
    },
    outboundTrafficPolicy:
      policy !== undefined
        ? { mode: policy.mode, from: 'sidecar' }
        : { mode: mesh.outboundTrafficPolicy, from: 'mesh' },
  };
}
