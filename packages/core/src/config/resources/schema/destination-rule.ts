import * as z from 'zod';
import {
  duration,
  int32,
  integer,
  istioDuration,
  istioResource,
  numberIn,
  percentInt,
  portNumber,
  portSelectorSchema,
  stringMap,
  uint32,
} from './common.js';
import { connectionPoolSchema } from './connection-pool.js';
import { loadBalancerSchema } from './load-balancer.js';

export const outlierDetectionSchema = z.strictObject({
  /** Deprecated: use consecutiveGatewayErrors or consecutive5xxErrors. istiod only warns, whatever the value. */
  consecutiveErrors: int32().optional(),
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: uint32().optional(),
  consecutiveGatewayErrors: uint32().optional(),
  consecutive5xxErrors: uint32().optional(),
  interval: istioDuration().optional(),
  baseEjectionTime: istioDuration().optional(),
  maxEjectionPercent: percentInt().optional(),
  minHealthPercent: percentInt().optional(),
  outlierDetectionHttpErrorCodes: z.array(integer(100, 599)).optional(),
});
export type OutlierDetection = z.infer<typeof outlierDetectionSchema>;

export const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;
export type TLSMode = (typeof TLS_MODES)[number];

export const clientTlsSettingsSchema = z.strictObject({
  mode: z.enum(TLS_MODES).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  sni: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  caCrl: z.string().optional(),
});
export type ClientTLSSettings = z.infer<typeof clientTlsSettingsSchema>;

export const portTrafficPolicySchema = z.strictObject({
  port: portSelectorSchema.optional(),
  loadBalancer: loadBalancerSchema.optional(),
  connectionPool: connectionPoolSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  tls: clientTlsSettingsSchema.optional(),
});
export type PortTrafficPolicy = z.infer<typeof portTrafficPolicySchema>;

export const trafficPolicySchema = z.strictObject({
  loadBalancer: loadBalancerSchema.optional(),
  connectionPool: connectionPoolSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  tls: clientTlsSettingsSchema.optional(),
  /** The CRD allows at most 4096. */
  portLevelSettings: z.array(portTrafficPolicySchema).max(4096).optional(),
  tunnel: z
    .strictObject({
      protocol: z.string().optional(),
      targetHost: z.string().min(1),
      targetPort: portNumber(),
    })
    .optional(),
  proxyProtocol: z.strictObject({ version: z.enum(['V1', 'V2']).optional() }).optional(),
  retryBudget: z
    .strictObject({
      percent: numberIn(0, 100).optional(),
      minRetryConcurrency: uint32().optional(),
      budgetInterval: duration().optional(),
    })
    .optional(),
});
export type TrafficPolicy = z.infer<typeof trafficPolicySchema>;

export const subsetSchema = z.strictObject({
  name: z.string().min(1),
  labels: stringMap().optional(),
  trafficPolicy: trafficPolicySchema.optional(),
});
export type Subset = z.infer<typeof subsetSchema>;

export const destinationRuleSpecSchema = z.strictObject({
  host: z.string().min(1),
  trafficPolicy: trafficPolicySchema.optional(),
  subsets: z.array(subsetSchema).optional(),
  exportTo: z.array(z.string()).optional(),
  workloadSelector: z
    .strictObject({ matchLabels: z.record(z.string(), z.string().max(63)).optional() })
    .optional(),
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpecSchema>;

export const destinationRuleSchema = istioResource('DestinationRule', destinationRuleSpecSchema);
export type DestinationRule = z.infer<typeof destinationRuleSchema>;
/** The resource as written, before defaults: what TypeScript callers build. */
export type DestinationRuleInput = z.input<typeof destinationRuleSchema>;
