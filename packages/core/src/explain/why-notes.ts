import type { RunPlan } from '../config/plan/run-plan.js';
import { formatDurationMs } from '../config/resources/durations.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';

import { type FlagName, responseFlagMeaning } from '../envoy/response-flags.js';
import { RetryOn } from '../envoy/retry-policy.js';
import { hostFailures, hostRequests, type Report } from '../observe/report.js';

/** What the report was run from, so notes can name thresholds and point at the lines that set them. */
export interface ReportContext {
  plan: RunPlan;
  loaded: LoadedConfig;
}

/** A notable moment of the run, for the events list. */
export interface NotableEvent {
  atMs: number;
  text: string;
}

/** One line of the "why" section, with the config line it points at when there is one. */
export interface WhyNote {
  text: string;
  /** `file:line field.path`, or `Istio default`, or absent when no one line drove it. */
  at?: string;
}

/** `0s`, `141ms`, `2m13s`, `1m30.091s`: simulated time to the millisecond, as Istio writes durations. */
export const clockText = (ms: number): string => formatDurationMs(Math.round(ms));

const hostOnly = (hostPort: string): string => hostPort.replace(/:\d+$/, '');

function ejectionReason(type: string, cluster: TranslatedCluster | undefined): string {
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

/** Where the ServiceEntry declares the cluster's port protocol: file:line and the field. */
function sePortField(loaded: LoadedConfig, model: TranslatedCluster): string {
  const se = loaded.serviceEntries.find(
    (x) => `${x.resource.metadata.namespace}/${x.resource.metadata.name}` === model.serviceEntry,
  );
  const i = se?.resource.spec.ports?.findIndex((p) => p.number === model.port) ?? -1;
  if (se === undefined || i < 0) return `ServiceEntry ${model.serviceEntry}`;
  const path = ['spec', 'ports', i, 'protocol'];
  return `${se.file}:${se.positionOf(path).line} ${formatPath(path)}`;
}

function drLocated(loaded: LoadedConfig, id: string | null): Located<DestinationRule> | undefined {
  if (id === null) return undefined;
  return loaded.destinationRules.find(
    (d) => `${d.resource.metadata.namespace}/${d.resource.metadata.name}` === id,
  );
}

/** `file:line path` of a DR field, or `Istio default` when the DR does not set it. */
function drField(dr: Located<DestinationRule> | undefined, path: FieldPath, isSet: boolean): string {
  if (dr === undefined || !isSet) return 'Istio default';
  return `${dr.file}:${dr.positionOf(path).line} ${formatPath(path)}`;
}

function getIn(value: unknown, path: FieldPath): unknown {
  let v = value;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * The short "why": for each mechanism that shaped the outcome (ejections, the ejection cap, circuit
 * breakers, retries, the endpoints' own failures), what it did and the config line that set it. Only
 * what the report's counters show happened is explained; nothing is inferred beyond them.
 */
export function whyNotes(report: Report, context: ReportContext): WhyNote[] {
  const notes: WhyNote[] = [];
  const { plan, loaded } = context;
  for (const model of plan.model.clusters) {
    const cluster = report.clusters[model.name];
    if (cluster === undefined) continue;
    const dr = drLocated(loaded, model.destinationRule);
    const od = model.outlierDetection;
    const odPath = model.policyPaths?.outlierDetection ?? [];
    const odSet = (field: string) => getIn(dr?.resource, [...odPath, field]) !== undefined;
    const hostsWithErrors = cluster.hosts.filter((h) => hostFailures(cluster, h) > 0);
    if (model.tcpProxy !== null) {
      notes.push({
        text: `port ${model.port} of ${model.serviceHost} is ${model.protocol}: the sidecar tcp-proxies it, so each application connection picks a host once and keeps it; no HTTP route, timeout, retry or fault runs, and only connect failures reach outlier detection`,
        at: sePortField(loaded, model),
      });
    }
    const stat = (name: string) => cluster.stats[name] ?? 0;
    if (od !== null) {
      const byType = new Map<string, number>();
      for (const e of cluster.ejections) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
      const fieldOf: Record<string, string> = {
        CONSECUTIVE_5XX: 'consecutive5xxErrors',
        CONSECUTIVE_GATEWAY_FAILURE: 'consecutiveGatewayErrors',
        CONSECUTIVE_LOCAL_ORIGIN_FAILURE: 'consecutiveLocalOriginFailures',
      };
      for (const [type, n] of byType) {
        const field = fieldOf[type];
        notes.push({
          text: `${n} ejection(s) at ${ejectionReason(type, model)}; each lasts baseEjectionTime (${clockText(od.baseEjectionTimeMs)}) × the host's ejection count, at most ${clockText(od.maxEjectionTimeMs)}, and ends at the first interval sweep (${clockText(od.intervalMs)}) after that`,
          ...(field !== undefined ? { at: drField(dr, [...odPath, field], odSet(field)) } : {}),
        });
      }
      const overflow = stat('outlier_detection.ejections_overflow');
      if (overflow > 0) {
        const hosts = cluster.hosts.filter((h) => !h.removed).length;
        const max = od.maxEjectionPercent;
        const allowed =
          od.capRule === 'current'
            ? Math.floor((max * hosts) / 100 + 1e-9)
            : Math.ceil((max * hosts) / 100 - 1e-9);
        notes.push({
          text: `${overflow} ejection(s) refused by the cap: maxEjectionPercent ${max} lets ${allowed} of ${hosts} hosts out at once`,
          at: drField(dr, [...odPath, 'maxEjectionPercent'], odSet('maxEjectionPercent')),
        });
      }
    } else if (hostsWithErrors.length > 0) {
      notes.push({
        text: `${model.name} has no outlierDetection, so no host is ever ejected, however often it fails`,
        ...(dr !== undefined ? { at: `${dr.file}:${dr.line} DestinationRule ${model.destinationRule}` } : {}),
      });
    }
    const poolPath = model.policyPaths?.connectionPool ?? [];
    const breakers: Array<[string, string[], string]> = [
      [
        'upstream_rq_pending_overflow',
        ['http', 'http1MaxPendingRequests'],
        'requests found the pending queue full',
      ],
      ['upstream_cx_overflow', ['tcp', 'maxConnections'], 'connections were refused by the connection limit'],
      ['upstream_rq_retry_overflow', ['http', 'maxRetries'], 'retries were refused by the retry limit'],
    ];
    for (const [name, field, what] of breakers) {
      const n = stat(name);
      if (n === 0) continue;
      const path = [...poolPath, ...field];
      notes.push({
        text: `${n} ${what} (${name})`,
        at: drField(dr, path, getIn(dr?.resource, path) !== undefined),
      });
    }
    const retries = stat('upstream_rq_retry');
    if (retries > 0) {
      notes.push({
        text: `${retries} retries, ${stat('upstream_rq_retry_success')} of them answered without error (upstream_rq_retry_success)`,
      });
    }
    for (const host of hostsWithErrors) {
      const address = hostOnly(host.address);
      const key = loaded.scenario?.resource.spec.endpoints[address] !== undefined ? address : '*';
      const endpoint = loaded.scenario?.resource.spec.endpoints[key];
      const causes: string[] = [];
      for (const e of endpoint?.errors ?? [])
        causes.push(`answers ${e.status} to ${+(e.rate * 100).toFixed(2)} % of requests`);
      if (endpoint?.connect !== undefined && endpoint.connect !== 'ok')
        causes.push(`connect: ${endpoint.connect}`);
      if ((endpoint?.reset?.rate ?? 0) > 0)
        causes.push(`resets ${+(endpoint!.reset!.rate * 100).toFixed(2)} % of connections`);
      if (endpoint?.idleTimeout !== undefined && stat('upstream_rq_rx_reset') > 0) {
        causes.push(
          `closes connections idle ${endpoint.idleTimeout.text}: a request sent in the round trip before its FIN arrives fails 503 UC (a sidecar connectionPool.http.idleTimeout a round trip shorter closes first)`,
        );
      }
      const field = ['spec', 'endpoints', key];
      const at =
        loaded.scenario !== undefined && causes.length > 0
          ? `${loaded.scenario.file}:${loaded.scenario.positionOf(field).line} ${formatPath(field)}`
          : undefined;
      notes.push({
        text: `${host.address} took ${hostRequests(cluster, host)} requests and failed ${hostFailures(cluster, host)}${causes.length > 0 ? `: the Scenario's endpoint ${causes.join(', ')}` : ''}`,
        ...(at !== undefined ? { at } : {}),
      });
    }
  }
  // Upstream 503s the application saw: is 503 retriable on the routes that carried them?
  const failing = new Set(
    plan.model.clusters
      .map((c, i) => [c, i] as const)
      .filter(([c]) => report.clusters[c.name]?.hosts.some((h) => h.rqError > 0))
      .map(([, i]) => i),
  );
  if ((report.client.byStatus['503'] ?? 0) > 0) {
    for (const route of plan.model.routes) {
      const r = route.retry;
      if (r === null || !route.destinations.some((d) => failing.has(d.cluster))) continue;
      const retries503 =
        (r.retryOn & (RetryOn['5xx'] | RetryOn['gateway-error'])) !== 0 ||
        ((r.retryOn & RetryOn['retriable-status-codes']) !== 0 && r.retriableStatusCodes.includes(503));
      if (retries503) continue;
      notes.push({
        text: `route ${route.name}: its retry policy (retryOn ${r.retryOnText}${r.retriableStatusCodes.length > 0 ? `, codes ${r.retriableStatusCodes.join(',')}` : ''}) does not retry an upstream 503, so each one reaches the application`,
        ...(route.name === 'default'
          ? { at: 'Istio default (no VirtualService retries; 1.24 dropped 503)' }
          : {}),
      });
    }
  }
  return notes;
}
