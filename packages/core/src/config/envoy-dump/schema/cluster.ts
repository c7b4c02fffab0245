import * as z from 'zod';
import { clusterLoadAssignmentSchema } from './endpoint.js';
import { percent, protoDuration, protoEnum, typedConfig, uint32, uint64 } from './proto-json.js';

const PRIORITIES = ['DEFAULT', 'HIGH'] as const;

/** envoy.config.cluster.v3.CircuitBreakers.Thresholds. */
export const thresholdsSchema = z.object({
  priority: protoEnum(PRIORITIES).optional(),
  max_connections: uint32().optional(),
  max_pending_requests: uint32().optional(),
  max_requests: uint32().optional(),
  max_retries: uint32().optional(),
  retry_budget: z
    .object({ budget_percent: percent().optional(), min_retry_concurrency: uint32().optional() })
    .optional(),
});

/** envoy.config.cluster.v3.OutlierDetection: the fields meshsim's detector runs (the rest: not modelled). */
export const outlierDetectionSchema = z.object({
  consecutive_5xx: uint32().optional(),
  interval: protoDuration().optional(),
  base_ejection_time: protoDuration().optional(),
  max_ejection_percent: uint32().optional(),
  enforcing_consecutive_5xx: uint32().optional(),
  enforcing_success_rate: uint32().optional(),
  success_rate_minimum_hosts: uint32().optional(),
  success_rate_request_volume: uint32().optional(),
  success_rate_stdev_factor: uint32().optional(),
  consecutive_gateway_failure: uint32().optional(),
  enforcing_consecutive_gateway_failure: uint32().optional(),
  split_external_local_origin_errors: z.boolean().optional(),
  consecutive_local_origin_failure: uint32().optional(),
  enforcing_consecutive_local_origin_failure: uint32().optional(),
  enforcing_local_origin_success_rate: uint32().optional(),
  failure_percentage_threshold: uint32().optional(),
  enforcing_failure_percentage: uint32().optional(),
  enforcing_failure_percentage_local_origin: uint32().optional(),
  failure_percentage_minimum_hosts: uint32().optional(),
  failure_percentage_request_volume: uint32().optional(),
  max_ejection_time: protoDuration().optional(),
});

export const slowStartSchema = z.object({
  slow_start_window: protoDuration().optional(),
  aggression: z.object({ default_value: z.number().optional() }).optional(),
  min_weight_percent: percent().optional(),
});

/** envoy.config.core.v3.HttpProtocolOptions (common_http_protocol_options). */
export const commonHttpOptionsSchema = z.object({
  idle_timeout: protoDuration().optional(),
  max_connection_duration: protoDuration().optional(),
  max_requests_per_connection: uint32().optional(),
});

/** envoy.config.core.v3.KeepaliveSettings (http2_protocol_options.connection_keepalive). */
export const keepaliveSettingsSchema = z.object({
  interval: protoDuration().optional(),
  timeout: protoDuration().optional(),
  interval_jitter: percent().optional(),
  connection_idle_interval: protoDuration().optional(),
});

export const http2OptionsSchema = z.object({
  max_concurrent_streams: uint32().optional(),
  connection_keepalive: keepaliveSettingsSchema.optional(),
});

/** envoy.extensions.upstreams.http.v3.HttpProtocolOptions. */
export const httpProtocolOptionsSchema = z.object({
  common_http_protocol_options: commonHttpOptionsSchema.optional(),
  upstream_http_protocol_options: z
    .object({ auto_sni: z.boolean().optional(), auto_san_validation: z.boolean().optional() })
    .optional(),
  explicit_http_config: z
    .object({
      http_protocol_options: z.object({}).optional(),
      http2_protocol_options: http2OptionsSchema.optional(),
      http3_protocol_options: z.object({}).optional(),
    })
    .optional(),
  use_downstream_protocol_config: z
    .object({
      http_protocol_options: z.object({}).optional(),
      http2_protocol_options: http2OptionsSchema.optional(),
    })
    .optional(),
  auto_config: z.object({}).optional(),
});

const TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'] as const;
const LB_POLICIES = [
  'ROUND_ROBIN',
  'LEAST_REQUEST',
  'RING_HASH',
  'RANDOM',
  'MAGLEV',
  'CLUSTER_PROVIDED',
  'LOAD_BALANCING_POLICY_CONFIG',
] as const;

/** envoy.config.cluster.v3.Cluster, as far as meshsim reads it. */
export const clusterSchema = z.object({
  name: z.string().min(1),
  type: protoEnum(TYPES).optional(),
  cluster_type: z.object({ name: z.string().optional() }).optional(),
  eds_cluster_config: z.object({ service_name: z.string().optional() }).optional(),
  connect_timeout: protoDuration().optional(),
  lb_policy: protoEnum(LB_POLICIES).optional(),
  load_balancing_policy: z
    .object({
      policies: z
        .array(
          z.object({
            typed_extension_config: z.object({ name: z.string().optional(), typed_config: typedConfig() }),
          }),
        )
        .optional(),
    })
    .optional(),
  load_assignment: clusterLoadAssignmentSchema.optional(),
  circuit_breakers: z.object({ thresholds: z.array(thresholdsSchema).optional() }).optional(),
  typed_extension_protocol_options: z.record(z.string(), typedConfig()).optional(),
  http2_protocol_options: http2OptionsSchema.optional(),
  http_protocol_options: z.object({}).optional(),
  common_http_protocol_options: commonHttpOptionsSchema.optional(),
  max_requests_per_connection: uint32().optional(),
  protocol_selection: protoEnum(['USE_CONFIGURED_PROTOCOL', 'USE_DOWNSTREAM_PROTOCOL']).optional(),
  dns_refresh_rate: protoDuration().optional(),
  dns_jitter: protoDuration().optional(),
  respect_dns_ttl: z.boolean().optional(),
  outlier_detection: outlierDetectionSchema.optional(),
  common_lb_config: z
    .object({
      healthy_panic_threshold: percent().optional(),
      locality_weighted_lb_config: z.object({}).optional(),
    })
    .optional(),
  ring_hash_lb_config: z.object({ minimum_ring_size: uint64().optional() }).optional(),
  maglev_lb_config: z.object({ table_size: uint64().optional() }).optional(),
  least_request_lb_config: z
    .object({ choice_count: uint32().optional(), slow_start_config: slowStartSchema.optional() })
    .optional(),
  round_robin_lb_config: z.object({ slow_start_config: slowStartSchema.optional() }).optional(),
  transport_socket: z
    .object({ name: z.string().optional(), typed_config: typedConfig().optional() })
    .optional(),
  transport_socket_matches: z
    .array(
      z.object({
        name: z.string().optional(),
        match: z.record(z.string(), z.unknown()).optional(),
        transport_socket: z
          .object({ name: z.string().optional(), typed_config: typedConfig().optional() })
          .optional(),
      }),
    )
    .optional(),
  upstream_connection_options: z
    .object({
      tcp_keepalive: z
        .object({
          keepalive_probes: uint32().optional(),
          keepalive_time: uint32().optional(),
          keepalive_interval: uint32().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type ClusterJson = z.infer<typeof clusterSchema>;
export type SlowStartJson = z.infer<typeof slowStartSchema>;
