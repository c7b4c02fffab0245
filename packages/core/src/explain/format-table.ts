import { argumentError, isPlainObject } from '../config/resources/argument-checks.js';
import { formatDiagnostic, inReadingOrder } from '../config/resources/diagnostics.js';
import type { ClusterExplanation } from './cluster.js';
import type { Explanation } from './explain.js';
import { clusterRows, endpointsTable, fieldTable, routeRows, sourceText, table } from './field-rows.js';
import { scenarioSections } from './format-scenario.js';
import { LineSink } from './line-sink.js';
import { wrapParagraph } from './text-layout.js';
import type { Explained } from './values.js';
import type { VirtualHostExplanation } from './virtual-hosts.js';

export { sourceText } from './field-rows.js';

function listed(title: string, lines: readonly string[]): string[] {
  const indent = title.length - title.trimStart().length;
  const bullet = `${' '.repeat(indent)}  - `;
  return lines.length === 0
    ? []
    : [title, ...lines.flatMap((l) => wrapParagraph(l, bullet, ' '.repeat(bullet.length)))];
}

const where = (file: string, line: number) => `${file}:${line}`;

/** The explanation as people read it: istioctl-style summaries, then every value with its source. */
export function formatExplanationTable(e: Explanation): string {
  const parts: string[] = [];
  writeExplanationTable(e, (part) => parts.push(part));
  return parts.join('');
}

/** The same text handed to `write` in parts as it is made, so that a large one is never held whole. */
export function writeExplanationTable(e: Explanation, write: (part: string) => void): void {
  if (!isPlainObject(e) || !isPlainObject(e.proxy) || !Array.isArray(e.clusters))
    argumentError('formatExplanationTable(explanation)', 'what explainConfig returns', e);
  const out = new LineSink(write);
  out.push(...wrapParagraph(proxyLine(e.proxy), '', '  '));
  out.push(...summaries(e));
  for (const c of e.clusters) out.push(...clusterSection(c));
  for (const v of e.virtualHosts) out.push(...virtualHostSection(v));
  out.push(...scenarioSections(e));
  if (e.notExplained.length > 0) {
    const lines = e.notExplained.map((n) => `${n.what} (${where(n.file, n.line)}): ${n.reason}`);
    out.push('', ...listed('Not explained:', lines));
  }
  if (e.diagnostics.length > 0) {
    out.push(
      '',
      ...listed('Diagnostics (as meshsim validate prints them):', e.diagnostics.map(formatDiagnostic)),
    );
  }
  out.end();
}

/** Who the sidecar is: namespace, Istio version, locality and labels, each with its source. */
function proxyLine(p: Explanation['proxy']): string {
  const setting = (label: string, v: Explained<string>) =>
    `${label} ${v.value === '' ? 'unknown' : v.value} (${sourceText(v)})`;
  const labels = Object.entries(p.labels.value).map(([k, v]) => `${k}=${v}`);
  const labelled = labels.length === 0 ? '' : `, labels ${labels.join(', ')} (${sourceText(p.labels)})`;
  const scope = [
    ...(p.sidecar === undefined
      ? []
      : [`Sidecar ${p.sidecar.name} (${where(p.sidecar.file, p.sidecar.line)}: ${p.sidecar.why})`]),
    ...(p.meshConfig === undefined
      ? []
      : [`mesh config ConfigMap ${p.meshConfig.name} (${where(p.meshConfig.file, p.meshConfig.line)})`]),
    ...(p.outboundTrafficPolicy === undefined
      ? []
      : [`outboundTrafficPolicy ${p.outboundTrafficPolicy.value} (${sourceText(p.outboundTrafficPolicy)})`]),
  ];
  const scoped = scope.length === 0 ? '' : `\n  ${scope.join('\n  ')}`;
  return `meshsim explain: a sidecar in ${setting('namespace', p.namespace)}, ${setting('Istio', p.istioVersion)}, ${setting('locality', p.locality)}${labelled}${scoped}`;
}

/** The istioctl-style summaries: one line per cluster, one per route. */
function summaries(e: Explanation): string[] {
  const clusters = table(['SERVICE FQDN', 'PORT', 'SUBSET', 'PROTOCOL', 'TYPE', 'LB', 'DESTINATION RULE']);
  for (const c of e.clusters) {
    clusters.push([
      c.host,
      c.port,
      c.subset || '-',
      c.protocol.value,
      c.type.value,
      c.lbPolicy.value,
      c.destinationRule?.name ?? '-',
    ]);
  }
  const routes = table(['NAME', 'VHOST', 'MATCH', 'DESTINATION', 'VIRTUAL SERVICE']);
  for (const v of e.virtualHosts) {
    for (const r of v.routes) {
      const to =
        r.localReply !== null
          ? `${r.localReply.status} ${r.localReply.flags}`
          : r.destinations.map((d) => `${d.cluster} (${d.weight.value})`).join(', ');
      routes.push([String(v.port), v.name, r.match.value, to, r.virtualService?.name ?? '-']);
    }
  }
  return [
    '',
    'Clusters',
    e.clusters.length === 0 ? '  none' : clusters.toString(),
    '',
    'Routes',
    e.virtualHosts.length === 0 ? '  none' : routes.toString(),
  ];
}

function clusterSection(c: ClusterExplanation): string[] {
  const out = ['', ...wrapParagraph(`Cluster ${c.name}`)];
  const se = c.serviceEntry;
  out.push(...wrapParagraph(`from ServiceEntry ${se.name} (${where(se.file, se.line)})`, '  ', '    '));
  if (c.destinationRule !== null) {
    const dr = c.destinationRule;
    out.push(...wrapParagraph(`and DestinationRule ${dr.name} (${where(dr.file, dr.line)})`, '  ', '    '));
  }
  out.push(fieldTable(clusterRows(c)));
  const endpoints = endpointsTable(c);
  if (endpoints !== undefined) out.push(endpoints);
  out.push(...listed('  Notes:', c.notes));
  out.push(...listed('  Not modelled:', inReadingOrder(c.notModelled).map(formatDiagnostic)));
  return out;
}

function virtualHostSection(v: VirtualHostExplanation): string[] {
  const out = ['', ...wrapParagraph(`Virtual host ${v.name} (${v.protocol})`)];
  out.push(...listed('  Notes:', v.notes));
  for (const r of v.routes) {
    const from = r.virtualService === null ? '' : ` from VirtualService ${r.virtualService.name}`;
    out.push(...wrapParagraph(`Route ${r.name}${from}`, '  ', '    '));
    out.push(fieldTable(routeRows(r)));
    out.push(...listed('  Notes:', r.notes));
    out.push(...listed('  Not modelled:', inReadingOrder(r.notModelled).map(formatDiagnostic)));
  }
  return out;
}
