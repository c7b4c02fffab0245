import type { z } from 'zod';
import type { CircuitBreakerThresholds } from '../../envoy/circuit-breakers.js';
import type { ClusterModel } from '../../envoy/cluster.js';
import { ENVOY_MAX_CONCURRENT_STREAMS, type UpstreamProtocolModel } from '../../envoy/http-protocol.js';
import type { FieldPath } from '../resources/positions.js';
import { connectionKeepaliveOf } from './connection-keepalive.js';
import type { DumpContext } from './dump-context.js';
import { type ClusterJson, type http2OptionsSchema, httpProtocolOptionsSchema } from './schema/cluster.js';
import { typeName } from './schema/proto-json.js';

/** Envoy's defaults (resource_manager_impl.h, cluster.proto, protocol.proto). */
export const ENVOY_CIRCUIT_BREAKERS = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
} as const;
export const ENVOY_CONNECT_TIMEOUT_MS = 5000;
export const ENVOY_UPSTREAM_IDLE_TIMEOUT_MS = 3_600_000;
/** Linux's net.ipv4.tcp_keepalive_* for what a tcp_keepalive leaves unset. */
const LINUX_KEEPALIVE = { timeMs: 7_200_000, intervalMs: 75_000, probes: 9 };

export const HTTP_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

type Http2Options = z.infer<typeof http2OptionsSchema>;

type Pool = Pick<
  ClusterModel,
  | 'circuitBreakers'
  | 'connectTimeoutMs'
  | 'idleTimeoutMs'
  | 'maxRequestsPerConnection'
  | 'maxConnectionDurationMs'
  | 'tcpKeepalive'
  | 'upstreamProtocol'
>;

/** circuit_breakers: the DEFAULT priority's thresholds (meshsim's requests are all default priority). */
function circuitBreakersOf(ctx: DumpContext, c: ClusterJson, path: FieldPath): CircuitBreakerThresholds {
  const list = c.circuit_breakers?.thresholds ?? [];
  list.forEach((t, i) => {
    if (t.priority === 'HIGH')
      ctx.notModelled(
        [...path, 'circuit_breakers', 'thresholds', i],
        'HIGH priority thresholds: every simulated request is DEFAULT priority',
      );
  });
  const t = list.find((x) => (x.priority ?? 'DEFAULT') === 'DEFAULT');
  const out: CircuitBreakerThresholds = {
    maxConnections: t?.max_connections ?? ENVOY_CIRCUIT_BREAKERS.maxConnections,
    maxPendingRequests: t?.max_pending_requests ?? ENVOY_CIRCUIT_BREAKERS.maxPendingRequests,
    maxRequests: t?.max_requests ?? ENVOY_CIRCUIT_BREAKERS.maxRequests,
    maxRetries: t?.max_retries ?? ENVOY_CIRCUIT_BREAKERS.maxRetries,
  };
  if (t?.retry_budget !== undefined) {
    out.retryBudget = {
      budgetPercent: t.retry_budget.budget_percent?.value ?? 20,
      minRetryConcurrency: t.retry_budget.min_retry_concurrency ?? 3,
    };
  }
  return out;
}

/** The HttpProtocolOptions extension, or the cluster's deprecated fields of the same meaning. */
export function httpOptionsOf(ctx: DumpContext, c: ClusterJson, path: FieldPath) {
  const raw = c.typed_extension_protocol_options?.[HTTP_OPTIONS_KEY];
  if (raw === undefined) return undefined;
  const at = [...path, 'typed_extension_protocol_options', HTTP_OPTIONS_KEY];
  if (raw['@type'] !== undefined && typeName(raw['@type']) !== HTTP_OPTIONS_KEY) {
    ctx.report(
      'error',
      [...at, '@type'],
      `must be type.googleapis.com/${HTTP_OPTIONS_KEY}, got ${raw['@type']}`,
    );
    return undefined;
  }
  return ctx.parse(httpProtocolOptionsSchema, raw, at);
}

/**
 * The upstream codec: explicit HTTP/2 (with max_concurrent_streams) or HTTP/1.1, or the client's protocol,
 * which for meshsim's HTTP/1.1 clients is HTTP/1.1. Null when the cluster negotiates with ALPN or speaks
 * HTTP/3, which meshsim does not run.
 */
function upstreamProtocolOf(
  ctx: DumpContext,
  c: ClusterJson,
  options: ReturnType<typeof httpOptionsOf>,
  path: FieldPath,
): UpstreamProtocolModel | null {
  const h2 = (h2Options: Http2Options, at: FieldPath): UpstreamProtocolModel => {
    const model: UpstreamProtocolModel = {
      config: 'HTTP/2',
      protocol: 'HTTP/2',
      maxConcurrentStreams: h2Options.max_concurrent_streams ?? ENVOY_MAX_CONCURRENT_STREAMS,
    };
    const keepalive = connectionKeepaliveOf(ctx, h2Options.connection_keepalive, [
      ...at,
      'connection_keepalive',
    ]);
    if (keepalive !== undefined) model.connectionKeepalive = keepalive;
    return model;
  };
  const h1: UpstreamProtocolModel = { config: 'HTTP/1.1', protocol: 'HTTP/1.1', maxConcurrentStreams: 1 };
  const downstream: UpstreamProtocolModel = {
    config: 'USE_DOWNSTREAM',
    protocol: 'HTTP/1.1',
    maxConcurrentStreams: 1,
  };
  const at = [...path, 'typed_extension_protocol_options', HTTP_OPTIONS_KEY];
  if (options?.auto_config !== undefined) {
    ctx.notModelled([...at, 'auto_config'], 'the protocol is negotiated with ALPN per connection');
    return null;
  }
  if (options?.explicit_http_config?.http3_protocol_options !== undefined) {
    ctx.notModelled([...at, 'explicit_http_config', 'http3_protocol_options'], 'HTTP/3 upstream');
    return null;
  }
  if (options?.explicit_http_config?.http2_protocol_options !== undefined)
    return h2(options.explicit_http_config.http2_protocol_options, [
      ...at,
      'explicit_http_config',
      'http2_protocol_options',
    ]);
  if (options?.explicit_http_config !== undefined) return h1;
  if (options?.use_downstream_protocol_config !== undefined) return downstream;
  if (c.protocol_selection === 'USE_DOWNSTREAM_PROTOCOL') return downstream;
  if (c.http2_protocol_options !== undefined)
    return h2(c.http2_protocol_options, [...path, 'http2_protocol_options']);
  return h1;
}

/**
 * The connection pool: circuit breakers (Envoy's 1024/1024/1024/3 when unset), connect timeout (5 s),
 * the HTTP options' idle timeout (1 h), requests and lifetime per connection, TCP keepalive, the codec.
 * Null when the codec is one meshsim does not run.
 */
export function readPool(ctx: DumpContext, c: ClusterJson, path: FieldPath): Pool | null {
  const options = httpOptionsOf(ctx, c, path);
  const upstreamProtocol = upstreamProtocolOf(ctx, c, options, path);
  if (upstreamProtocol === null) return null;
  const common = options?.common_http_protocol_options ?? c.common_http_protocol_options;
  const keepalive = c.upstream_connection_options?.tcp_keepalive;
  return {
    circuitBreakers: circuitBreakersOf(ctx, c, path),
    connectTimeoutMs: c.connect_timeout ?? ENVOY_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: common?.idle_timeout ?? ENVOY_UPSTREAM_IDLE_TIMEOUT_MS,
    maxRequestsPerConnection: common?.max_requests_per_connection ?? c.max_requests_per_connection ?? 0,
    maxConnectionDurationMs: common?.max_connection_duration ?? 0,
    tcpKeepalive:
      keepalive === undefined
        ? null
        : {
            timeMs:
              keepalive.keepalive_time !== undefined
                ? keepalive.keepalive_time * 1000
                : LINUX_KEEPALIVE.timeMs,
            intervalMs:
              keepalive.keepalive_interval !== undefined
                ? keepalive.keepalive_interval * 1000
                : LINUX_KEEPALIVE.intervalMs,
            probes: keepalive.keepalive_probes ?? LINUX_KEEPALIVE.probes,
          },
    upstreamProtocol,
  };
}
