import type { HTTPMatchRequest, HTTPRoute, StringMatch } from '../../config/resources/schema/http-route.js';
import type { ConsistentHashKey } from '../../envoy/load-balancing.js';
import type { RetryPolicyModel } from '../../envoy/retry-policy.js';
import type { FaultModel, RouteModel } from '../../envoy/route.js';
import { fractionalPercent, present, seconds, typed } from './proto-out.js';

const REDIRECT_CODES: Readonly<Record<number, string>> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

/** Istio's ConvertPolicy output: Envoy's tokens in retry_on, the numeric ones as retriable_status_codes. */
export function retryPolicyJson(r: RetryPolicyModel): Record<string, unknown> {
  const tokens = r.retryOnText
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && !/^\d+$/.test(t));
  if (r.retriableStatusCodes.length > 0 && !tokens.includes('retriable-status-codes'))
    tokens.push('retriable-status-codes');
  return present({
    retry_on: tokens.join(','),
    num_retries: r.numRetries,
    per_try_timeout: r.perTryTimeoutMs > 0 ? seconds(r.perTryTimeoutMs) : undefined,
    retry_host_predicate: r.previousHosts
      ? [
          {
            name: 'envoy.retry_host_predicates.previous_hosts',
            typed_config: typed('envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate'),
          },
        ]
      : undefined,
    host_selection_retry_max_attempts: String(r.hostSelectionMaxAttempts),
    retriable_status_codes: r.retriableStatusCodes.length > 0 ? r.retriableStatusCodes : undefined,
    retry_back_off: { base_interval: seconds(r.backoffBaseMs), max_interval: seconds(r.backoffMaxMs) },
  });
}

/** A consistent-hash key as the route's hash_policy. */
export function hashPolicyJson(k: ConsistentHashKey): Record<string, unknown> {
  if (k.httpHeaderName !== undefined) return { header: { header_name: k.httpHeaderName } };
  if (k.httpCookie !== undefined) {
    const c = k.httpCookie;
    return {
      cookie: present({
        name: c.name,
        path: c.path,
        ttl: c.ttl === undefined ? undefined : seconds(c.ttl.ms),
      }),
    };
  }
  if (k.httpQueryParameterName !== undefined) return { query_parameter: { name: k.httpQueryParameterName } };
  return { connection_properties: { source_ip: true } };
}

function faultJson(f: FaultModel): Record<string, unknown> {
  return typed(
    'envoy.extensions.filters.http.fault.v3.HTTPFault',
    present({
      delay:
        f.delayMs > 0 || f.delayPct > 0
          ? { fixed_delay: seconds(f.delayMs), percentage: fractionalPercent(f.delayPct) }
          : undefined,
      abort:
        f.abortStatus > 0
          ? { http_status: f.abortStatus, percentage: fractionalPercent(f.abortPct) }
          : undefined,
    }),
  );
}

function stringMatchJson(m: StringMatch): Record<string, unknown> {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return { safe_regex: { regex: '.*' } };
}

/** One HTTPMatchRequest block as an Envoy RouteMatch (istiod writes a route per block). */
export function routeMatchJson(m: HTTPMatchRequest | null): Record<string, unknown> {
  if (m === null) return { prefix: '/' };
  const uri = m.uri;
  const path =
    uri?.exact !== undefined
      ? { path: uri.exact }
      : uri?.prefix !== undefined
        ? { prefix: uri.prefix }
        : uri?.regex !== undefined
          ? { safe_regex: { regex: uri.regex } }
          : { prefix: '/' };
  const headers = [
    ...(m.method === undefined ? [] : [{ name: ':method', string_match: stringMatchJson(m.method) }]),
    ...(m.authority === undefined
      ? []
      : [{ name: ':authority', string_match: stringMatchJson(m.authority) }]),
    ...Object.entries(m.headers ?? {}).map(([name, sm]) => ({
      name: name.toLowerCase(),
      string_match: stringMatchJson(sm),
    })),
    ...Object.entries(m.withoutHeaders ?? {}).map(([name, sm]) => ({
      name: name.toLowerCase(),
      string_match: stringMatchJson(sm),
      invert_match: true,
    })),
  ];
  const query = Object.entries(m.queryParams ?? {}).map(([name, sm]) => ({
    name,
    string_match: stringMatchJson(sm),
  }));
  return present({
    ...path,
    case_sensitive: m.ignoreUriCase === true ? false : undefined,
    headers: headers.length > 0 ? headers : undefined,
    query_parameters: query.length > 0 ? query : undefined,
  });
}

/**
 * A route of the model as the Envoy Route istiod writes: forwarding to its (weighted) clusters with the
 * timeout, retries, hash policy and fault; or answering itself (direct response, redirect, or a cluster
 * that does not exist, which Envoy answers 503 NC).
 */
export function routeJson(
  model: RouteModel,
  match: Record<string, unknown>,
  clusterName: (index: number) => string,
  source: { http: HTTPRoute | undefined; missingCluster: string; metadata: Record<string, unknown> | null },
): Record<string, unknown> {
  const head = present({
    name: model.name,
    match,
    metadata: source.metadata === null ? undefined : { filter_metadata: { istio: source.metadata } },
  });
  if (model.destinations.length === 0) {
    if (source.http?.redirect !== undefined && REDIRECT_CODES[model.localStatus] !== undefined)
      return { ...head, redirect: { response_code: REDIRECT_CODES[model.localStatus] } };
    if (model.localFlags === 0) return { ...head, direct_response: { status: model.localStatus } };
    return { ...head, route: { cluster: source.missingCluster, timeout: '0s' } };
  }
  const single = model.destinations.length === 1;
  return present({
    ...head,
    route: present({
      ...(single
        ? { cluster: clusterName(model.destinations[0]!.cluster) }
        : {
            weighted_clusters: {
              clusters: model.destinations.map((d) => ({ name: clusterName(d.cluster), weight: d.weight })),
            },
          }),
      timeout: seconds(model.timeoutMs),
      retry_policy: model.retry === null ? undefined : retryPolicyJson(model.retry),
      hash_policy:
        model.hashPolicy === null || model.hashPolicy === undefined
          ? undefined
          : [hashPolicyJson(model.hashPolicy)],
    }),
    typed_per_filter_config:
      model.fault === null ? undefined : { 'envoy.filters.http.fault': faultJson(model.fault) },
  });
}
