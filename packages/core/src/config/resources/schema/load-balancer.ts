import * as z from 'zod';
import { duration, integer, istioDuration, numberIn, oneOf, uint32, uint64 } from './common.js';

export const SIMPLE_LB = [
  'UNSPECIFIED',
  'LEAST_CONN',
  'RANDOM',
  'PASSTHROUGH',
  'ROUND_ROBIN',
  'LEAST_REQUEST',
] as const;
export type SimpleLB = (typeof SIMPLE_LB)[number];

const httpCookieSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().optional(),
  /** The CRD allows 0 here: a session cookie. */
  ttl: duration().optional(),
  attributes: z.array(z.strictObject({ name: z.string().min(1), value: z.string().optional() })).optional(),
});

export const consistentHashSchema = z
  .strictObject({
    httpHeaderName: z.string().optional(),
    httpCookie: httpCookieSchema.optional(),
    useSourceIp: z.boolean().optional(),
    httpQueryParameterName: z.string().optional(),
    ringHash: z.strictObject({ minimumRingSize: uint64().optional() }).optional(),
    maglev: z.strictObject({ tableSize: uint64().optional() }).optional(),
    /** Deprecated: use `ringHash.minimumRingSize`. */
    minimumRingSize: uint64().optional(),
  })
  .superRefine(oneOf(['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName']))
  .superRefine(oneOf(['ringHash', 'maglev']));
export type ConsistentHashLB = z.infer<typeof consistentHashSchema>;

const failoverSchema = z.strictObject({ from: z.string().optional(), to: z.string().optional() });

export const localityLbSettingSchema = z.strictObject({
  /** `from` locality → weight (percent) per destination locality. */
  distribute: z
    .array(z.strictObject({ from: z.string().optional(), to: z.record(z.string(), uint32()).optional() }))
    .optional(),
  failover: z.array(failoverSchema).optional(),
  failoverPriority: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
});
export type LocalityLoadBalancerSetting = z.infer<typeof localityLbSettingSchema>;

const zoneAwareLbSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  failover: z.array(failoverSchema).optional(),
  failoverPriority: z.array(z.string()).optional(),
  minClusterSize: integer(1, 4_294_967_295).optional(),
});

export const warmupSchema = z.strictObject({
  duration: istioDuration(),
  minimumPercent: numberIn(0, 100).optional(),
  aggression: numberIn(0, Number.POSITIVE_INFINITY).optional(),
});
export type WarmupConfiguration = z.infer<typeof warmupSchema>;

export const loadBalancerSchema = z
  .strictObject({
    simple: z.enum(SIMPLE_LB).optional(),
    consistentHash: consistentHashSchema.optional(),
    localityLbSetting: localityLbSettingSchema.optional(),
    zoneAwareLbSetting: zoneAwareLbSettingSchema.optional(),
    warmupDurationSecs: istioDuration().optional(),
    warmup: warmupSchema.optional(),
  })
  // Only simple/consistentHash are a oneof in the CRD; warmupDurationSecs and warmup may both be set.
  .superRefine(oneOf(['simple', 'consistentHash']));
export type LoadBalancerSettings = z.infer<typeof loadBalancerSchema>;
