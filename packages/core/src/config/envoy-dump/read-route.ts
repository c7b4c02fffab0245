import type { ConsistentHashKey } from '../../envoy/load-balancing.js';
import type { FaultModel } from '../../envoy/route.js';
import type { FieldPath } from '../resources/positions.js';
import { type DumpContext, isObject, listUnmodelled } from './dump-context.js';
import type { DumpRoute, DumpRouteAction, DumpRouteConfig, DumpVirtualHost } from './dump-model.js';
import { readRouteMatch } from './read-match.js';
import { readRetryPolicy } from './read-retry.js';
import { typeName } from './schema/proto-json.js';
import {
  type HashPolicyJson,
  httpFaultSchema,
  type RouteConfigurationJson,
  type RouteJson,
  routeActionSchema,
  routeConfigurationSchema,
  routeSchema,
  type VirtualHostJson,
  virtualHostSchema,
} from './schema/route.js';

/** Envoy's route timeout when the route sets none. */
export const ENVOY_ROUTE_TIMEOUT_MS = 15_000;
export const FAULT_FILTER = 'envoy.filters.http.fault';
const FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

const CLUSTER_NOT_FOUND_STATUS = { SERVICE_UNAVAILABLE: 503, NOT_FOUND: 404, INTERNAL_SERVER_ERROR: 500 };
const REDIRECT_STATUS = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};

/** Fields of a route and its action that shape nothing the simulation measures (headers, names, tracing). */
const INERT_ROUTE_FIELDS = [
  'metadata',
  'decorator',
  'request_headers_to_add',
  'request_headers_to_remove',
  'response_headers_to_add',
  'response_headers_to_remove',
  'tracing',
  'stat_prefix',
  'per_request_buffer_limit_bytes',
];
const INERT_ACTION_FIELDS = [
  'prefix_rewrite',
  'regex_rewrite',
  'path_rewrite_policy',
  'host_rewrite_literal',
  'host_rewrite_header',
  'host_rewrite_path_regex',
  'auto_host_rewrite',
  'append_x_forwarded_host',
  'upgrade_configs',
  'max_grpc_timeout',
  'grpc_timeout_offset',
  'cors',
  'include_vh_rate_limits',
  'max_stream_duration',
  'metadata_match',
];

/** A HashPolicy as a consistent-hash key; the first meshsim evaluates wins, the others are listed. */
function hashKeyOf(
  ctx: DumpContext,
  list: readonly HashPolicyJson[],
  path: FieldPath,
): ConsistentHashKey | null {
  let key: ConsistentHashKey | null = null;
  list.forEach((h, i) => {
    const k: ConsistentHashKey | null =
      h.header !== undefined
        ? { httpHeaderName: h.header.header_name }
        : h.cookie !== undefined
          ? {
              httpCookie: {
                name: h.cookie.name,
                ...(h.cookie.path !== undefined ? { path: h.cookie.path } : {}),
                ...(h.cookie.ttl !== undefined ? { ttl: { ms: h.cookie.ttl } } : {}),
              },
            }
          : h.connection_properties?.source_ip === true || h.source_ip !== undefined
            ? { useSourceIp: true }
            : h.query_parameter !== undefined
              ? { httpQueryParameterName: h.query_parameter.name }
              : null;
    if (key === null && k !== null) key = k;
    else ctx.notModelled([...path, i], 'a further hash policy: the first one decides the hash');
  });
  return key;
}

/** The fault filter's config among typed_per_filter_config, or undefined when there is none. */
function faultOf(
  ctx: DumpContext,
  perFilter: Record<string, Record<string, unknown>> | undefined,
  path: FieldPath,
): FaultModel | undefined {
  const raw = perFilter?.[FAULT_FILTER];
  return raw === undefined ? undefined : readFault(ctx, raw, [...path, FAULT_FILTER]);
}

/** An HTTPFault as the fault filter applies it: delay, then abort, each to its percentage of requests. */
export function readFault(
  ctx: DumpContext,
  raw: Record<string, unknown>,
  at: FieldPath,
): FaultModel | undefined {
  if (raw['@type'] !== undefined && typeName(raw['@type'] as string) !== FAULT_TYPE) {
    ctx.notModelled(at, `per-route config ${typeName(raw['@type'] as string)} for the fault filter`);
    return undefined;
  }
  const f = ctx.parse(httpFaultSchema, raw, at);
  if (f === undefined) return undefined;
  for (const key of Object.keys(raw)) {
    if (key !== '@type' && key !== 'delay' && key !== 'abort')
      ctx.notModelled([...at, key], `fault field ${key}`);
  }
  return {
    delayPct: f.delay?.fixed_delay === undefined ? 0 : (f.delay.percentage ?? 0),
    delayMs: f.delay?.fixed_delay ?? 0,
    abortPct: f.abort?.http_status === undefined ? 0 : (f.abort.percentage ?? 0),
    abortStatus: f.abort?.http_status ?? 0,
  };
}

/** What a route does: forward to (weighted) clusters with its timeout, retries, hash and fault; or answer. */
interface VirtualHostIn {
  vh: VirtualHostJson;
  vhRaw: Record<string, unknown>;
  vhPath: FieldPath;
}

function actionOf(
  ctx: DumpContext,
  raw: Record<string, unknown>,
  r: RouteJson,
  { vh, vhRaw, vhPath }: VirtualHostIn,
  path: FieldPath,
): DumpRouteAction | null {
  if (r.direct_response !== undefined) return { kind: 'local', status: r.direct_response.status };
  if (r.redirect !== undefined)
    return { kind: 'local', status: REDIRECT_STATUS[r.redirect.response_code ?? 'MOVED_PERMANENTLY'] };
  const a = r.route;
  if (a === undefined) {
    ctx.notModelled(path, 'a route without a route, redirect or direct_response action');
    return null;
  }
  const at = [...path, 'route'];
  listUnmodelled(ctx, raw.route, at, routeActionSchema, INERT_ACTION_FIELDS, 'route action');
  if (a.cluster_header !== undefined || a.cluster_specifier_plugin !== undefined) {
    ctx.notModelled(at, 'a cluster chosen per request (cluster_header, cluster_specifier_plugin)');
    return null;
  }
  const destinations =
    a.weighted_clusters !== undefined
      ? a.weighted_clusters.clusters.map((c) => ({ cluster: c.name, weight: c.weight ?? 0 }))
      : a.cluster !== undefined
        ? [{ cluster: a.cluster, weight: 1 }]
        : [];
  a.weighted_clusters?.clusters.forEach((c, i) => {
    if (c.typed_per_filter_config !== undefined)
      ctx.notModelled(
        [...at, 'weighted_clusters', 'clusters', i, 'typed_per_filter_config'],
        "a destination's own filter config",
      );
  });
  // A route's own retry policy replaces its virtual host's whole.
  const retry =
    a.retry_policy !== undefined
      ? readRetryPolicy(ctx, (raw.route as Record<string, unknown>).retry_policy, a.retry_policy, [
          ...at,
          'retry_policy',
        ])
      : vh.retry_policy !== undefined
        ? readRetryPolicy(ctx, vhRaw.retry_policy, vh.retry_policy, [...vhPath, 'retry_policy'])
        : null;
  return {
    kind: 'route',
    destinations,
    clusterNotFoundStatus:
      CLUSTER_NOT_FOUND_STATUS[a.cluster_not_found_response_code ?? 'SERVICE_UNAVAILABLE'],
    timeoutMs: a.timeout ?? ENVOY_ROUTE_TIMEOUT_MS,
    retry,
    hashPolicy: hashKeyOf(ctx, a.hash_policy ?? [], [...at, 'hash_policy']),
    fault:
      faultOf(ctx, r.typed_per_filter_config, [...path, 'typed_per_filter_config']) ??
      faultOf(ctx, vh.typed_per_filter_config, [...vhPath, 'typed_per_filter_config']) ??
      null,
  };
}

function readRoute(
  ctx: DumpContext,
  raw: unknown,
  host: VirtualHostIn,
  path: FieldPath,
  name: string,
): DumpRoute | undefined {
  const r = ctx.parse(routeSchema, raw, path);
  if (r === undefined || !isObject(raw)) return undefined;
  const { value, notes } = ctx.collect(() => {
    listUnmodelled(ctx, raw, path, routeSchema, INERT_ROUTE_FIELDS, 'route');
    const match = readRouteMatch(ctx, raw.match, r.match, [...path, 'match']);
    return { match, action: actionOf(ctx, raw, r, host, path) };
  });
  const action: DumpRouteAction = value.action ?? { kind: 'unsupported' };
  return { name: r.name || name, source: ctx.sourceOf(path), match: value.match, action, notModelled: notes };
}

function readVirtualHost(
  ctx: DumpContext,
  raw: unknown,
  path: FieldPath,
  configName: string,
): DumpVirtualHost | undefined {
  const vh = ctx.parse(virtualHostSchema, raw, path);
  if (vh === undefined || !isObject(raw)) return undefined;
  const name = vh.name ?? vh.domains[0]!;
  const routes: DumpRoute[] = [];
  (Array.isArray(raw.routes) ? raw.routes : []).forEach((rr, i) => {
    const route = readRoute(
      ctx,
      rr,
      { vh, vhRaw: raw, vhPath: path },
      [...path, 'routes', i],
      `${configName}/${name}/routes[${i}]`,
    );
    if (route !== undefined) routes.push(route);
  });
  return { name, domains: vh.domains.map((d) => d.toLowerCase()), source: ctx.sourceOf(path), routes };
}

/** A RouteConfiguration: its virtual hosts and their routes, in order. */
export function readRouteConfig(
  ctx: DumpContext,
  raw: unknown,
  path: FieldPath,
): DumpRouteConfig | undefined {
  const rc = ctx.parse(routeConfigurationSchema, raw, path) as RouteConfigurationJson | undefined;
  if (rc === undefined || !isObject(raw)) return undefined;
  const name = rc.name ?? '';
  const virtualHosts: DumpVirtualHost[] = [];
  (Array.isArray(raw.virtual_hosts) ? raw.virtual_hosts : []).forEach((v, i) => {
    const vh = readVirtualHost(ctx, v, [...path, 'virtual_hosts', i], name);
    if (vh !== undefined) virtualHosts.push(vh);
  });
  const internalOnlyHeaders = (rc.internal_only_headers ?? []).map((h) => h.toLowerCase());
  return { name, source: ctx.sourceOf(path), virtualHosts, internalOnlyHeaders };
}
