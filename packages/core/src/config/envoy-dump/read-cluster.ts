import type { ClusterDiscoveryType } from '../../envoy/cluster.js';
import type { FieldPath } from '../resources/positions.js';
import { readBalancing } from './cluster-balancing.js';
import { dnsTargetsOf, type ReadAssignment, readAssignment } from './cluster-endpoints.js';
import { capRuleFor, readOutlierDetection } from './cluster-outlier.js';
import { httpOptionsOf, readPool } from './cluster-pool.js';
import { readTls } from './cluster-tls.js';
import { type DumpContext, type DumpSource, isObject, listUnmodelled } from './dump-context.js';
import type { DumpCluster } from './dump-model.js';
import {
  type ClusterJson,
  clusterSchema,
  outlierDetectionSchema,
  thresholdsSchema,
} from './schema/cluster.js';
import { type ClusterLoadAssignment, clusterLoadAssignmentSchema } from './schema/endpoint.js';

/** Envoy's defaults for DNS clusters: refresh every 5 s, no jitter, TTLs ignored. */
const ENVOY_DNS_REFRESH_MS = 5000;
const ENVOY_PANIC_THRESHOLD_PCT = 50;

/** Cluster fields that change nothing meshsim simulates: names, stats, metadata, DNS plumbing. */
const INERT_CLUSTER_FIELDS = [
  'metadata',
  'alt_stat_name',
  'track_cluster_stats',
  'dns_lookup_family',
  'per_connection_buffer_limit_bytes',
  'upstream_bind_config',
  'cleanup_interval',
  'typed_dns_resolver_config',
  'dns_resolvers',
  'use_tcp_for_dns_lookups',
  'dns_resolution_config',
  'wait_for_warm_on_init',
  'track_timeout_budgets',
  'ignore_health_on_host_removal',
  'lrs_server',
  'filters',
];

/** An EDS cluster's endpoints, by service name, as the endpoints dump has them. */
export type EdsAssignments = ReadonlyMap<string, { cla: ClusterLoadAssignment; path: FieldPath }>;

/** `outbound|PORT|SUBSET|HOST` → the host and port Istio built the cluster for. */
function istioNameParts(name: string): { host: string; port: number } | null {
  const m = /^(?:outbound|inbound)\|(\d+)\|[^|]*\|(.+)$/.exec(name);
  return m === null ? null : { host: m[2]!, port: Number(m[1]) };
}

/** Where the cluster's endpoints are: its load_assignment, or for EDS the endpoints dump's assignment. */
function assignmentOf(
  ctx: DumpContext,
  c: ClusterJson,
  type: ClusterDiscoveryType,
  path: FieldPath,
  eds: EdsAssignments,
): { read: ReadAssignment; source: DumpSource | null } {
  const none = { read: { endpoints: [], groups: [], unsupported: null }, source: null };
  if (type === 'ORIGINAL_DST') return none;
  if (type === 'EDS') {
    const found = eds.get(c.eds_cluster_config?.service_name ?? c.name);
    if (found === undefined) return none;
    return { read: readAssignment(ctx, found.cla, found.path), source: ctx.sourceOf(found.path) };
  }
  if (c.load_assignment === undefined) return none;
  const at = [...path, 'load_assignment'];
  return { read: readAssignment(ctx, c.load_assignment, at), source: ctx.sourceOf(at) };
}

/** The fields of the cluster and its parts that the simulation does not run, each listed. */
function listClusterUnmodelled(ctx: DumpContext, raw: Record<string, unknown>, path: FieldPath): void {
  listUnmodelled(ctx, raw, path, clusterSchema, INERT_CLUSTER_FIELDS, 'cluster');
  listUnmodelled(
    ctx,
    raw.outlier_detection,
    [...path, 'outlier_detection'],
    outlierDetectionSchema,
    [],
    'outlier_detection',
  );
  const thresholds = isObject(raw.circuit_breakers) ? raw.circuit_breakers.thresholds : undefined;
  if (Array.isArray(thresholds)) {
    thresholds.forEach((t, i) => {
      listUnmodelled(
        ctx,
        t,
        [...path, 'circuit_breakers', 'thresholds', i],
        thresholdsSchema,
        ['track_remaining'],
        'circuit breaker',
      );
    });
  }
  if (Array.isArray(raw.filters)) {
    raw.filters.forEach((f, i) => {
      const name = isObject(f) && typeof f.name === 'string' ? f.name : '';
      if (!name.includes('metadata_exchange'))
        ctx.notModelled([...path, 'filters', i], `upstream network filter ${name || i}`);
    });
  }
}

/**
 * One Cluster of the dump as the runtime runs it: its discovery type (STATIC when unset), load balancer,
 * pool, outlier detection, TLS and endpoints, each from the dump or Envoy's default. Undefined when it
 * does not parse (the errors are in `ctx`).
 */
export function readCluster(
  ctx: DumpContext,
  raw: unknown,
  path: FieldPath,
  eds: EdsAssignments,
  envoyVersion: string | null,
): DumpCluster | undefined {
  const c = ctx.parse(clusterSchema, raw, path);
  if (c === undefined || !isObject(raw)) return undefined;
  const { value, notes } = ctx.collect(() => build(ctx, c, raw, path, eds, envoyVersion));
  return value === undefined ? undefined : { ...value, notModelled: notes };
}

function build(
  ctx: DumpContext,
  c: ClusterJson,
  raw: Record<string, unknown>,
  path: FieldPath,
  eds: EdsAssignments,
  envoyVersion: string | null,
): Omit<DumpCluster, 'notModelled'> | undefined {
  listClusterUnmodelled(ctx, raw, path);
  let unsupported: string | null = null;
  if (c.cluster_type !== undefined) unsupported = `custom cluster type ${c.cluster_type.name ?? '?'}`;
  const type: ClusterDiscoveryType = c.type ?? 'STATIC';
  const { read, source } = assignmentOf(ctx, c, type, path, eds);
  unsupported ??= read.unsupported;
  const balancing = readBalancing(ctx, c, path);
  const pool = readPool(ctx, c, path);
  if (balancing === null || pool === null)
    unsupported ??= 'it balances or speaks a protocol meshsim does not run';
  const auto = httpOptionsOf(ctx, c, path)?.upstream_http_protocol_options;
  const tls = readTls(
    ctx,
    c,
    path,
    read.endpoints.map((e) => e.socketMatch),
    {
      sni: auto?.auto_sni ?? false,
      san: auto?.auto_san_validation ?? false,
    },
  );
  if ('unsupported' in tls) unsupported ??= tls.unsupported;
  const named = istioNameParts(c.name);
  const endpoints = read.endpoints.map(({ socketMatch: _, ...e }) => e);
  const dns = type === 'STRICT_DNS' || type === 'LOGICAL_DNS';
  const capRule = capRuleFor(envoyVersion);
  return {
    name: c.name,
    serviceHost: named?.host ?? c.name,
    port: named?.port ?? endpoints[0]?.port ?? 0,
    type,
    ...(balancing ?? { lbPolicy: 'ROUND_ROBIN', hashTableSize: 0, slowStart: null, leastRequest: null }),
    ...(pool ?? {
      circuitBreakers: { maxConnections: 0, maxPendingRequests: 0, maxRequests: 0, maxRetries: 0 },
      connectTimeoutMs: 0,
      idleTimeoutMs: 0,
      maxRequestsPerConnection: 0,
    }),
    tcpProxy: null,
    ...('unsupported' in tls ? { tlsMode: 'DISABLE' as const, tls: null } : tls),
    outlierDetection: readOutlierDetection(c, envoyVersion),
    healthyPanicThresholdPct: c.common_lb_config?.healthy_panic_threshold?.value ?? ENVOY_PANIC_THRESHOLD_PCT,
    endpoints: dns || type === 'ORIGINAL_DST' ? [] : endpoints,
    dnsTargets: dns ? dnsTargetsOf(type === 'LOGICAL_DNS' ? endpoints.slice(0, 1) : endpoints) : [],
    dnsRefreshRateMs: c.dns_refresh_rate ?? ENVOY_DNS_REFRESH_MS,
    dnsJitterMs: c.dns_jitter ?? 0,
    respectDnsTtl: c.respect_dns_ttl ?? false,
    localityWeights: c.common_lb_config?.locality_weighted_lb_config !== undefined ? read.groups : null,
    source: ctx.sourceOf(path),
    raw,
    endpointsSource: source,
    edsEndpointsMissing: type === 'EDS' && source === null,
    unsupported,
    envoyVersionNote:
      envoyVersion === null
        ? "the dump does not say Envoy's version: the current ejection cap (Envoy >= 1.27) applies"
        : `Envoy ${envoyVersion}: ${capRule === 'current' ? 'the ejection cap counts the ejection being decided' : 'the ejection cap before 1.27 lets the first ejection through'}`,
  };
}

export { clusterLoadAssignmentSchema };
