import type { DumpRoute, DumpVirtualHost } from '../config/envoy-dump/dump-model.js';
import { formatDurationMs } from '../config/resources/durations.js';
import type { EnvoyConfigDocument } from '../config/resources/load.js';
import { Flag, flagsText } from '../envoy/response-flags.js';
import type { RetryPolicyModel } from '../envoy/retry-policy.js';
import { DumpValues } from './dump-values.js';
import type { RetryExplanation } from './retry-policy.js';
import type { FaultExplanation, RouteExplanation } from './routes.js';
import { byDefault, valueAt } from './values.js';

/** The retry policy explained where it is written: `v` and `base` point at the route's or its virtual host's. */
function retryOf(v: DumpValues, retry: RetryPolicyModel | null, base: string[]): RetryExplanation | null {
  if (retry === null)
    return { numRetries: byDefault(0, 'Envoy default', 'no retry_policy: nothing is retried'), policy: null };
  const at = <T>(field: string[], value: T, note?: string) => v.at([...base, ...field], value, note);
  return {
    numRetries: at(['num_retries'], retry.numRetries),
    policy: {
      retryOn: at(['retry_on'], retry.retryOnText),
      retriableStatusCodes: at(['retriable_status_codes'], retry.retriableStatusCodes),
      perTryTimeoutMs: at(['per_try_timeout'], retry.perTryTimeoutMs),
      backoffBaseMs: at(['retry_back_off', 'base_interval'], retry.backoffBaseMs),
      backoffMaxMs: at(['retry_back_off', 'max_interval'], retry.backoffMaxMs, 'unset: 10 × base_interval'),
      retryHostPredicate: at(['retry_host_predicate'], retry.previousHosts ? 'previous_hosts' : 'none'),
      hostSelectionRetryMaxAttempts: at(
        ['host_selection_retry_max_attempts'],
        retry.hostSelectionMaxAttempts,
      ),
    },
  };
}

function faultOf(
  v: DumpValues,
  f: NonNullable<Extract<DumpRoute['action'], { kind: 'route' }>['fault']>,
): FaultExplanation {
  const base = ['typed_per_filter_config', 'envoy.filters.http.fault'];
  return {
    delayPct: v.at([...base, 'delay', 'percentage'], f.delayPct),
    delayMs: v.at([...base, 'delay', 'fixed_delay'], f.delayMs),
    abortPct: v.at([...base, 'abort', 'percentage'], f.abortPct),
    abortStatus: v.at([...base, 'abort', 'http_status'], f.abortStatus),
  };
}

/**
 * One route of an Envoy config as the router runs it, every value set at its JSON path or Envoy's
 * default (a route without a timeout has Envoy's 15 s; without a retry_policy, no retries). `known`
 * says whether a destination cluster is in the config (else the route answers 503 NC).
 */
export function explainDumpRoute(
  doc: EnvoyConfigDocument,
  route: DumpRoute,
  vh: DumpVirtualHost,
  known: (cluster: string) => boolean,
): RouteExplanation {
  const raw = valueAt(doc.resource, route.source.path);
  const v = new DumpValues(doc, route.source, raw);
  const a = route.action;
  const base = {
    name: route.name,
    virtualService: null,
    match: v.at(['match'], route.match.text),
    notes: [] as string[],
    notModelled: route.notModelled,
  };
  if (a.kind !== 'route') {
    return {
      ...base,
      destinations: [],
      localReply: a.kind === 'local' ? { status: a.status, flags: '-' } : null,
      timeoutMs: null,
      retry: null,
      fault: null,
      notes: a.kind === 'unsupported' ? ['cannot be simulated: see what is not modelled'] : [],
    };
  }
  const missing = a.destinations.filter((d) => !known(d.cluster)).map((d) => d.cluster);
  const weighted = valueAt(raw, ['route', 'weighted_clusters']) !== undefined;
  // A route without its own retry_policy takes its virtual host's, whole.
  const own = valueAt(raw, ['route', 'retry_policy']) !== undefined;
  const retryValues = own ? v : new DumpValues(doc, vh.source, valueAt(doc.resource, vh.source.path));
  return {
    ...base,
    destinations: a.destinations.map((d, j) => ({
      cluster: d.cluster,
      weight: weighted
        ? v.at(['route', 'weighted_clusters', 'clusters', j, 'weight'], d.weight)
        : v.at(['route', 'cluster'], d.weight, 'the only destination'),
    })),
    localReply: missing.length > 0 ? { status: a.clusterNotFoundStatus, flags: flagsText(Flag.NC) } : null,
    timeoutMs: v.at(
      ['route', 'timeout'],
      a.timeoutMs,
      a.timeoutMs === 15_000 && valueAt(raw, ['route', 'timeout']) === undefined
        ? `unset: Envoy's ${formatDurationMs(15_000)}`
        : undefined,
    ),
    retry: retryOf(retryValues, a.retry, own ? ['route', 'retry_policy'] : ['retry_policy']),
    fault: a.fault === null ? null : faultOf(v, a.fault),
    notes:
      missing.length > 0
        ? [`no cluster ${missing.join(', ')} in the config: ${a.clusterNotFoundStatus} NC`]
        : [],
  };
}
