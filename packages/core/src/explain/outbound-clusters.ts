import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import type { ServiceEntry, ServicePort } from '../config/resources/schema/service-entry.js';
import { translateCluster } from '../config/translate/cluster.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { findDestinationRule, findServiceEntry, isExportedTo } from '../config/translate/visibility.js';

import type { Caller } from './caller.js';
import { type ClusterExplanation, explainCluster } from './cluster.js';
import { withMeshSources } from './mesh-values.js';
import { type NotExplained, what } from './unused.js';

/** A `host:port` the caller can reach, and the index of its default cluster in the models. */
export interface Listener {
  se: Located<ServiceEntry>;
  host: string;
  port: ServicePort;
  cluster: number;
}

/** Every cluster the caller reaches, as translated and as explained (same order), and what they came from. */
export interface OutboundClusters {
  models: TranslatedCluster[];
  clusters: ClusterExplanation[];
  listeners: Listener[];
  /** The DestinationRules that shaped at least one cluster. */
  usedRules: Set<unknown>;
}

/**
 * For every ServiceEntry host and port visible to the caller, the default cluster and one per
 * DestinationRule subset, built by the translation `meshsim run` uses. What is left out goes to `notExplained`.
 */
export function explainOutboundClusters(
  loaded: LoadedConfig,
  caller: Caller,
  notExplained: NotExplained[],
): OutboundClusters {
  const out: OutboundClusters = { models: [], clusters: [], listeners: [], usedRules: new Set() };
  for (const se of loaded.serviceEntries) {
    const spec = se.resource.spec;
    if (!isExportedTo(spec.exportTo, se.resource.metadata.namespace, caller.namespace)) {
      notExplained.push({
        what: what('ServiceEntry', se),
        file: se.file,
        line: se.line,
        reason: `not exported to namespace ${caller.namespace} (exportTo ${JSON.stringify(spec.exportTo)})`,
      });
      continue;
    }
    for (const host of spec.hosts) {
      const owner = findServiceEntry(loaded.serviceEntries, host, caller.namespace);
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
      // A Sidecar may import only some ports of the service.
      for (const port of (spec.ports ?? []).filter((p) => caller.portVisible?.(se, p.number) ?? true)) {
        const [first] = buildClusters(loaded, caller, se, host, port, out, notExplained);
        if (first !== undefined) out.listeners.push({ se, host, port, cluster: first });
      }
    }
  }
  return out;
}

/** The clusters of one host and port (default, then each subset); returns their indexes in `out.models`. */
function buildClusters(
  loaded: LoadedConfig,
  caller: Caller,
  se: Located<ServiceEntry>,
  host: string,
  port: ServicePort,
  out: OutboundClusters,
  notExplained: NotExplained[],
): number[] {
  const dr = findDestinationRule(
    loaded.destinationRules,
    host,
    se.resource.metadata.namespace,
    caller.namespace,
    caller.mesh?.rootNamespace,
  );
  const built: number[] = [];
  for (const subset of ['', ...(dr?.resource.spec.subsets ?? []).map((s) => s.name)]) {
    const notes: Diagnostic[] = [];
    const model = translateCluster(
      {
        serviceEntry: se,
        host,
        port,
        destinationRule: dr,
        istioVersion: caller.istioVersion,
        subset,
        proxyLocality: caller.locality,
        proxyLabels: caller.labels,
        ...(caller.mesh !== undefined ? { mesh: caller.mesh } : {}),
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
    if (dr !== null) out.usedRules.add(dr);
    out.models.push(model);
    out.clusters.push(
      withMeshSources(explainCluster(model, se, dr, caller.istioVersion, notes), model, loaded.meshConfig),
    );
    built.push(out.models.length - 1);
  }
  return built;
}
