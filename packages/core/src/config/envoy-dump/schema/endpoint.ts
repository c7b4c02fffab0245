import * as z from 'zod';
import { protoEnum, uint32 } from './proto-json.js';

/** envoy.config.core.v3.SocketAddress; only TCP addresses with a port are modelled. */
export const socketAddressSchema = z.object({
  address: z.string().min(1),
  port_value: uint32().optional(),
  named_port: z.string().optional(),
  protocol: protoEnum(['TCP', 'UDP']).optional(),
});

/** envoy.config.core.v3.Address: a socket address, or a pipe / internal address meshsim cannot dial. */
export const addressSchema = z.object({
  socket_address: socketAddressSchema.optional(),
  pipe: z.unknown().optional(),
  envoy_internal_address: z.unknown().optional(),
});

const metadataSchema = z.object({
  filter_metadata: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

/** envoy.config.endpoint.v3.LbEndpoint. */
export const lbEndpointSchema = z.object({
  endpoint: z
    .object({
      address: addressSchema.optional(),
      hostname: z.string().optional(),
    })
    .optional(),
  health_status: protoEnum(['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED']).optional(),
  metadata: metadataSchema.optional(),
  load_balancing_weight: uint32().optional(),
});

/** envoy.config.core.v3.Locality. */
export const localitySchema = z.object({
  region: z.string().optional(),
  zone: z.string().optional(),
  sub_zone: z.string().optional(),
});

/** envoy.config.endpoint.v3.LocalityLbEndpoints. */
export const localityLbEndpointsSchema = z.object({
  locality: localitySchema.optional(),
  lb_endpoints: z.array(lbEndpointSchema).optional(),
  load_balancing_weight: uint32().optional(),
  priority: uint32().optional(),
});

/** envoy.config.endpoint.v3.ClusterLoadAssignment. */
export const clusterLoadAssignmentSchema = z.object({
  cluster_name: z.string().optional(),
  endpoints: z.array(localityLbEndpointsSchema).optional(),
  policy: z
    .object({
      overprovisioning_factor: uint32().optional(),
    })
    .optional(),
});
export type ClusterLoadAssignment = z.infer<typeof clusterLoadAssignmentSchema>;
