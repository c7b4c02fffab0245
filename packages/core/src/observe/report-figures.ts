import type { ClientReport } from './client-observer.js';
import type { ClusterReport } from './report.js';

/** Client requests whose response flags include `flag` (`UO` counts `UO` and `UO,URX`). */
export function requestsFlagged(client: ClientReport, flag: string): number {
  let n = 0;
  for (const [flags, count] of Object.entries(client.byFlag)) if (flags.split(',').includes(flag)) n += count;
  return n;
}

/** Client requests answered with `status`, or with any status of a class such as `5xx` (0: no answer). */
export function requestsWithStatus(client: ClientReport, status: number | string): number {
  if (typeof status === 'number') return client.byStatus[String(status)] ?? 0;
  const hundreds = Number(status[0]) * 100;
  let n = 0;
  for (const [code, count] of Object.entries(client.byStatus)) {
    const c = Number(code);
    if (c >= hundreds && c < hundreds + 100) n += count;
  }
  return n;
}

/** The most hosts of the cluster ejected at the same moment (an ejection still on at the end counts to the end). */
export function peakEjected(cluster: ClusterReport): number {
  // Ends sort before starts at the same instant: a host back as another goes out is not two at once.
  const edges = cluster.ejections.flatMap((e) => [
    { t: e.atMs, d: 1 },
    { t: e.untilMs ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const edge of edges) {
    now += edge.d;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** `192.0.2.20:80` for `192.0.2.20` or `192.0.2.20:80`: whether a host's address is the one named. */
export function hostMatches(address: string, named: string): boolean {
  return address === named || address.slice(0, address.lastIndexOf(':')) === named;
}
