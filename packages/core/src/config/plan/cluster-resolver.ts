import { isIP } from 'node:net';
import type { Located } from '../resources/load.js';
import type { ServiceEntry } from '../resources/schema/service-entry.js';
import { translateCluster } from '../translate/cluster.js';
import { type ClusterResolver, destinationPort } from '../translate/http-routes.js';
import { findDestinationRule, findServiceEntry } from '../translate/visibility.js';
import type { PlanContext } from './plan-context.js';

/**
 * The resolver a traffic source's routes use: a cluster per (host, port, subset), built the first time a
 * route reaches it and shared with every later source; null for a host, port or subset nothing declares.
 * A destination without a port keeps `listenerPort`, the source's, when its ServiceEntry has it.
 */
export function clusterResolver(ctx: PlanContext, listenerPort: number): ClusterResolver {
  const { loaded, spec, clusters, diagnostics } = ctx;
  const caller = spec.proxy.namespace;
  return (destHost, destPort, subset) => {
    const destSe = findServiceEntry(loaded.serviceEntries, destHost, caller);
    if (destSe === undefined) return null;
    const destPorts = destSe.resource.spec.ports ?? [];
    const wanted = destinationPort(destPorts, destPort, listenerPort);
    const sePort = destPorts.find((p) => p.number === wanted);
    // A port the caller's Sidecar does not import has no cluster in its sidecar: 503 NC.
    if (sePort === undefined || !ctx.scope.portVisible(destSe, sePort.number)) return null;
    const existing = clusters.findIndex(
      (c) => c.serviceHost === destHost && c.port === sePort.number && c.name.split('|')[2] === subset,
    );
    if (existing >= 0) return existing;
    const dr = findDestinationRule(
      loaded.destinationRules,
      destHost,
      destSe.resource.metadata.namespace,
      caller,
      ctx.mesh.rootNamespace,
    );
    if (subset !== '' && !dr?.resource.spec.subsets?.some((x) => x.name === subset)) return null;
    const model = translateCluster(
      {
        serviceEntry: destSe,
        host: destHost,
        port: sePort,
        destinationRule: dr,
        istioVersion: spec.proxy.istioVersion,
        subset,
        proxyLocality: spec.proxy.locality ?? '',
        proxyLabels: spec.proxy.labels ?? {},
        mesh: ctx.mesh,
      },
      diagnostics,
    );
    if (model === null) return null;
    if (model.type === 'ORIGINAL_DST') warnUnresolvedOriginalDst(ctx, destSe, destHost);
    clusters.push(model);
    return clusters.length - 1;
  };
}

/** resolution NONE dials what the application resolves: a name spec.dns lacks fails every lookup (DF). */
function warnUnresolvedOriginalDst(ctx: PlanContext, se: Located<ServiceEntry>, host: string): void {
  if (isIP(host) !== 0 || ctx.spec.dns[host] !== undefined) return;
  const { line, column } = se.positionOf(['spec', 'resolution']);
  ctx.diagnostics.push({
    severity: 'warning',
    file: se.file,
    line,
    column,
    path: 'spec.resolution',
    message: `resolution NONE: the application dials the address it resolves for ${host}, and spec.dns has no entry for it, so every lookup fails (DF)`,
  });
}
