import { formatDiagnostic, inReadingOrder } from '../config/resources/diagnostics.js';
import type { DumpClusterExplanation } from './dump-cluster.js';
import type { DumpVirtualHostExplanation, EnvoyConfigExplanation } from './envoy-config.js';
import { clusterRows, endpointsTable, fieldTable, routeRows, table } from './field-rows.js';
import type { SourceLocation } from './values.js';

const listed = (title: string, lines: readonly string[]): string[] =>
  lines.length === 0 ? [] : [title, ...lines.map((l) => `  - ${l}`)];

const at = (s: SourceLocation) => `${s.file}:${s.line} ${s.path}`;

/** An Envoy config explained as people read it: summaries, then every value with its JSON path or default. */
export function formatEnvoyConfigTable(e: EnvoyConfigExplanation): string {
  const i = e.input;
  const versions = [
    i.envoyVersion === null ? "Envoy's version not said" : `Envoy ${i.envoyVersion}`,
    ...(i.istioVersion === null ? [] : [`Istio ${i.istioVersion}`]),
  ];
  const out: string[] = [
    `meshsim explain: Envoy config ${i.file} (${i.shape}, ${versions.join(', ')}), read as it is: no Istio translation`,
  ];
  out.push(...summaries(e));
  for (const c of e.clusters) out.push(...clusterSection(c));
  for (const v of e.virtualHosts) out.push(...virtualHostSection(v));
  const chainNotes = e.listeners.flatMap((l) => l.chains.flatMap((c) => c.notModelled));
  if (chainNotes.length > 0)
    out.push('', ...listed('Listeners, not modelled:', inReadingOrder(chainNotes).map(formatDiagnostic)));
  if (e.diagnostics.length > 0)
    out.push('', ...listed('Diagnostics:', inReadingOrder(e.diagnostics).map(formatDiagnostic)));
  return `${out.join('\n')}\n`;
}

function summaries(e: EnvoyConfigExplanation): string[] {
  const listeners = table(['LISTENER', 'ADDRESS', 'FILTER CHAIN MATCH', 'HANDLER']);
  for (const l of e.listeners)
    for (const c of l.chains) listeners.push([l.name, `${l.address}:${l.port}`, c.match, c.handler]);
  const clusters = table(['CLUSTER', 'TYPE', 'LB', 'REACHED BY', 'ENDPOINTS']);
  for (const c of e.clusters)
    clusters.push([c.name, c.type.value, c.lbPolicy.value, c.protocol.value, c.endpoints.length]);
  const routes = table(['ROUTE CONFIG', 'VHOST', 'MATCH', 'DESTINATION']);
  for (const v of e.virtualHosts) {
    for (const r of v.routes) {
      const to =
        r.localReply !== null
          ? `${r.localReply.status} ${r.localReply.flags}`
          : r.destinations.map((d) => `${d.cluster} (${d.weight.value})`).join(', ') || '-';
      routes.push([v.routeConfig, v.name, r.match.value, to]);
    }
  }
  const none = '  none';
  return [
    '',
    'Listeners',
    e.listeners.length === 0 ? none : listeners.toString(),
    '',
    'Clusters',
    e.clusters.length === 0 ? none : clusters.toString(),
    '',
    'Routes',
    e.virtualHosts.length === 0 ? none : routes.toString(),
  ];
}

function clusterSection(c: DumpClusterExplanation): string[] {
  const out = ['', `Cluster ${c.name}`, `  at ${at(c.source)}`];
  if (c.endpointsFrom !== null) out.push(`  endpoints from ${at(c.endpointsFrom)}`);
  out.push(fieldTable(clusterRows(c, 'envoy')));
  const endpoints = endpointsTable(c);
  if (endpoints !== undefined) out.push(endpoints);
  out.push(...listed('  Notes:', c.notes));
  out.push(...listed('  Not modelled:', inReadingOrder(c.notModelled).map(formatDiagnostic)));
  return out;
}

function virtualHostSection(v: DumpVirtualHostExplanation): string[] {
  const out = [
    '',
    `Virtual host ${v.name} of route config ${v.routeConfig || '(unnamed)'}: ${v.domains.join(', ')}`,
    `  at ${at(v.source)}`,
  ];
  for (const r of v.routes) {
    out.push(`  Route ${r.name}`);
    out.push(fieldTable(routeRows(r)));
    out.push(...listed('  Notes:', r.notes));
    out.push(...listed('  Not modelled:', inReadingOrder(r.notModelled).map(formatDiagnostic)));
  }
  return out;
}
