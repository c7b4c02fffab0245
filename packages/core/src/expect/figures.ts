import type { Expectation } from '../config/resources/schema/scenario-expect.js';
import { type ClusterReport, hostRequests, type Report } from '../observe/report.js';
import { hostMatches, peakEjected, requestsFlagged, requestsWithStatus } from '../observe/report-figures.js';

/** The service host of an Envoy cluster name, `outbound|PORT|SUBSET|HOST`. */
export const serviceHostOf = (clusterName: string): string => clusterName.split('|')[3] ?? clusterName;

/** Whether `cluster:` names this cluster: its Envoy name, or its service host (then every port and subset). */
export function clusterSelected(clusterName: string, selector: string | undefined): boolean {
  return selector === undefined || clusterName === selector || serviceHostOf(clusterName) === selector;
}

function selectedClusters(report: Report, e: Expectation): ClusterReport[] {
  return Object.entries(report.clusters)
    .filter(([name]) => clusterSelected(name, e.select.cluster))
    .map(([, c]) => c);
}

const share = (n: number, total: number): number => (total === 0 ? 0 : n / total);

function ejectionsOf(report: Report, e: Expectation) {
  const host = e.select.host;
  return selectedClusters(report, e).flatMap((c) =>
    c.ejections.filter((x) => host === undefined || hostMatches(x.host, host)),
  );
}

/** The longest a breaker (or the one named) was open in one cluster, summed over the selected clusters. */
function breakerOpenMs(report: Report, e: Expectation): number {
  let total = 0;
  for (const c of selectedClusters(report, e)) {
    const open = Object.entries(c.circuitBreakers ?? {});
    const named = open.filter(([gauge]) => e.select.breaker === undefined || gauge === e.select.breaker);
    total += named.reduce((longest, [, b]) => Math.max(longest, b?.openMs ?? 0), 0);
  }
  return total;
}

/** Requests to the host over the requests of the clusters that have it. */
function hostShare(report: Report, e: Expectation): number {
  let mine = 0;
  let all = 0;
  for (const c of selectedClusters(report, e)) {
    const hosts = c.hosts.filter((h) => hostMatches(h.address, e.select.host!));
    if (hosts.length === 0) continue;
    for (const h of c.hosts) all += hostRequests(c, h);
    for (const h of hosts) mine += hostRequests(c, h);
  }
  return share(mine, all);
}

/**
 * The figure an expectation bounds, read from one run's report: a share 0..1, milliseconds or a count.
 * `firstEjection` is Infinity when nothing was ejected.
 */
export function figureOf(e: Expectation, report: Report): number {
  const client = report.client;
  switch (e.kind) {
    case 'errorRate':
      return client.errorRate;
    case 'status':
      return share(requestsWithStatus(client, e.select.code!), client.total);
    case 'flag':
      return share(requestsFlagged(client, e.select.name!), client.total);
    case 'latency':
      return client.latencyMs[e.select.percentile!];
    case 'ejections':
      return ejectionsOf(report, e).length;
    case 'firstEjection':
      return ejectionsOf(report, e).reduce((first, x) => Math.min(first, x.atMs), Number.POSITIVE_INFINITY);
    case 'ejectedAtOnce':
      return selectedClusters(report, e).reduce((peak, c) => Math.max(peak, peakEjected(c)), 0);
    case 'breakerOpen':
      return breakerOpenMs(report, e);
    case 'hostShare':
      return hostShare(report, e);
    case 'counter':
      return selectedClusters(report, e).reduce((sum, c) => sum + (c.stats[e.select.name!] ?? 0), 0);
  }
}
