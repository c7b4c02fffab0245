import { formatDurationMs } from '../config/resources/durations.js';
import type { ClusterValues, EndpointExplanation } from './cluster.js';
import type { OutlierExplanation } from './outlier-detection.js';
import type { RouteExplanation } from './routes.js';
import { TextTable, wrapParagraph } from './text-layout.js';
import type { Explained } from './values.js';

export const table = (head: string[]) => new TextTable(head);

type Format<T> = (value: T) => string;
const text: Format<unknown> = (v) => (v === '' ? '-' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
const ms: Format<number> = (v) => formatDurationMs(v);
const msOrNone: Format<number> = (v) => (v === 0 ? 'none' : formatDurationMs(v));
const pct: Format<number> = (v) => `${v} %`;
const unlimitedAt0: Format<number> = (v) => (v === 0 ? 'unlimited' : String(v));

/** `set file:line`, `set (command line)`, or the default's owner. */
export function sourceText(e: Explained<unknown>): string {
  if (e.from === 'default') return e.default;
  return e.at.line > 0 ? `set ${e.at.file}:${e.at.line}` : `set by ${e.at.file} ${e.at.path}`;
}

export type Row = [field: string, value: Explained<never>, format: Format<never>];
const row = <T>(field: string, value: Explained<T>, format: Format<T> = text): Row => [
  field,
  value as Explained<never>,
  format as Format<never>,
];

/** `[1]`, `[2]` …: the note references, made once. */
const NOTE_REFS: string[] = [];
const noteRefText = (i: number): string => (NOTE_REFS[i] ??= `[${i}]`);

/** Every value, where it came from, and a numbered note under the table where one explains it. */
export function fieldTable(rows: readonly Row[]): string {
  const notes: string[] = [];
  const noteRef = (note: string | undefined): string => {
    if (note === undefined || note === '') return '';
    let i = notes.indexOf(note);
    if (i < 0) i = notes.push(note) - 1;
    return noteRefText(i + 1);
  };
  const cells = rows.map(([field, e, format]) => [
    field,
    format(e.value as never),
    sourceText(e),
    noteRef(e.note),
  ]);
  if (notes.length === 0) {
    const t = table(['field', 'value', 'source']);
    t.push(...cells.map((c) => c.slice(0, 3)));
    return t.toString();
  }
  const t = table(['field', 'value', 'source', 'note']);
  t.push(...cells);
  return `${t.toString()}\n${noteLines(notes)}`;
}

/** The numbered notes under a field table: most clusters share theirs, so each list is wrapped once. */
function noteLines(notes: readonly string[]): string {
  const key = notes.join('\n');
  const known = noteBlocks.get(key);
  // The same key from other notes (one holding a line break) is told apart by the notes themselves.
  if (
    known !== undefined &&
    known.notes.length === notes.length &&
    known.notes.every((n, i) => n === notes[i])
  )
    return known.block;
  const width = `[${notes.length}] `.length;
  const lines = notes.flatMap((n, i) =>
    wrapParagraph(n, `  ${`[${i + 1}]`.padEnd(width)}`, ' '.repeat(width + 2)),
  );
  const block = lines.join('\n');
  if (noteBlocks.size >= 1024) noteBlocks.clear();
  noteBlocks.set(key, { notes: [...notes], block });
  return block;
}
const noteBlocks = new Map<string, { notes: readonly string[]; block: string }>();

function outlierRows(o: OutlierExplanation): Row[] {
  const p = 'outlier_detection.';
  return [
    row(`${p}consecutive_5xx`, o.consecutive5xx),
    row(`${p}enforcing_consecutive_5xx`, o.enforcingConsecutive5xx, pct),
    row(`${p}consecutive_gateway_failure`, o.consecutiveGatewayFailure),
    row(`${p}enforcing_consecutive_gateway_failure`, o.enforcingConsecutiveGatewayFailure, pct),
    row(`${p}split_external_local_origin_errors`, o.splitExternalLocalOriginErrors),
    row(`${p}consecutive_local_origin_failure`, o.consecutiveLocalOriginFailure),
    row(`${p}enforcing_consecutive_local_origin_failure`, o.enforcingConsecutiveLocalOriginFailure, pct),
    row(`${p}interval`, o.intervalMs, ms),
    row(`${p}base_ejection_time`, o.baseEjectionTimeMs, ms),
    row(`${p}max_ejection_time`, o.maxEjectionTimeMs, ms),
    row(`${p}max_ejection_percent`, o.maxEjectionPercent, pct),
    row(`${p}success_rate_minimum_hosts`, o.successRateMinimumHosts),
    row(`${p}success_rate_request_volume`, o.successRateRequestVolume),
    row(`${p}success_rate_stdev_factor`, o.successRateStdevFactor),
    row(`${p}enforcing_success_rate`, o.enforcingSuccessRate, pct),
    row(`${p}enforcing_local_origin_success_rate`, o.enforcingLocalOriginSuccessRate, pct),
    row(`${p}failure_percentage_threshold`, o.failurePercentageThreshold, pct),
    row(`${p}failure_percentage_minimum_hosts`, o.failurePercentageMinimumHosts),
    row(`${p}failure_percentage_request_volume`, o.failurePercentageRequestVolume),
    row(`${p}enforcing_failure_percentage`, o.enforcingFailurePercentage, pct),
    row(`${p}enforcing_failure_percentage_local_origin`, o.enforcingFailurePercentageLocalOrigin, pct),
    row('ejection cap rule', o.capRule),
  ];
}

/**
 * Every value of a cluster, in the order istioctl's JSON would show them; `input` says whether it was
 * translated from Istio resources or read from an Envoy config.
 */
export function clusterRows(c: ClusterValues, input: 'istio' | 'envoy' = 'istio'): Row[] {
  return [
    ...balancerRows(c, input),
    ...connectionPoolRows(c),
    ...(c.outlierDetection === null
      ? [input === 'istio' ? noOutlierDetection : noEnvoyOutlierDetection]
      : outlierRows(c.outlierDetection)),
    ...(c.outlierErrorMatcher === undefined
      ? []
      : [row('http_protocol_options.outlier_detection.error_matcher', c.outlierErrorMatcher)]),
    ...localityRows(c),
    ...tlsRows(c),
    ...dnsRows(c),
  ];
}

function balancerRows(c: ClusterValues, input: 'istio' | 'envoy'): Row[] {
  const reached = input === 'istio' ? 'port protocol' : 'reached by';
  const rows: Row[] = [row('type', c.type), row(reached, c.protocol), row('lb_policy', c.lbPolicy)];
  if (c.consistentHash !== null) {
    rows.push(row('hash_policy', c.consistentHash.key), row('ring/table size', c.consistentHash.tableSize));
  }
  if (c.slowStart !== null) {
    rows.push(
      row('slow_start_config.slow_start_window', c.slowStart.windowMs, ms),
      row('slow_start_config.aggression', c.slowStart.aggression),
      row('slow_start_config.min_weight_percent', c.slowStart.minWeightPercent, pct),
    );
  }
  return rows;
}

function connectionPoolRows(c: ClusterValues): Row[] {
  const cb = c.circuitBreakers;
  const rows: Row[] = [
    row('circuit_breakers.max_connections', cb.maxConnections),
    row('circuit_breakers.max_pending_requests', cb.maxPendingRequests),
    row('circuit_breakers.max_requests', cb.maxRequests),
    row('circuit_breakers.max_retries', cb.maxRetries),
  ];
  if (cb.retryBudget !== null) {
    rows.push(
      row('retry_budget.budget_percent', cb.retryBudget.budgetPercent, pct),
      row('retry_budget.min_retry_concurrency', cb.retryBudget.minRetryConcurrency),
    );
  }
  rows.push(
    row('connect_timeout', c.connectTimeoutMs, ms),
    row('common_http_protocol_options.idle_timeout', c.idleTimeoutMs, msOrNone),
    row('common_http_protocol_options.max_requests_per_connection', c.maxRequestsPerConnection, unlimitedAt0),
    ...(c.maxConnectionDuration === null
      ? []
      : [row(c.maxConnectionDuration.field, c.maxConnectionDuration.ms, ms)]),
    ...(c.tcpKeepalive === null ? [] : [row('upstream_connection_options.tcp_keepalive', c.tcpKeepalive)]),
    row('upstream protocol', c.upstreamProtocol),
  );
  if (c.maxConcurrentStreams !== null) {
    rows.push(row('http2_protocol_options.max_concurrent_streams', c.maxConcurrentStreams));
  }
  const keepalive = c.http2KeepAlive;
  if (keepalive !== undefined) {
    const at = 'http2_protocol_options.connection_keepalive';
    rows.push(
      row(`${at}.interval`, keepalive.intervalMs, msOrNone),
      row(`${at}.timeout`, keepalive.timeoutMs, ms),
      row(`${at}.interval_jitter`, keepalive.intervalJitterPct, pct),
    );
  }
  return rows;
}

const noOutlierDetection = row('outlier_detection', {
  value: 'none',
  from: 'default',
  default: 'Istio default',
  note: 'no outlierDetection: no host is ever ejected',
});

const noEnvoyOutlierDetection = row('outlier_detection', {
  value: 'none',
  from: 'default',
  default: 'Envoy default',
  note: 'no outlier_detection: no host is ever ejected',
});

function localityRows(c: ClusterValues): Row[] {
  const rows: Row[] = [
    row('common_lb_config.healthy_panic_threshold', c.healthyPanicThresholdPct, pct),
    row('locality load balancing', c.locality.enabled, (v) => (v ? 'enabled' : 'disabled')),
    row('locality failover priorities', c.locality.failover),
  ];
  if (c.locality.weights !== null) {
    rows.push(row('common_lb_config.locality_weighted_lb_config', c.locality.weights));
  }
  return rows;
}

function tlsRows(c: ClusterValues): Row[] {
  const rows: Row[] = [row('transport_socket (tls mode)', c.tls.mode)];
  const tls = c.tls.context;
  if (tls !== null) {
    rows.push(
      row('tls.sni', tls.sni),
      row('tls.ca_certificates', tls.caCertificates),
      row('tls.match_subject_alt_names', tls.subjectAltNames),
      row('tls.client_certificate', tls.clientCertificate),
      row('tls.insecure_skip_verify', tls.insecureSkipVerify),
      row('tls.versions', tls.versions),
    );
  }
  return rows;
}

function dnsRows(c: ClusterValues): Row[] {
  if (c.dns === null) return [];
  return [
    row('dns_refresh_rate', c.dns.refreshRateMs, ms),
    row('respect_dns_ttl', c.dns.respectDnsTtl),
    row('dns_jitter', c.dns.jitterMs, ms),
  ];
}

/** Every value of a route: its match and destinations, then the timeout, retry policy and fault. */
export function routeRows(r: RouteExplanation): Row[] {
  const rows: Row[] = [row('match', r.match)];
  for (const d of r.destinations) rows.push(row(`route → ${d.cluster}`, d.weight, (w) => `weight ${w}`));
  if (r.localReply !== null) {
    const { status, flags } = r.localReply;
    rows.push(
      row('answered by the sidecar', {
        value: `${status} ${flags}`,
        from: 'default',
        default: 'Envoy default',
      }),
    );
  }
  if (r.timeoutMs !== null) rows.push(row('timeout', r.timeoutMs, msOrNone));
  if (r.retry !== null) {
    rows.push(row('retry_policy.num_retries', r.retry.numRetries));
    const p = r.retry.policy;
    if (p !== null) {
      rows.push(
        row('retry_policy.retry_on', p.retryOn),
        row('retry_policy.retriable_status_codes', p.retriableStatusCodes),
        row('retry_policy.per_try_timeout', p.perTryTimeoutMs, msOrNone),
        row('retry_policy.retry_back_off.base_interval', p.backoffBaseMs, ms),
        row('retry_policy.retry_back_off.max_interval', p.backoffMaxMs, ms),
        row('retry_policy.retry_host_predicate', p.retryHostPredicate),
        row('retry_policy.host_selection_retry_max_attempts', p.hostSelectionRetryMaxAttempts),
      );
    }
  }
  if (r.fault !== null) {
    rows.push(
      row('fault.delay.percentage', r.fault.delayPct, pct),
      row('fault.delay.fixed_delay', r.fault.delayMs, ms),
      row('fault.abort.percentage', r.fault.abortPct, pct),
      row('fault.abort.http_status', r.fault.abortStatus),
    );
  }
  for (const m of r.mirrors ?? []) {
    rows.push(row(`request_mirror_policies → ${m.cluster}`, m.percent, (v) => `${v} % shadowed`));
  }
  return rows;
}

/** The endpoints under a cluster's fields (a DNS cluster's: the names it resolves); undefined when it has none. */
export function endpointsTable(
  c: Pick<ClusterValues, 'type'> & { endpoints: readonly EndpointExplanation[] },
) {
  if (c.endpoints.length === 0) return undefined;
  const dns = c.type.value === 'STRICT_DNS' || c.type.value === 'LOGICAL_DNS';
  const eps = table([dns ? 'resolves' : 'endpoint', 'port', 'locality', 'weight', 'priority', 'labels']);
  for (const ep of c.endpoints) {
    const labels = Object.entries(ep.labels).map(([k, v]) => `${k}=${v}`);
    eps.push([ep.address, ep.port, ep.locality || '-', ep.weight, ep.priority, labels.join(', ') || '-']);
  }
  return eps.toString();
}
