import type { ClusterReport, HostReport } from '../observe/report.js';
import type { Cluster } from '../upstream/cluster.js';
import type { Host } from '../upstream/host.js';
import type { OutlierDetector } from '../upstream/outlier-detector.js';

/** Each cluster's part of the report at `endMs`: its stats as a final stats dump, its hosts, its ejections. */
export function clusterReports(clusters: readonly Cluster[], endMs: number): Record<string, ClusterReport> {
  const reports: Record<string, ClusterReport> = {};
  for (const cluster of clusters) {
    const outlier = cluster.outlier;
    const tcp = cluster.model.tcpProxy !== null;
    reports[cluster.name] = {
      ...(tcp ? { proxy: 'tcp' as const } : {}),
      stats: sortByName({
        ...cluster.stats.snapshot(),
        ...(outlier?.stats() ?? {}),
        membership_total: cluster.memberCount,
        membership_healthy: cluster.healthyMemberCount,
        // Envoy's gauges as a stats dump at the end would read them (the timeline has them over time).
        upstream_cx_active: cluster.resources.connections,
        upstream_rq_active: cluster.resources.requests,
        upstream_rq_pending_active: cluster.resources.pendingRequests,
      }),
      hosts: cluster.hosts.map((h) => hostReport(h, outlier, tcp, endMs)),
      ejections: outlier?.ejections ?? [],
    };
    if (outlier !== null && outlier.ejectionsNotListed > 0)
      reports[cluster.name]!.ejectionsNotListed = outlier.ejectionsNotListed;
    const breakers = cluster.breakers.report(endMs);
    if (Object.keys(breakers).length > 0) reports[cluster.name]!.circuitBreakers = breakers;
  }
  return reports;
}

function hostReport(h: Host, outlier: OutlierDetector | null, tcp: boolean, endMs: number): HostReport {
  return {
    address: h.hostPort,
    locality: h.locality,
    priority: h.priority,
    rqTotal: h.rqTotal,
    rqError: h.rqError,
    ...(tcp ? { appRequests: h.appRequests, appErrors: h.appErrors } : {}),
    ejections: outlier?.monitors[h.index]?.numEjections ?? 0,
    ejectedMs: outlier?.ejectedMsOf(h, endMs) ?? 0,
    ...(h.removed ? { removed: true } : {}),
    ...(h.requestsByAddress !== null ? { requestsByAddress: Object.fromEntries(h.requestsByAddress) } : {}),
  };
}

function sortByName(stats: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
