import { printable } from '../config/resources/printable.js';
import { type FlagName, responseFlagMeaning } from '../envoy/response-flags.js';
import { clockText, notableEvents } from '../explain/notable-events.js';
import type { ReportContext } from '../explain/report-context.js';
import { TextTable, wrapParagraph } from '../explain/text-layout.js';
import { whyNotes } from '../explain/why-notes.js';
import { hostFailures, hostRequests, type Report } from '../observe/report.js';

const table = (head: string[]) => new TextTable(head);
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const ms = (x: number): string => `${x.toFixed(x < 10 ? 3 : 1)} ms`;

function flagMeaning(flags: string): string {
  return flags
    .split(',')
    .map((f) => responseFlagMeaning[f as FlagName | '-'] ?? 'unknown flag')
    .join('; ');
}

/** A run that stopped early says so first: everything below counts only until then. */
export function partialLines(report: Report): string[] {
  const p = report.partial;
  if (p === undefined) return [];
  return [
    `PARTIAL REPORT (${p.cause}): the run stopped at ${clockText(p.atMs)}; everything below counts only until then`,
    `  ${p.message}`,
    ...(p.field !== undefined ? [`  ${p.field}`] : []),
    '',
  ];
}

/** The most events the table lists; the rest are counted. */
const MAX_EVENTS = 40;

/**
 * The report as people read it: the client's view first, then each cluster and its hosts, the notable
 * events in time order, and, with the context it was run from, a short "why" pointing at config lines.
 */
export function formatReportTable(report: Report, context?: ReportContext): string {
  const out: string[] = [];
  const c = report.client;
  out.push(
    ...wrapParagraph(
      `meshsim: scenario ${report.scenario}, seed ${report.seed}, ${report.durationMs / 1000} s simulated`,
    ),
    '',
    ...partialLines(report),
    `Client: ${c.total} requests, error rate ${pct(c.errorRate)} (5xx${c.byStatus['0'] !== undefined ? ' or unanswered' : ''})`,
  );
  const status = table(['status', 'requests', 'share']);
  for (const [s, n] of Object.entries(c.byStatus)) status.push([s, n, pct(n / Math.max(1, c.total))]);
  out.push(status.toString());
  if (c.byGrpcStatus !== undefined) {
    const grpc = table(['grpc-status', 'requests', 'share']);
    const grpcTotal = Object.values(c.byGrpcStatus).reduce((a, b) => a + b, 0);
    for (const [s, n] of Object.entries(c.byGrpcStatus)) grpc.push([s, n, pct(n / Math.max(1, grpcTotal))]);
    out.push(grpc.toString());
  }
  const flags = table(['flags', 'requests', 'meaning']);
  for (const [f, n] of Object.entries(c.byFlag)) flags.push([f, n, flagMeaning(f)]);
  out.push(flags.toString());
  const lat = table(['latency', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max']);
  const l = c.latencyMs;
  lat.push(['client', ms(l.mean), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max)]);
  out.push(lat.toString());

  for (const [name, cluster] of Object.entries(report.clusters)) {
    out.push('', ...wrapParagraph(`Cluster ${name}`));
    // A tcp-proxied cluster: Envoy counts connections; the requests on them are the application's own.
    const tcp = cluster.proxy === 'tcp';
    if (tcp) out.push('tcp-proxied: no HTTP route, timeout, retry or fault; load is balanced per connection');
    const hosts = table([
      'host',
      'locality',
      ...(tcp ? ['connections'] : []),
      'requests',
      'share',
      tcp ? 'failed' : '5xx',
      'ejections',
      'ejected',
    ]);
    const total = cluster.hosts.reduce((s, h) => s + hostRequests(cluster, h), 0);
    for (const h of cluster.hosts) {
      hosts.push([
        h.address,
        h.locality || '-',
        ...(tcp ? [h.rqTotal] : []),
        hostRequests(cluster, h),
        pct(hostRequests(cluster, h) / Math.max(1, total)),
        hostFailures(cluster, h),
        h.ejections,
        `${(h.ejectedMs / 1000).toFixed(1)} s`,
      ]);
    }
    out.push(hosts.toString());
    if (cluster.ejectionsNotListed !== undefined)
      out.push(
        `${cluster.ejectionsNotListed} ejections after the first ${cluster.ejections.length} are counted above, not listed`,
      );
    const stats = table(['Envoy stat', 'value']);
    for (const [k, v] of Object.entries(cluster.stats)) if (v !== 0) stats.push([k, v]);
    out.push(stats.toString());
    // The breakers that reached their limit: how long each gauge was 1.
    const breakers = Object.entries(cluster.circuitBreakers ?? {});
    if (breakers.length > 0) {
      const open = table(['circuit breaker open', 'for', 'openings', 'at the end']);
      for (const [gauge, b] of breakers) {
        open.push([
          `circuit_breakers.default.${gauge}`,
          `${(b.openMs / 1000).toFixed(3)} s`,
          b.openings,
          b.openAtEnd ? 'open' : 'closed',
        ]);
      }
      out.push(open.toString());
    }
  }
  if (report.unfinished > 0) {
    out.push('', `${report.unfinished} requests were still waiting for an answer when the run ended.`);
  }

  const events = notableEvents(report, context);
  if (events.length > 0) {
    out.push('', 'Events');
    for (const e of events.slice(0, MAX_EVENTS))
      out.push(...wrapParagraph(e.text, `  ${clockText(e.atMs).padStart(9)}  `, ' '.repeat(13)));
    if (events.length > MAX_EVENTS)
      out.push(`  … ${events.length - MAX_EVENTS} more (--format json has them all)`);
  }
  if (context !== undefined) {
    const notes = whyNotes(report, context);
    if (notes.length > 0) {
      out.push('', 'Why');
      for (const n of notes) {
        out.push(...wrapParagraph(n.text, '  - ', '    '));
        if (n.at !== undefined) out.push(...wrapParagraph(n.at, '      '));
      }
    }
  }
  if (report.warnings.length > 0) {
    out.push('', `Warnings (${report.warnings.length}): see stderr, or --format json`);
  }
  return printable(`${out.join('\n')}\n`);
}
