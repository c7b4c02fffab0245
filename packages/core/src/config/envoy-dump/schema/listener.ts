import * as z from 'zod';
import { addressSchema } from './endpoint.js';
import { protoDuration, protoEnum, typedConfig, uint32 } from './proto-json.js';
import { hashPolicySchema, routeConfigurationSchema } from './route.js';

/** envoy.config.listener.v3.FilterChainMatch. */
export const filterChainMatchSchema = z.object({
  destination_port: uint32().optional(),
  prefix_ranges: z
    .array(z.object({ address_prefix: z.string(), prefix_len: uint32().optional() }))
    .optional(),
  server_names: z.array(z.string()).optional(),
  transport_protocol: z.string().optional(),
  application_protocols: z.array(z.string()).optional(),
});
export type FilterChainMatchJson = z.infer<typeof filterChainMatchSchema>;

/** envoy.config.listener.v3.Filter. */
export const networkFilterSchema = z.object({
  name: z.string().optional(),
  typed_config: typedConfig().optional(),
});

/** envoy.config.listener.v3.FilterChain. */
export const filterChainSchema = z.object({
  name: z.string().optional(),
  filter_chain_match: filterChainMatchSchema.optional(),
  filters: z.array(networkFilterSchema).optional(),
  transport_socket: z
    .object({ name: z.string().optional(), typed_config: typedConfig().optional() })
    .optional(),
});
export type FilterChainJson = z.infer<typeof filterChainSchema>;

/** envoy.config.listener.v3.Listener. */
export const listenerSchema = z.object({
  name: z.string().optional(),
  address: addressSchema.optional(),
  filter_chains: z.array(filterChainSchema).optional(),
  default_filter_chain: filterChainSchema.optional(),
  use_original_dst: z.boolean().optional(),
  traffic_direction: protoEnum(['UNSPECIFIED', 'INBOUND', 'OUTBOUND']).optional(),
});
export type ListenerJson = z.infer<typeof listenerSchema>;

/** envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager. */
export const httpConnectionManagerSchema = z.object({
  rds: z.object({ route_config_name: z.string() }).optional(),
  route_config: routeConfigurationSchema.optional(),
  scoped_routes: z.unknown().optional(),
  /** What decides whether a request is internal (ConnectionManagerUtility::mutateRequestHeaders). */
  use_remote_address: z.boolean().optional(),
  xff_num_trusted_hops: uint32().optional(),
  internal_address_config: z
    .object({
      unix_sockets: z.boolean().optional(),
      cidr_ranges: z
        .array(z.object({ address_prefix: z.string(), prefix_len: uint32().optional() }))
        .optional(),
    })
    .optional(),
  original_ip_detection_extensions: z.array(z.unknown()).optional(),
  http_filters: z
    .array(
      z.object({
        name: z.string().optional(),
        typed_config: typedConfig().optional(),
        disabled: z.boolean().optional(),
      }),
    )
    .optional(),
});
export type HttpConnectionManagerJson = z.infer<typeof httpConnectionManagerSchema>;

/** envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy. */
export const tcpProxySchema = z.object({
  cluster: z.string().optional(),
  weighted_clusters: z
    .object({ clusters: z.array(z.object({ name: z.string().min(1), weight: uint32().optional() })) })
    .optional(),
  idle_timeout: protoDuration().optional(),
  max_connect_attempts: uint32().optional(),
  max_downstream_connection_duration: protoDuration().optional(),
  hash_policy: z.array(hashPolicySchema).optional(),
});
export type TcpProxyJson = z.infer<typeof tcpProxySchema>;
