import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import { formatPath } from '../config/resources/positions.js';
import { CURRENT_ISTIO_VERSION, ISTIO_VERSION_PATTERN } from '../config/resources/schema/scenario.js';
import type { ServiceEntry, ServicePort } from '../config/resources/schema/service-entry.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { translateCluster } from '../config/translate/cluster.js';
import {
  applyHashPolicy,
  type ClusterResolver,
  defaultRoute,
  destinationPort,
  matchesSource,
  type RouteNote,
  routeHashKey,
  routingVirtualService,
  translateHttpRoute,
} from '../config/translate/http-routes.js';
import { defaultRetryPolicyFor } from '../config/translate/istio-defaults.js';
import { applicationSpeaksTls, isTcpProxied } from '../config/translate/port-protocol.js';
import { tcpRouteFor } from '../config/translate/tcp-routes.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { findDestinationRule, findServiceEntry, isExportedTo } from '../config/translate/visibility.js';

import { type ClusterExplanation, explainCluster, type ResourceRef, refOf } from './cluster.js';
import { explainRoute, noMatchRoute, type RouteExplanation } from './routes.js';
import { type NotExplained, notExplainedParts, unusedDestinationRules, what } from './unused.js';
import { byDefault, type Explained, setAt, setBy, writtenIn } from './values.js';

export type { NotExplained } from './unused.js';

export interface ExplainOptions {
  /** The caller's namespace: exportTo visibility, DestinationRule and VirtualService lookup. */
  namespace?: string;
  /** Selects version-dependent defaults (default: the Scenario's, else the current release). */
  istioVersion?: string;
  /** The caller's `region/zone/subzone`, for locality failover priorities. */
  locality?: string;
  /** The caller's pod labels: VirtualService sourceLabels, and failoverPriority. */
  labels?: Readonly<Record<string, string>>;
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

/** The effective Envoy config a sidecar in `proxy.namespace` gets from these resources, every value explained. */
export interface Explanation {
  proxy: {
    namespace: Explained<string>;
    istioVersion: Explained<string>;
    locality: Explained<string>;
    labels: Explained<Readonly<Record<string, string>>>;
  };
  clusters: ClusterExplanation[];
  virtualHosts: VirtualHostExplanation[];
  notExplained: NotExplained[];
  /** Problems with the input itself, as `meshsim validate` reports them (and bad options). */
  diagnostics: Diagnostic[];
}

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

/** The caller's pod labels: the options', else the Scenario's proxy.labels, else none. */
function proxyLabels(
  loaded: LoadedConfig,
  options: ExplainOptions,
): Explained<Readonly<Record<string, string>>> {
  if (options.labels !== undefined)
    return setBy(options.origin ?? 'explain options', '--label', options.labels);
  const scenario = loaded.scenario;
  const path = ['spec', 'proxy', 'labels'];
  const labels = scenario?.resource.spec.proxy.labels;
  if (scenario !== undefined && labels !== undefined && writtenIn(scenario, path)) {
    return setAt(scenario, path, labels);
  }
  return byDefault({}, 'meshsim default', 'none');
}

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
  const labels = proxyLabels(loaded, options);
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
  const models: TranslatedCluster[] = [];
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
          proxyLabels: labels.value,
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
  /** Routes left out of some virtual host because their match blocks name other callers. */
  const otherCallers = new Set<string>();
  /** VirtualServices ignored for a host another one binds first (IST0109), by `file:line:host`. */
  const ignoredServices = new Map<string, Located<VirtualService>>();
  const source = { namespace: caller, labels: labels.value };
  const virtualHosts: VirtualHostExplanation[] = listeners.map(({ host, port, cluster }) => {
    const resolve: ClusterResolver = (h, p, subset) => {
      const se = findServiceEntry(loaded.serviceEntries, h, caller);
      return se === undefined
        ? null
        : clusterIndex(h, destinationPort(se.resource.spec.ports ?? [], p, port.number), subset);
    };
    const { services, ignored } = routingVirtualService(loaded.virtualServices, host, caller);
    for (const { vs, reason } of ignored) {
      const key = `${vs.file}:${vs.line}:${host}`;
      if (ignoredServices.has(key)) continue;
      ignoredServices.set(key, vs);
      notExplained.push({
        what: `${what('VirtualService', vs)} host ${host}`,
        file: vs.file,
        line: vs.line,
        reason,
      });
    }
    const hashedOf = (model: ReturnType<typeof defaultRoute>) => {
      applyHashPolicy(model, models);
      return routeHashKey(model, models) !== null;
    };
    const nameOf = (i: number) => models[i]?.name ?? `#${i}`;
    const routes: RouteExplanation[] = [];
    const protocol = models[cluster]?.protocol ?? 'HTTP';
    const tcp = isTcpProxied(protocol);
    if (tcp) {
      // The tcp_proxy's one route: http routes never see this port's traffic (they stay unexplained).
      const { notes, note } = routeNotes();
      const shape = { host, port: port.number, source };
      const model = tcpRouteFor(shape, applicationSpeaksTls(protocol), services, resolve, note);
      const explained = explainRoute(model, null, nameOf, version, false, notes);
      const which = model.name === 'default' ? 'no tls or tcp route: the port itself' : model.name;
      const vs = model.name === 'default' ? undefined : services[0];
      routes.push({
        ...explained,
        virtualService: vs === undefined ? null : refOf(vs),
        match: byDefault('*', 'Istio default', `tcp_proxy, per connection (${which})`),
        // A tcp_proxy has none of these: it sees bytes, not requests.
        timeoutMs: null,
        retry: null,
        fault: null,
      });
    } else {
      if (services.length === 0) {
        const model = defaultRoute(host, port.number, defaultRetry, resolve);
        routes.push(explainRoute(model, null, nameOf, version, hashedOf(model), []));
      }
      for (const vs of services) {
        (vs.resource.spec.http ?? []).forEach((r, index) => {
          // istiod builds a sidecar's routes from the match blocks for its port and its workload (source
          // labels, namespace); a route none of whose blocks apply is not in this virtual host.
          const blocks = r.match ?? [];
          const onPort = blocks.map((b) => (b.port ?? 0) === 0 || b.port === port.number);
          const applies = blocks.map((b, j) => onPort[j] === true && matchesSource(b, source));
          if (blocks.length > 0 && !applies.includes(true)) {
            if (onPort.includes(true)) otherCallers.add(`${vs.file}:${vs.line}:${index}`);
            return;
          }
          const { notes, note } = routeNotes();
          const model = translateHttpRoute(vs, index, defaultRetry, resolve, note);
          shownRoutes.add(`${vs.file}:${vs.line}:${index}`);
          routes.push(explainRoute(model, { vs, index, applies }, nameOf, version, hashedOf(model), notes));
        });
      }
      const last = routes[routes.length - 1];
      if (services.length > 0 && (last === undefined || last.match.from === 'set'))
        routes.push(noMatchRoute());
    }
    return {
      name: `${host}:${port.number}`,
      host,
      port: port.number,
      protocol,
      virtualServices: services.map(refOf),
      routes,
      notes: tcp
        ? [
            `${protocol}: the sidecar tcp-proxies this port: connections, not requests, are routed, and no http route, timeout, retry or fault applies`,
          ]
        : [],
    };
  });

  const shaped = listeners.map(({ se, host }) => ({ host, namespace: se.resource.metadata.namespace }));
  notExplained.push(...unusedDestinationRules(loaded.destinationRules, usedRules, shaped, caller));
  const ignoredSomewhere = new Set(ignoredServices.values());
  for (const vs of loaded.virtualServices) {
    notExplainedParts(vs, caller, { shown: shownRoutes, otherCallers, ignoredSomewhere }, notExplained);
  }

  return {
    proxy: { namespace, istioVersion, locality, labels },
    clusters,
    virtualHosts,
    notExplained,
    diagnostics,
  };
}

/** A route's warnings about fields the simulation leaves out, collected as diagnostics. */
function routeNotes(): { notes: Diagnostic[]; note: RouteNote } {
  const notes: Diagnostic[] = [];
  const note: RouteNote = (doc, path, message) => {
    const { line, column } = doc.positionOf(path);
    notes.push({ severity: 'warning', file: doc.file, line, column, path: formatPath(path), message });
  };
  return { notes, note };
}
