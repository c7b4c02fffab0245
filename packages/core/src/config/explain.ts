import type { Diagnostic } from './diagnostics.js';
import type { ClusterModel } from './envoy-model.js';
import { type ClusterExplanation, explainCluster, type ResourceRef, refOf } from './explain-cluster.js';
import { explainRoute, noMatchRoute, type RouteExplanation } from './explain-routes.js';
import { byDefault, type Explained, setAt, setBy, writtenIn } from './explain-values.js';
import type { LoadedConfig, Located } from './load.js';
import { formatPath } from './positions.js';
import { CURRENT_ISTIO_VERSION, ISTIO_VERSION_PATTERN } from './schema/scenario.js';
import type { ServiceEntry, ServicePort } from './schema/service-entry.js';
import type { VirtualService } from './schema/virtual-service.js';
import { translateCluster } from './translate-cluster.js';
import {
  type ClusterResolver,
  defaultRetryPolicyFor,
  defaultRoute,
  destinationPort,
  dropPreviousHostsWhenHashed,
  type RouteNote,
  routeHashKey,
  translateHttpRoute,
  virtualServicesFor,
} from './translate-routes.js';
import { findDestinationRule, findServiceEntry, hostMatches, isExportedTo } from './visibility.js';

export interface ExplainOptions {
  /** The caller's namespace: exportTo visibility, DestinationRule and VirtualService lookup. */
  namespace?: string;
  /** Selects version-dependent defaults (default: the Scenario's, else the current release). */
  istioVersion?: string;
  /** The caller's `region/zone/subzone`, for locality failover priorities. */
  locality?: string;
  /** How values given here are named in provenance (default `explain options`; the CLI says `command line`). */
  origin?: string;
}

/** The routes the sidecar has for one `host:port` (istioctl's virtual host), first match wins. */
export interface VirtualHostExplanation {
  name: string;
  host: string;
  port: number;
  protocol: string;
  virtualServices: ResourceRef[];
  routes: RouteExplanation[];
  notes: string[];
}

/** Something in the input that shapes no cluster or route for this caller, and why. */
export interface NotExplained {
  what: string;
  file: string;
  line: number;
  reason: string;
}

/** The effective Envoy config a sidecar in `proxy.namespace` gets from these resources, every value explained. */
export interface Explanation {
  proxy: { namespace: Explained<string>; istioVersion: Explained<string>; locality: Explained<string> };
  clusters: ClusterExplanation[];
  virtualHosts: VirtualHostExplanation[];
  notExplained: NotExplained[];
  /** Problems with the input itself, as `meshsim validate` reports them (and bad options). */
  diagnostics: Diagnostic[];
}

/** Port protocols whose traffic the sidecar routes per HTTP request. */
const HTTP_ROUTED = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

type ProxyField = 'namespace' | 'istioVersion' | 'locality';

function proxySetting(
  loaded: LoadedConfig,
  options: ExplainOptions,
  field: ProxyField,
  fallback: string,
  note: string,
): Explained<string> {
  const given = options[field];
  if (given !== undefined) return setBy(options.origin ?? 'explain options', `--${field}`, given);
  const scenario = loaded.scenario;
  const path = ['spec', 'proxy', field];
  if (scenario !== undefined && writtenIn(scenario, path)) {
    return setAt(scenario, path, scenario.resource.spec.proxy[field] ?? fallback);
  }
  return byDefault(fallback, 'meshsim default', note);
}

const what = (kind: string, r: Located<{ metadata: { namespace: string; name: string } }>) =>
  `${kind} ${refOf(r).name}`;

/**
 * The effective clusters and routes for a caller, built with the same translation `meshsim run` uses:
 * for every visible ServiceEntry host and port, the default cluster and one per DestinationRule subset;
 * for each, the http routes of its VirtualServices, or Istio's default route.
 */
export function explainConfig(loaded: LoadedConfig, options: ExplainOptions = {}): Explanation {
  const diagnostics = [...loaded.diagnostics];
  const namespace = proxySetting(loaded, options, 'namespace', 'default', 'Scenario proxy.namespace default');
  const istioVersion = proxySetting(
    loaded,
    options,
    'istioVersion',
    CURRENT_ISTIO_VERSION,
    'the current release',
  );
  const locality = proxySetting(loaded, options, 'locality', '', 'unknown');
  if (!ISTIO_VERSION_PATTERN.test(istioVersion.value)) {
    diagnostics.push({
      severity: 'error',
      file: options.origin ?? 'explain options',
      line: 0,
      column: 0,
      path: 'istioVersion',
      message: `must look like "1.24", got ${JSON.stringify(istioVersion.value)}`,
    });
  }
  const caller = namespace.value;
  const version = istioVersion.value;
  const models: ClusterModel[] = [];
  const clusters: ClusterExplanation[] = [];
  const notExplained: NotExplained[] = [];
  const usedRules = new Set<unknown>();

  const build = (se: Located<ServiceEntry>, host: string, port: ServicePort): number[] => {
    const dr = findDestinationRule(loaded.destinationRules, host, se.resource.metadata.namespace, caller);
    const built: number[] = [];
    for (const subset of ['', ...(dr?.resource.spec.subsets ?? []).map((s) => s.name)]) {
      const notes: Diagnostic[] = [];
      const model = translateCluster(
        {
          serviceEntry: se,
          host,
          port,
          destinationRule: dr,
          istioVersion: version,
          subset,
          proxyLocality: locality.value,
        },
        notes,
      );
      const name = `outbound|${port.number}|${subset}|${host}`;
      if (model === null) {
        const reason = notes
          .filter((d) => d.severity === 'error')
          .map((d) => `${d.path}: ${d.message}`)
          .join('; ');
        notExplained.push({ what: `cluster ${name}`, file: se.file, line: se.line, reason });
        continue;
      }
      if (dr !== null) usedRules.add(dr);
      models.push(model);
      clusters.push(explainCluster(model, se, dr, version, notes));
      built.push(models.length - 1);
    }
    return built;
  };

  const listeners: Array<{ se: Located<ServiceEntry>; host: string; port: ServicePort; cluster: number }> =
    [];
  for (const se of loaded.serviceEntries) {
    const spec = se.resource.spec;
    if (!isExportedTo(spec.exportTo, se.resource.metadata.namespace, caller)) {
      notExplained.push({
        what: what('ServiceEntry', se),
        file: se.file,
        line: se.line,
        reason: `not exported to namespace ${caller} (exportTo ${JSON.stringify(spec.exportTo)})`,
      });
      continue;
    }
    for (const host of spec.hosts) {
      const owner = findServiceEntry(loaded.serviceEntries, host, caller);
      if (owner !== se) {
        const by = owner === undefined ? 'another ServiceEntry' : what('ServiceEntry', owner);
        notExplained.push({
          what: `${what('ServiceEntry', se)} host ${host}`,
          file: se.file,
          line: se.line,
          reason: `${by} declares it first`,
        });
        continue;
      }
      for (const port of spec.ports ?? []) {
        const [first] = build(se, host, port);
        if (first !== undefined) listeners.push({ se, host, port, cluster: first });
      }
    }
  }

  const clusterIndex = (host: string, port: number | undefined, subset: string): number | null => {
    const i = models.findIndex(
      (m) => m.serviceHost === host && m.port === port && m.name.split('|')[2] === subset,
    );
    return i < 0 ? null : i;
  };
  const defaultRetry = defaultRetryPolicyFor(version);
  const shownRoutes = new Set<string>();
  const virtualHosts: VirtualHostExplanation[] = listeners.map(({ host, port, cluster }) => {
    const resolve: ClusterResolver = (h, p, subset) => {
      const se = findServiceEntry(loaded.serviceEntries, h, caller);
      return se === undefined
        ? null
        : clusterIndex(h, destinationPort(se.resource.spec.ports ?? [], p, port.number), subset);
    };
    const services = virtualServicesFor(loaded.virtualServices, host, caller);
    const hashedOf = (model: ReturnType<typeof defaultRoute>) => {
      dropPreviousHostsWhenHashed(model, models);
      return routeHashKey(model, models) !== null;
    };
    const nameOf = (i: number) => models[i]?.name ?? `#${i}`;
    const routes: RouteExplanation[] = [];
    if (services.length === 0) {
      const model = defaultRoute(host, port.number, defaultRetry, resolve);
      routes.push(explainRoute(model, null, nameOf, version, hashedOf(model), []));
    }
    for (const vs of services) {
      (vs.resource.spec.http ?? []).forEach((r, index) => {
        const blocks = r.match ?? [];
        if (blocks.length > 0 && blocks.every((b) => (b.port ?? 0) !== 0 && b.port !== port.number)) return;
        const notes: Diagnostic[] = [];
        const note: RouteNote = (doc, path, message) => {
          const { line, column } = doc.positionOf(path);
          notes.push({ severity: 'warning', file: doc.file, line, column, path: formatPath(path), message });
        };
        const model = translateHttpRoute(vs, index, defaultRetry, resolve, note);
        shownRoutes.add(`${vs.file}:${vs.line}:${index}`);
        routes.push(explainRoute(model, { vs, index }, nameOf, version, hashedOf(model), notes));
      });
    }
    const last = routes[routes.length - 1];
    if (services.length > 0 && (last === undefined || last.match.from === 'set')) routes.push(noMatchRoute());
    const protocol = models[cluster]?.protocol ?? 'HTTP';
    return {
      name: `${host}:${port.number}`,
      host,
      port: port.number,
      protocol,
      virtualServices: services.map(refOf),
      routes,
      notes: HTTP_ROUTED.has(protocol)
        ? []
        : [
            `${protocol}: a real sidecar tcp-proxies this port and uses none of these HTTP routes; meshsim runs them as if it were HTTP`,
          ],
    };
  });

  for (const dr of loaded.destinationRules) {
    if (usedRules.has(dr)) continue;
    const r = dr.resource;
    const shaped = listeners.find((l) => hostMatches(r.spec.host, l.host));
    const winner =
      shaped === undefined
        ? null
        : findDestinationRule(
            loaded.destinationRules,
            shaped.host,
            shaped.se.resource.metadata.namespace,
            caller,
          );
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
    notExplained.push({ what: what('DestinationRule', dr), file: dr.file, line: dr.line, reason });
  }
  for (const vs of loaded.virtualServices) notExplainedParts(vs, caller, shownRoutes, notExplained);

  return { proxy: { namespace, istioVersion, locality }, clusters, virtualHosts, notExplained, diagnostics };
}

/** The parts of a VirtualService no virtual host shows, and why. */
function notExplainedParts(
  vs: Located<VirtualService>,
  caller: string,
  shown: ReadonlySet<string>,
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
  (spec.http ?? []).forEach((_, i) => {
    if (!shown.has(`${vs.file}:${vs.line}:${i}`)) {
      add(
        ` http[${i}]`,
        vs.positionOf(['spec', 'http', i]).line,
        'applies to no port of a visible ServiceEntry host',
      );
    }
  });
  for (const kind of ['tcp', 'tls'] as const) {
    if (spec[kind] !== undefined) {
      add(` ${kind}`, vs.positionOf(['spec', kind]).line, `${kind} routes are not modelled yet`);
    }
  }
  if ((spec.hosts ?? []).length === 0)
    add('', vs.line, 'a delegate VirtualService: delegation is not modelled yet');
}
