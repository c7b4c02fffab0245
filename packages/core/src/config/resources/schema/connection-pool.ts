import * as z from 'zod';
import { duration, istioDuration, nonNegativeInt32, uint32 } from './common.js';

export const tcpSettingsSchema = z.strictObject({
  maxConnections: nonNegativeInt32().optional(),
  connectTimeout: istioDuration().optional(),
  tcpKeepalive: z
    .strictObject({
      probes: uint32().optional(),
      time: istioDuration().optional(),
      interval: istioDuration().optional(),
    })
    .optional(),
  maxConnectionDuration: istioDuration().optional(),
  /** `0s` disables the timeout, so the CRD allows it here. */
  idleTimeout: duration().optional(),
});
export type TCPSettings = z.infer<typeof tcpSettingsSchema>;

export const H2_UPGRADE_POLICIES = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const;

export const httpSettingsSchema = z.strictObject({
  http1MaxPendingRequests: nonNegativeInt32().optional(),
  http2MaxRequests: nonNegativeInt32().optional(),
  maxRequestsPerConnection: nonNegativeInt32().optional(),
  maxRetries: nonNegativeInt32().optional(),
  idleTimeout: istioDuration().optional(),
  h2UpgradePolicy: z.enum(H2_UPGRADE_POLICIES).optional(),
  useClientProtocol: z.boolean().optional(),
  maxConcurrentStreams: nonNegativeInt32().optional(),
  http2KeepAlive: z
    .strictObject({ interval: istioDuration().optional(), timeout: istioDuration().optional() })
    .optional(),
});
export type HTTPSettings = z.infer<typeof httpSettingsSchema>;

export const connectionPoolSchema = z.strictObject({
  tcp: tcpSettingsSchema.optional(),
  http: httpSettingsSchema.optional(),
});
export type ConnectionPoolSettings = z.infer<typeof connectionPoolSchema>;
