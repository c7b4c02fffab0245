import * as z from 'zod';
import { protoEnum } from './proto-json.js';

const TLS_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;

/** envoy.type.matcher.v3.StringMatcher, as a SAN matcher. */
const stringMatcherSchema = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
  contains: z.string().optional(),
  safe_regex: z.object({ regex: z.string() }).optional(),
});

/** A data source: a file, or inline data (which meshsim only notes as inline). */
const dataSourceSchema = z.object({
  filename: z.string().optional(),
  inline_string: z.string().optional(),
  inline_bytes: z.string().optional(),
  environment_variable: z.string().optional(),
});

const validationContextSchema = z.object({
  trusted_ca: dataSourceSchema.optional(),
  match_subject_alt_names: z.array(stringMatcherSchema).optional(),
  match_typed_subject_alt_names: z
    .array(z.object({ san_type: z.string().optional(), matcher: stringMatcherSchema.optional() }))
    .optional(),
  trust_chain_verification: protoEnum(['VERIFY_TRUST_CHAIN', 'ACCEPT_UNTRUSTED']).optional(),
});

const sdsSecretSchema = z.object({ name: z.string().optional() });

/** envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext. */
export const upstreamTlsContextSchema = z.object({
  sni: z.string().optional(),
  common_tls_context: z
    .object({
      tls_params: z
        .object({
          tls_minimum_protocol_version: protoEnum(TLS_VERSIONS).optional(),
          tls_maximum_protocol_version: protoEnum(TLS_VERSIONS).optional(),
        })
        .optional(),
      tls_certificates: z.array(z.object({ certificate_chain: dataSourceSchema.optional() })).optional(),
      tls_certificate_sds_secret_configs: z.array(sdsSecretSchema).optional(),
      validation_context: validationContextSchema.optional(),
      validation_context_sds_secret_config: sdsSecretSchema.optional(),
      combined_validation_context: z
        .object({
          default_validation_context: validationContextSchema.optional(),
          validation_context_sds_secret_config: sdsSecretSchema.optional(),
        })
        .optional(),
    })
    .optional(),
});
export type UpstreamTlsContextJson = z.infer<typeof upstreamTlsContextSchema>;
export type StringMatcherJson = z.infer<typeof stringMatcherSchema>;
export type DataSourceJson = z.infer<typeof dataSourceSchema>;
