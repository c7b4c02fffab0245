import type { EnvoyConfigDocument } from '../resources/load.js';
import { DumpContext } from './dump-context.js';
import type { DumpCluster, DumpListener, DumpRouteConfig, EnvoyDump } from './dump-model.js';
import { configDumpSections, type Sections, staticSections } from './dump-sections.js';
import { versionsOf } from './envoy-version.js';
import { type EdsAssignments, readCluster } from './read-cluster.js';
import { readListener } from './read-listener.js';
import { readRouteConfig } from './read-route.js';
import { clusterLoadAssignmentSchema } from './schema/endpoint.js';

/** The endpoints dump's assignments, by the service name EDS clusters ask for. */
function edsAssignments(ctx: DumpContext, sections: Sections): EdsAssignments {
  const out = new Map<
    string,
    { cla: ReturnType<typeof clusterLoadAssignmentSchema.parse>; path: Array<string | number> }
  >();
  for (const { raw, path } of sections.endpoints) {
    const cla = ctx.parse(clusterLoadAssignmentSchema, raw, path);
    if (cla?.cluster_name !== undefined) out.set(cla.cluster_name, { cla, path: [...path] });
  }
  return out;
}

/**
 * Reads an Envoy configuration into the model the runtime runs, with no Istio translation: a config dump
 * (`/config_dump?include_eds`, `istioctl proxy-config all POD -o json`), a bootstrap's static_resources,
 * or an xDS resources list. Every bad value is an error at its JSON path; whatever meshsim does not
 * simulate is listed with the object it belongs to (clusters, routes, filter chains) or in `diagnostics`.
 */
export function readEnvoyConfig(doc: EnvoyConfigDocument): EnvoyDump {
  const ctx = new DumpContext(doc);
  const sections =
    doc.shape === 'config_dump'
      ? configDumpSections(ctx, doc.resource)
      : staticSections(ctx, doc.resource, doc.shape);
  const versions = versionsOf(sections.bootstrap?.raw);
  const eds = edsAssignments(ctx, sections);
  const clusters: DumpCluster[] = [];
  const seen = new Set<string>();
  for (const { raw, path } of sections.clusters) {
    const cluster = readCluster(ctx, raw, path, eds, versions.envoy);
    if (cluster === undefined) continue;
    if (seen.has(cluster.name)) {
      ctx.report('warning', path, `a second cluster named ${cluster.name}: the first one is used`);
      continue;
    }
    seen.add(cluster.name);
    clusters.push(cluster);
  }
  const listeners: DumpListener[] = [];
  for (const { raw, path } of sections.listeners) {
    const listener = readListener(ctx, raw, path);
    if (listener !== undefined) listeners.push(listener);
  }
  const routeConfigs: DumpRouteConfig[] = [];
  for (const { raw, path } of sections.routes) {
    const rc = readRouteConfig(ctx, raw, path);
    if (rc !== undefined) routeConfigs.push(rc);
  }
  return {
    file: doc.file,
    shape: doc.shape,
    envoyVersion: versions.envoy,
    istioVersion: versions.istio,
    clusters,
    listeners,
    routeConfigs,
    diagnostics: ctx.diagnostics,
  };
}
