import { isDumpCluster } from '../config/envoy-dump/dump-model.js';
import type { PlannedCluster, RunPlan } from '../config/plan/run-plan.js';
import type { LoadedConfig } from '../config/resources/load.js';
import { formatPath } from '../config/resources/positions.js';
import type { EndpointError } from '../config/resources/schema/scenario-endpoint.js';

import { RetryOn } from '../envoy/retry-policy.js';
import { type ClusterReport, hostFailures, hostRequests, type Report } from '../observe/report.js';
import {
  type BreakerField,
  type ClusterPointers,
  type OutlierField,
  pointersFor,
} from './cluster-pointers.js';
import { clockText, ejectionReason, hostOnly } from './notable-events.js';
import type { ReportContext } from './report-context.js';

/** The mechanism a why note explains, so a reader can pick the notes behind one figure. */
export type WhyMechanism =
  | 'tcp-proxy'
  | 'ejection'
  | 'ejection-cap'
  | 'circuit-breaker'
  | 'retry'
  | 'endpoint'
  | 'unretried-503';

/** One line of the "why" section, with the config line it points at when there is one. */
export interface WhyNote {
  text: string;
  /** `file:line field.path`, or `Istio default`, or absent when no one line drove it. */
  at?: string;
  mechanism?: WhyMechanism;
  /** The cluster the note is about; absent for notes on routes. */
  cluster?: string;
}

/** One cluster of the run: how it was built, what it did, and where its settings were written. */
interface ClusterRun {
  model: PlannedCluster;
  cluster: ClusterReport;
  at: ClusterPointers;
  loaded: LoadedConfig;
}

const stat = (cluster: ClusterReport, name: string): number => cluster.stats[name] ?? 0;

const hostsWithErrors = ({ cluster }: ClusterRun) =>
  cluster.hosts.filter((h) => hostFailures(cluster, h) > 0);

/** The notes on one cluster, one mechanism after another. */
const CLUSTER_NOTES: ReadonlyArray<[WhyMechanism, (run: ClusterRun) => WhyNote[]]> = [
  ['tcp-proxy', tcpProxyNotes],
  ['ejection', ejectionNotes],
  ['ejection-cap', ejectionCapNotes],
  ['circuit-breaker', circuitBreakerNotes],
  ['retry', retryNotes],
  ['endpoint', endpointFailureNotes],
];

/**
 * The short "why": for each mechanism that shaped the outcome (tcp-proxied ports, ejections, the ejection
 * cap, circuit breakers, retries, the endpoints' own failures, unretried 503s), what it did and the config line that set it. Only
 * what the report's counters show happened is explained; nothing is inferred beyond them.
 */
export function whyNotes(report: Report, context: ReportContext): WhyNote[] {
  const notes: WhyNote[] = [];
  const { plan, loaded } = context;
  for (const model of plan.model.clusters) {
    const cluster = report.clusters[model.name];
    if (cluster === undefined) continue;
    const run: ClusterRun = { model, cluster, at: pointersFor(model, loaded), loaded };
    for (const [mechanism, notesOn] of CLUSTER_NOTES) {
      for (const note of notesOn(run)) notes.push({ ...note, mechanism, cluster: model.name });
    }
  }
  for (const note of unretried503Notes(report, plan)) notes.push({ ...note, mechanism: 'unretried-503' });
  return notes;
}

/** A tcp-proxied port: no HTTP mechanism runs on it. */
function tcpProxyNotes({ model, at }: ClusterRun): WhyNote[] {
  if (model.tcpProxy === null) return [];
  return [at.tcpProxy()];
}

/** The outlier detection setting each ejection type counts against. */
const EJECTION_FIELDS: Record<string, OutlierField> = {
  CONSECUTIVE_5XX: 'consecutive5xx',
  CONSECUTIVE_GATEWAY_FAILURE: 'consecutiveGatewayFailure',
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE: 'consecutiveLocalOriginFailure',
};

/** Ejections by type and how long they last; or, failing hosts with no outlierDetection to eject them. */
function ejectionNotes(run: ClusterRun): WhyNote[] {
  const { model, cluster, at } = run;
  const od = model.outlierDetection;
  if (od === null) {
    if (hostsWithErrors(run).length === 0) return [];
    const where = at.noOutlierDetection();
    return [
      {
        text: `${model.name} has no outlierDetection, so no host is ever ejected, however often it fails`,
        ...(where !== undefined ? { at: where } : {}),
      },
    ];
  }
  const byType = new Map<string, number>();
  for (const e of cluster.ejections) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
  const { baseEjectionTime, interval } = at.names;
  return [...byType].map(([type, n]) => {
    const field = EJECTION_FIELDS[type];
    return {
      text: `${n} ejection(s) at ${ejectionReason(type, model)}; each lasts ${baseEjectionTime} (${clockText(od.baseEjectionTimeMs)}) × the host's ejection count, at most ${clockText(od.maxEjectionTimeMs)}, and ends at the first ${interval} sweep (${clockText(od.intervalMs)}) after that`,
      ...(field !== undefined ? { at: at.outlier(field) } : {}),
    };
  });
}

/** Ejections the ejection cap refused, and how many hosts it lets out at once. */
function ejectionCapNotes(run: ClusterRun): WhyNote[] {
  const { model, cluster, at } = run;
  const od = model.outlierDetection;
  const overflow = stat(cluster, 'outlier_detection.ejections_overflow');
  if (od === null || overflow === 0) return [];
  const hosts = cluster.hosts.filter((h) => !h.removed).length;
  const max = od.maxEjectionPercent;
  const allowed =
    od.capRule === 'current' ? Math.floor((max * hosts) / 100 + 1e-9) : Math.ceil((max * hosts) / 100 - 1e-9);
  return [
    {
      text: `${overflow} ejection(s) refused by the cap: ${at.names.maxEjectionPercent} ${max} lets ${allowed} of ${hosts} hosts out at once`,
      at: at.outlier('maxEjectionPercent'),
    },
  ];
}

/** Each circuit breaker that tripped: its overflow counter, what it refused, and the field that sets it. */
const BREAKERS: ReadonlyArray<[stat: string, field: BreakerField, what: string]> = [
  ['upstream_rq_pending_overflow', 'maxPendingRequests', 'requests found the pending queue full'],
  ['upstream_cx_overflow', 'maxConnections', 'connections were refused by the connection limit'],
  ['upstream_rq_retry_overflow', 'maxRetries', 'retries were refused by the retry limit'],
];

function circuitBreakerNotes({ cluster, at }: ClusterRun): WhyNote[] {
  return BREAKERS.flatMap(([name, field, what]) => {
    const n = stat(cluster, name);
    if (n === 0) return [];
    return [{ text: `${n} ${what} (${name})`, at: at.breaker(field) }];
  });
}

function retryNotes({ cluster }: ClusterRun): WhyNote[] {
  const retries = stat(cluster, 'upstream_rq_retry');
  if (retries === 0) return [];
  return [
    {
      text: `${retries} retries, ${stat(cluster, 'upstream_rq_retry_success')} of them met an outcome the policy does not retry (upstream_rq_retry_success)`,
    },
  ];
}

/** Each host that failed requests: how many, and what the Scenario's endpoint does to cause it. */
function endpointFailureNotes(run: ClusterRun): WhyNote[] {
  const { cluster, loaded } = run;
  return hostsWithErrors(run).map((host) => {
    const address = hostOnly(host.address);
    const key = loaded.scenario?.resource.spec.endpoints[address] !== undefined ? address : '*';
    const endpoint = loaded.scenario?.resource.spec.endpoints[key];
    const causes: string[] = [];
    for (const e of endpoint?.errors ?? []) causes.push(errorCause(e));
    if (endpoint?.connect !== undefined && endpoint.connect !== 'ok')
      causes.push(`connect: ${endpoint.connect}`);
    const certFailures = ['ssl.fail_verify_error', 'ssl.fail_verify_san']
      .filter((name) => stat(cluster, name) > 0)
      .map((name) => `${name} ${stat(cluster, name)}`);
    if (endpoint?.certificate !== undefined && certFailures.length > 0)
      causes.push(`presents a certificate the TLS context rejects (cluster-wide ${certFailures.join(', ')})`);
    if ((endpoint?.reset?.rate ?? 0) > 0)
      causes.push(`resets ${+(endpoint!.reset!.rate * 100).toFixed(2)} % of connections`);
    if (endpoint?.idleTimeout !== undefined && stat(cluster, 'upstream_rq_rx_reset') > 0) {
      causes.push(
        `closes connections idle ${endpoint.idleTimeout.text}: a request sent in the round trip before its FIN arrives fails 503 UC (a sidecar connectionPool.http.idleTimeout a round trip shorter closes first)`,
      );
    }
    const field = ['spec', 'endpoints', key];
    const at =
      loaded.scenario !== undefined && causes.length > 0
        ? `${loaded.scenario.file}:${loaded.scenario.positionOf(field).line} ${formatPath(field)}`
        : undefined;
    return {
      text: `${host.address} took ${hostRequests(cluster, host)} requests and failed ${hostFailures(cluster, host)}${causes.length > 0 ? `: the Scenario's endpoint ${causes.join(', ')}` : ''}`,
      ...(at !== undefined ? { at } : {}),
    };
  });
}

/** One failure mode of a Scenario endpoint, as a cause of a host's failures. */
function errorCause(e: EndpointError): string {
  const share = `${+(e.rate * 100).toFixed(2)} % of requests`;
  if (e.reset === 'refused-stream') return `refuses the stream (REFUSED_STREAM) of ${share}`;
  const grpc =
    e.grpcStatus === undefined
      ? ''
      : ` grpc-status ${e.grpcStatus}${e.inTrailers === true ? ' in trailers' : ''}`;
  const limited = e.envoyRateLimited === true ? ' with x-envoy-ratelimited' : '';
  const reset = e.reset === 'after-headers' ? ' then resets the stream' : '';
  return `answers ${e.status ?? 200}${grpc}${limited}${reset} to ${share}`;
}

/** Upstream 503s the application saw: the routes to failing clusters whose retry policy does not retry a 503. */
function unretried503Notes(report: Report, plan: RunPlan): WhyNote[] {
  if ((report.client.byStatus['503'] ?? 0) === 0) return [];
  const failing = new Set(
    plan.model.clusters
      .map((c, i) => [c, i] as const)
      .filter(([c]) => {
        const cluster = report.clusters[c.name];
        return cluster?.hosts.some((h) => hostFailures(cluster, h) > 0) ?? false;
      })
      .map(([, i]) => i),
  );
  const notes: WhyNote[] = [];
  for (const route of plan.model.routes) {
    const r = route.retry;
    if (r === null || !route.destinations.some((d) => failing.has(d.cluster))) continue;
    const retries503 =
      (r.retryOn & (RetryOn['5xx'] | RetryOn['gateway-error'])) !== 0 ||
      ((r.retryOn & RetryOn['retriable-status-codes']) !== 0 && r.retriableStatusCodes.includes(503));
    if (retries503) continue;
    notes.push({
      text: `route ${route.name}: its retry policy (retryOn ${r.retryOnText}${r.retriableStatusCodes.length > 0 ? `, codes ${r.retriableStatusCodes.join(',')}` : ''}) does not retry an upstream 503, so each one reaches the application`,
      ...(route.name === 'default' && !plan.model.clusters.some(isDumpCluster)
        ? { at: 'Istio default (no VirtualService retries; 1.24 dropped 503)' }
        : {}),
    });
  }
  return notes;
}
