import * as z from 'zod';
import {
  int32,
  istioDuration,
  nonNegativeInt32,
  oneOf,
  percentInt,
  percentSchema,
  portSelectorSchema,
  stringMap,
  uint32,
} from './common.js';

/** Istio's StringMatch; an empty one (`{}`) matches mere presence in header maps. */
export const stringMatchSchema = z
  .strictObject({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
  .superRefine(oneOf(['exact', 'prefix', 'regex']));
export type StringMatch = z.infer<typeof stringMatchSchema>;

export const destinationSchema = z.strictObject({
  host: z.string().min(1),
  subset: z.string().optional(),
  port: portSelectorSchema.optional(),
});
export type Destination = z.infer<typeof destinationSchema>;

const headerOperationsSchema = z.strictObject({
  set: stringMap().optional(),
  add: stringMap().optional(),
  remove: z.array(z.string()).optional(),
});

export const headersSchema = z.strictObject({
  request: headerOperationsSchema.optional(),
  response: headerOperationsSchema.optional(),
});
export type Headers = z.infer<typeof headersSchema>;

export const httpMatchRequestSchema = z.strictObject({
  name: z.string().optional(),
  uri: stringMatchSchema.optional(),
  scheme: stringMatchSchema.optional(),
  method: stringMatchSchema.optional(),
  authority: stringMatchSchema.optional(),
  headers: z.record(z.string(), stringMatchSchema).optional(),
  /** 0 means any port (istiod checks 1..65535 otherwise). */
  port: uint32().optional(),
  sourceLabels: stringMap().optional(),
  gateways: z.array(z.string()).optional(),
  queryParams: z.record(z.string(), stringMatchSchema).optional(),
  ignoreUriCase: z.boolean().optional(),
  withoutHeaders: z.record(z.string(), stringMatchSchema).optional(),
  sourceNamespace: z.string().optional(),
  statPrefix: z.string().optional(),
});
export type HTTPMatchRequest = z.infer<typeof httpMatchRequestSchema>;

export const httpRouteDestinationSchema = z.strictObject({
  destination: destinationSchema,
  weight: nonNegativeInt32().optional(),
  headers: headersSchema.optional(),
});
export type HTTPRouteDestination = z.infer<typeof httpRouteDestinationSchema>;

const redirectSchema = z
  .strictObject({
    uri: z.string().optional(),
    authority: z.string().optional(),
    /** 0 is accepted; istiod checks 1..65535 otherwise. */
    port: uint32().optional(),
    derivePort: z.enum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
    scheme: z.string().optional(),
    /** 0 means the default (301); istiod checks 3xx otherwise. */
    redirectCode: uint32().optional(),
    prefixRewrite: z.string().optional(),
  })
  .superRefine(oneOf(['port', 'derivePort']));

const directResponseSchema = z.strictObject({
  /** istiod checks 200..600 (its message says 599). */
  status: uint32(),
  body: z
    .strictObject({ string: z.string().optional(), bytes: z.string().optional() })
    .superRefine(oneOf(['string', 'bytes']))
    .optional(),
});

const rewriteSchema = z.strictObject({
  uri: z.string().optional(),
  authority: z.string().optional(),
  uriRegexRewrite: z
    .strictObject({ match: z.string().optional(), rewrite: z.string().optional() })
    .optional(),
});

export const httpRetrySchema = z.strictObject({
  attempts: nonNegativeInt32().optional(),
  perTryTimeout: istioDuration().optional(),
  /** Comma-separated Envoy retry conditions and status codes, e.g. `5xx,reset,503`. */
  retryOn: z.string().optional(),
  retryRemoteLocalities: z.boolean().optional(),
  retryIgnorePreviousHosts: z.boolean().optional(),
  backoff: istioDuration().optional(),
});
export type HTTPRetry = z.infer<typeof httpRetrySchema>;

export const httpFaultInjectionSchema = z.strictObject({
  delay: z
    .strictObject({
      /** Deprecated: use `percentage`. Neither the CRD nor istiod checks its range. */
      percent: int32().optional(),
      fixedDelay: istioDuration().optional(),
      exponentialDelay: istioDuration().optional(),
      percentage: percentSchema.optional(),
    })
    .superRefine(oneOf(['fixedDelay', 'exponentialDelay']))
    .optional(),
  abort: z
    .strictObject({
      /** istiod checks 200..600. */
      httpStatus: int32().optional(),
      grpcStatus: z.string().optional(),
      http2Error: z.string().optional(),
      percentage: percentSchema.optional(),
    })
    .superRefine(oneOf(['httpStatus', 'grpcStatus', 'http2Error']))
    .optional(),
});
export type HTTPFaultInjection = z.infer<typeof httpFaultInjectionSchema>;

const corsPolicySchema = z.strictObject({
  /** Deprecated: use `allowOrigins`. */
  allowOrigin: z.array(z.string()).optional(),
  allowOrigins: z.array(stringMatchSchema).optional(),
  allowMethods: z.array(z.string()).optional(),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: istioDuration().optional(),
  allowCredentials: z.boolean().optional(),
  unmatchedPreflights: z.enum(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
});

export const httpRouteSchema = z.strictObject({
  name: z.string().optional(),
  match: z.array(httpMatchRequestSchema).optional(),
  route: z.array(httpRouteDestinationSchema).optional(),
  redirect: redirectSchema.optional(),
  directResponse: directResponseSchema.optional(),
  delegate: z.strictObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  rewrite: rewriteSchema.optional(),
  timeout: istioDuration().optional(),
  retries: httpRetrySchema.optional(),
  fault: httpFaultInjectionSchema.optional(),
  mirror: destinationSchema.optional(),
  mirrors: z
    .array(z.strictObject({ destination: destinationSchema, percentage: percentSchema.optional() }))
    .optional(),
  /** Deprecated: use `mirrorPercentage`. */
  mirrorPercent: percentInt().optional(),
  mirrorPercentage: percentSchema.optional(),
  corsPolicy: corsPolicySchema.optional(),
  headers: headersSchema.optional(),
});
export type HTTPRoute = z.infer<typeof httpRouteSchema>;
