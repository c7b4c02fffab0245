import { formatDurationMs } from '../config/resources/durations.js';
import type { ClusterModel } from '../envoy/cluster.js';

import { type FlagName, responseFlagMeaning } from '../envoy/response-flags.js';
import type { Report } from '../observe/report.js';
import type { ReportContext } from './report-context.js';

/** A notable moment of the run, for the events list. */
export interface NotableEvent {
  atMs: number;
  text: string;
}

/** `0s`, `141ms`, `2m13s`, `1m30.091s`: simulated time to the millisecond, as Istio writes durations. */
export const clockText = (ms: number): string => formatDurationMs(Math.round(ms));

export const hostOnly = (hostPort: string): string => hostPort.replace(/:\d+$/, '');

/** What an ejection of this type counted, with the cluster's threshold. */
export function ejectionReason(type: string, cluster: ClusterModel | undefined): string {
  const od = cluster?.outlierDetection;
  switch (type) {
    case 'CONSECUTIVE_5XX':
      return `${od?.consecutive5xx ?? '?'} consecutive 5xx`;
    case 'CONSECUTIVE_GATEWAY_FAILURE':
      return `${od?.consecutiveGatewayFailure ?? '?'} consecutive gateway errors (502, 503, 504)`;
    case 'CONSECUTIVE_LOCAL_ORIGIN_FAILURE':
      return `${od?.consecutiveLocalOriginFailure ?? '?'} consecutive local-origin failures`;
    default:
      return type.toLowerCase().replaceAll('_', ' ');
  }
}

/**
 * Ejections and returns, and the first bucket in which each response flag appeared, in time order
 * (ties: in the order the report lists them).
 */
export function notableEvents(report: Report, context?: ReportContext): NotableEvent[] {
  const events: NotableEvent[] = [];
  const models = new Map(context?.plan.model.clusters.map((c) => [c.name, c]));
  const several = Object.keys(report.clusters).length > 1;
  for (const [name, cluster] of Object.entries(report.clusters)) {
    for (const e of cluster.ejections) {
      const returned = e.untilMs === null ? 'still out at the end' : `${clockText(e.untilMs)} returned`;
      const where = several ? ` (${name})` : '';
      events.push({
        atMs: e.atMs,
        text: `${hostOnly(e.host)}${where} ejected: ${ejectionReason(e.type, models.get(name))}; ${returned}`,
      });
    }
  }
  const seen = new Set<string>();
  for (const point of report.timeline) {
    for (const [flags, n] of Object.entries(point.byFlag ?? {})) {
      for (const flag of flags.split(',')) {
        if (seen.has(flag)) continue;
        seen.add(flag);
        const meaning = responseFlagMeaning[flag as FlagName] ?? 'unknown flag';
        events.push({
          atMs: point.tMs,
          text: `first ${flag} (${meaning}): ${n} in this ${clockText(report.timelineBucketMs ?? 1000)}`,
        });
      }
    }
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}
