import type { FaultModel } from '../../envoy/route.js';
import type { FieldPath } from '../resources/positions.js';
import { type DumpContext, isObject, listUnmodelled } from './dump-context.js';
import type { DumpChainMatch, DumpFilterChain, DumpListener, DumpTcpProxy } from './dump-model.js';
import { FAULT_FILTER, readFault, readRouteConfig } from './read-route.js';
import {
  type FilterChainJson,
  filterChainMatchSchema,
  filterChainSchema,
  httpConnectionManagerSchema,
  listenerSchema,
  tcpProxySchema,
} from './schema/listener.js';
import { typeName } from './schema/proto-json.js';

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP_PROXY = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const ROUTER = 'envoy.extensions.filters.http.router.v3.Router';
/** The tcp_proxy's defaults: an hour idle, one connect attempt. */
const TCP_IDLE_TIMEOUT_MS = 3_600_000;

/** HTTP and network filters that change nothing meshsim measures: telemetry, metadata exchange, CORS, ALPN. */
const INERT_FILTERS =
  /(stats|metadata_exchange|peer_metadata|cors|alpn|grpc_web|compressor|set_filter_state|connect_authority|\.tcp_stats)$/;
const INERT_TYPES =
  /(stats\.PluginConfig|MetadataExchange|peer_metadata\.Config|Cors|FilterConfig|Alpn|GrpcWeb|Compressor|TcpStats)$/;
const INERT_CHAIN_MATCH: string[] = ['source_type', 'direct_source_prefix_ranges'];

const inert = (f: {
  name?: string | undefined;
  typed_config?: Record<string, unknown> | undefined;
}): boolean => {
  const type = typeName(f.typed_config?.['@type'] as string | undefined);
  const inner = typeName(f.typed_config?.type_url as string | undefined);
  return INERT_FILTERS.test(f.name ?? '') || INERT_TYPES.test(type) || INERT_TYPES.test(inner);
};

/** The filter a chain ends in, by its config's message or (in Envoy's YAML examples) its name. */
const filterIs = (
  f: { name?: string | undefined; typed_config?: Record<string, unknown> | undefined },
  type: string,
  name: string,
): boolean => {
  const t = typeName(f.typed_config?.['@type'] as string | undefined);
  return t === type || (t === '' && (f.name === name || f.name === name.replace('filters.network.', '')));
};

function readHttp(
  ctx: DumpContext,
  raw: Record<string, unknown>,
  path: FieldPath,
): DumpFilterChain['handler'] {
  const hcm = ctx.parse(httpConnectionManagerSchema, raw, path);
  if (hcm === undefined) return { kind: 'other', why: 'its HTTP connection manager does not parse' };
  if (hcm.scoped_routes !== undefined) {
    ctx.notModelled([...path, 'scoped_routes'], 'scoped routes');
    return { kind: 'other', why: 'scoped routes' };
  }
  let faultFilter = false;
  let listenerFault: FaultModel | null = null;
  (hcm.http_filters ?? []).forEach((f, i) => {
    const at = [...path, 'http_filters', i];
    const type = typeName(f.typed_config?.['@type']);
    if (type === ROUTER || f.name === 'envoy.filters.http.router' || f.name === 'envoy.router') return;
    if (f.name === FAULT_FILTER || type === 'envoy.extensions.filters.http.fault.v3.HTTPFault') {
      faultFilter = f.disabled !== true;
      const own = readFault(ctx, f.typed_config ?? {}, [...at, 'typed_config']);
      listenerFault = own !== undefined && (own.delayPct > 0 || own.abortPct > 0) ? own : null;
      return;
    }
    if (!inert(f)) ctx.notModelled(at, `HTTP filter ${f.name ?? type}`);
  });
  const inline = isObject(raw.route_config)
    ? (readRouteConfig(ctx, raw.route_config, [...path, 'route_config']) ?? null)
    : null;
  if (hcm.original_ip_detection_extensions !== undefined && hcm.original_ip_detection_extensions.length > 0)
    ctx.notModelled(
      [...path, 'original_ip_detection_extensions'],
      "original IP detection extensions: whether a request is internal is decided from X-Forwarded-For, as Envoy's default XFF detection does",
    );
  const ranges = hcm.internal_address_config?.cidr_ranges ?? [];
  const internalRequests = {
    useRemoteAddress: hcm.use_remote_address ?? false,
    xffNumTrustedHops: hcm.xff_num_trusted_hops ?? 0,
    internalAddressConfig:
      hcm.internal_address_config === undefined
        ? null
        : { cidrRanges: ranges.map((r) => ({ address: r.address_prefix, prefixLen: r.prefix_len ?? 0 })) },
    source: ctx.sourceOf(path),
  };
  return {
    kind: 'http',
    rds: hcm.rds?.route_config_name ?? null,
    inline,
    faultFilter,
    listenerFault,
    internalRequests,
  };
}

function readTcpProxy(
  ctx: DumpContext,
  raw: Record<string, unknown>,
  path: FieldPath,
): DumpFilterChain['handler'] {
  const t = ctx.parse(tcpProxySchema, raw, path);
  if (t === undefined) return { kind: 'other', why: 'its tcp_proxy does not parse' };
  listUnmodelled(
    ctx,
    raw,
    path,
    tcpProxySchema,
    ['stat_prefix', 'access_log', 'metadata_match'],
    'tcp_proxy',
  );
  const proxy: DumpTcpProxy = {
    source: ctx.sourceOf(path),
    destinations:
      t.weighted_clusters !== undefined
        ? t.weighted_clusters.clusters.map((c) => ({ cluster: c.name, weight: c.weight ?? 0 }))
        : t.cluster !== undefined
          ? [{ cluster: t.cluster, weight: 1 }]
          : [],
    idleTimeoutMs: t.idle_timeout ?? TCP_IDLE_TIMEOUT_MS,
    maxConnectAttempts: t.max_connect_attempts ?? 1,
    maxConnectionDurationMs: t.max_downstream_connection_duration ?? 0,
    hashSourceIp: (t.hash_policy ?? []).some((h) => h.source_ip !== undefined),
  };
  return { kind: 'tcp', proxy };
}

function matchOf(
  ctx: DumpContext,
  c: FilterChainJson,
  raw: Record<string, unknown>,
  path: FieldPath,
): DumpChainMatch {
  const m = c.filter_chain_match;
  listUnmodelled(
    ctx,
    raw.filter_chain_match,
    [...path, 'filter_chain_match'],
    filterChainMatchSchema,
    INERT_CHAIN_MATCH,
    'filter chain match',
  );
  return {
    destinationPort: m?.destination_port ?? null,
    prefixRanges: (m?.prefix_ranges ?? []).map((r) => ({
      address: r.address_prefix,
      prefixLen: r.prefix_len ?? 32,
    })),
    serverNames: (m?.server_names ?? []).map((s) => s.toLowerCase()),
    transportProtocol: m?.transport_protocol ?? '',
    applicationProtocols: m?.application_protocols ?? [],
  };
}

/** A filter chain: its match, and the network filter it ends in (HTTP connection manager or tcp_proxy). */
function readChain(ctx: DumpContext, raw: unknown, path: FieldPath): DumpFilterChain | undefined {
  const c = ctx.parse(filterChainSchema, raw, path);
  if (c === undefined || !isObject(raw)) return undefined;
  const { value, notes } = ctx.collect(() => {
    const match = matchOf(ctx, c, raw, path);
    const filters = c.filters ?? [];
    const rawFilters = (raw.filters as unknown[] | undefined) ?? [];
    let handler: DumpFilterChain['handler'] = {
      kind: 'other',
      why: 'it has no HTTP connection manager or tcp_proxy',
    };
    filters.forEach((f, i) => {
      const at = [...path, 'filters', i, 'typed_config'];
      const fr = (rawFilters[i] as Record<string, unknown> | undefined)?.typed_config as
        | Record<string, unknown>
        | undefined;
      if (filterIs(f, HCM, 'envoy.filters.network.http_connection_manager'))
        handler = readHttp(ctx, fr ?? {}, at);
      else if (filterIs(f, TCP_PROXY, 'envoy.filters.network.tcp_proxy'))
        handler = readTcpProxy(ctx, fr ?? {}, at);
      else if (!inert(f))
        ctx.notModelled(
          [...path, 'filters', i],
          `network filter ${f.name ?? typeName(f.typed_config?.['@type'])}`,
        );
    });
    const terminates = typeName(c.transport_socket?.typed_config?.['@type']).endsWith('DownstreamTlsContext');
    if (terminates)
      ctx.notModelled(
        [...path, 'transport_socket'],
        "the listener's own TLS handshake with the application (its time is not simulated)",
      );
    return { match, handler, terminatesTls: terminates };
  });
  return { name: c.name ?? '', source: ctx.sourceOf(path), ...value, notModelled: notes };
}

/** A Listener: its address and port, and its filter chains in order (the default chain apart). */
export function readListener(ctx: DumpContext, raw: unknown, path: FieldPath): DumpListener | undefined {
  const l = ctx.parse(listenerSchema, raw, path);
  if (l === undefined || !isObject(raw)) return undefined;
  const socket = l.address?.socket_address;
  const name = l.name ?? (socket !== undefined ? `${socket.address}_${socket.port_value ?? 0}` : '');
  if (socket?.port_value === undefined) {
    ctx.notModelled(
      path,
      `listener ${name || '(unnamed)'} has no TCP address: an internal listener the application never connects to`,
    );
    return undefined;
  }
  if (isObject(raw) && raw.filter_chain_matcher !== undefined) {
    ctx.notModelled(
      [...path, 'filter_chain_matcher'],
      'a filter chain matcher: only filter_chain_match is evaluated',
    );
  }
  const chains: DumpFilterChain[] = [];
  (Array.isArray(raw.filter_chains) ? raw.filter_chains : []).forEach((c, i) => {
    const chain = readChain(ctx, c, [...path, 'filter_chains', i]);
    if (chain !== undefined) chains.push(chain);
  });
  return {
    name,
    source: ctx.sourceOf(path),
    address: socket.address,
    port: socket.port_value,
    useOriginalDst: l.use_original_dst === true,
    inbound: l.traffic_direction === 'INBOUND',
    chains,
    defaultChain:
      raw.default_filter_chain === undefined
        ? null
        : (readChain(ctx, raw.default_filter_chain, [...path, 'default_filter_chain']) ?? null),
  };
}
