import * as z from 'zod';
import { fractionalPercent, protoDuration, protoEnum, typedConfig, uint32, uint64 } from './proto-json.js';

/** envoy.type.matcher.v3.StringMatcher. */
export const stringMatcherSchema = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
  contains: z.string().optional(),
  safe_regex: z.object({ regex: z.string() }).optional(),
  ignore_case: z.boolean().optional(),
});
export type StringMatcherJson = z.infer<typeof stringMatcherSchema>;

/** envoy.config.route.v3.HeaderMatcher, with its deprecated one-of forms. */
export const headerMatcherSchema = z.object({
  name: z.string().min(1),
  exact_match: z.string().optional(),
  prefix_match: z.string().optional(),
  suffix_match: z.string().optional(),
  contains_match: z.string().optional(),
  safe_regex_match: z.object({ regex: z.string() }).optional(),
  present_match: z.boolean().optional(),
  string_match: stringMatcherSchema.optional(),
  invert_match: z.boolean().optional(),
  treat_missing_header_as_empty: z.boolean().optional(),
});
export type HeaderMatcherJson = z.infer<typeof headerMatcherSchema>;

/** envoy.config.route.v3.RouteMatch. */
export const routeMatchSchema = z.object({
  prefix: z.string().optional(),
  path: z.string().optional(),
  safe_regex: z.object({ regex: z.string() }).optional(),
  path_separated_prefix: z.string().optional(),
  case_sensitive: z.boolean().optional(),
  headers: z.array(headerMatcherSchema).optional(),
  query_parameters: z
    .array(
      z.object({
        name: z.string().min(1),
        string_match: stringMatcherSchema.optional(),
        present_match: z.boolean().optional(),
      }),
    )
    .optional(),
});
export type RouteMatchJson = z.infer<typeof routeMatchSchema>;

/** envoy.config.route.v3.RetryPolicy. */
export const retryPolicySchema = z.object({
  retry_on: z.string().optional(),
  num_retries: uint32().optional(),
  per_try_timeout: protoDuration().optional(),
  retry_host_predicate: z.array(z.object({ name: z.string().optional() })).optional(),
  host_selection_retry_max_attempts: uint64().optional(),
  retriable_status_codes: z.array(uint32()).optional(),
  retry_back_off: z
    .object({ base_interval: protoDuration().optional(), max_interval: protoDuration().optional() })
    .optional(),
});
export type RetryPolicyJson = z.infer<typeof retryPolicySchema>;

/** envoy.config.route.v3.RouteAction.HashPolicy (and the tcp_proxy's). */
export const hashPolicySchema = z.object({
  header: z.object({ header_name: z.string().min(1) }).optional(),
  cookie: z
    .object({ name: z.string().min(1), ttl: protoDuration().optional(), path: z.string().optional() })
    .optional(),
  connection_properties: z.object({ source_ip: z.boolean().optional() }).optional(),
  query_parameter: z.object({ name: z.string().min(1) }).optional(),
  source_ip: z.object({}).optional(),
  terminal: z.boolean().optional(),
});
export type HashPolicyJson = z.infer<typeof hashPolicySchema>;

const weightedClusterSchema = z.object({
  name: z.string().min(1),
  weight: uint32().optional(),
  typed_per_filter_config: z.record(z.string(), typedConfig()).optional(),
});

/** envoy.config.route.v3.RouteAction. */
export const routeActionSchema = z.object({
  cluster: z.string().optional(),
  weighted_clusters: z
    .object({ clusters: z.array(weightedClusterSchema), total_weight: uint32().optional() })
    .optional(),
  cluster_header: z.string().optional(),
  cluster_specifier_plugin: z.string().optional(),
  timeout: protoDuration().optional(),
  retry_policy: retryPolicySchema.optional(),
  hash_policy: z.array(hashPolicySchema).optional(),
  cluster_not_found_response_code: protoEnum([
    'SERVICE_UNAVAILABLE',
    'NOT_FOUND',
    'INTERNAL_SERVER_ERROR',
  ]).optional(),
});

const REDIRECT_CODES = [
  'MOVED_PERMANENTLY',
  'FOUND',
  'SEE_OTHER',
  'TEMPORARY_REDIRECT',
  'PERMANENT_REDIRECT',
] as const;

/** envoy.config.route.v3.Route. */
export const routeSchema = z.object({
  name: z.string().optional(),
  match: routeMatchSchema,
  route: routeActionSchema.optional(),
  direct_response: z.object({ status: uint32() }).optional(),
  redirect: z.object({ response_code: protoEnum(REDIRECT_CODES).optional() }).optional(),
  typed_per_filter_config: z.record(z.string(), typedConfig()).optional(),
});
export type RouteJson = z.infer<typeof routeSchema>;

/** envoy.config.route.v3.VirtualHost. */
export const virtualHostSchema = z.object({
  name: z.string().optional(),
  domains: z.array(z.string()).min(1),
  routes: z.array(routeSchema).optional(),
  retry_policy: retryPolicySchema.optional(),
  typed_per_filter_config: z.record(z.string(), typedConfig()).optional(),
});
export type VirtualHostJson = z.infer<typeof virtualHostSchema>;

/** envoy.config.route.v3.RouteConfiguration. */
export const routeConfigurationSchema = z.object({
  name: z.string().optional(),
  virtual_hosts: z.array(virtualHostSchema).optional(),
  /** Removed from a request that is not internal, beside the x-envoy-* controls. */
  internal_only_headers: z.array(z.string()).optional(),
  typed_per_filter_config: z.record(z.string(), typedConfig()).optional(),
});
export type RouteConfigurationJson = z.infer<typeof routeConfigurationSchema>;

/** envoy.extensions.filters.http.fault.v3.HTTPFault. */
export const httpFaultSchema = z.object({
  delay: z
    .object({ fixed_delay: protoDuration().optional(), percentage: fractionalPercent().optional() })
    .optional(),
  abort: z
    .object({ http_status: uint32().optional(), percentage: fractionalPercent().optional() })
    .optional(),
});
export type HttpFaultJson = z.infer<typeof httpFaultSchema>;
