import * as z from 'zod';
import { istioDuration } from './common.js';
import { H2_UPGRADE_POLICIES, tcpSettingsSchema } from './connection-pool.js';
import { httpRetrySchema } from './http-route.js';
import { localityLbSettingSchema } from './load-balancer.js';

/**
 * The mesh config fields meshsim applies (istio.mesh.v1alpha1.MeshConfig, as the `mesh` key of the istio
 * ConfigMap holds it). Any other field is reported as not modelled, not rejected: the mesh config has
 * many that shape nothing a sidecar's outbound traffic does.
 */
export const meshConfigSchema = z.object({
  // Written without a mode, the policy is protobuf's first value, REGISTRY_ONLY; unset, Istio's default ALLOW_ANY.
  outboundTrafficPolicy: z
    .strictObject({ mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).default('REGISTRY_ONLY') })
    .optional(),
  defaultServiceExportTo: z.array(z.string()).optional(),
  defaultVirtualServiceExportTo: z.array(z.string()).optional(),
  defaultDestinationRuleExportTo: z.array(z.string()).optional(),
  localityLbSetting: localityLbSettingSchema.optional(),
  dnsRefreshRate: istioDuration().optional(),
  h2UpgradePolicy: z.enum(H2_UPGRADE_POLICIES).optional(),
  defaultHttpRetryPolicy: httpRetrySchema.optional(),
  connectTimeout: istioDuration().optional(),
  tcpKeepalive: tcpSettingsSchema.shape.tcpKeepalive,
  rootNamespace: z.string().optional(),
});
export type MeshConfig = z.infer<typeof meshConfigSchema>;

/** Mesh config fields that change nothing meshsim simulates of a sidecar's outbound traffic. */
export const INERT_MESH_FIELDS: readonly string[] = [
  'accessLogFile',
  'accessLogFormat',
  'accessLogEncoding',
  'enableTracing',
  'enableEnvoyAccessLogService',
  'enablePrometheusMerge',
  'defaultProviders',
  'extensionProviders',
  'trustDomain',
  'trustDomainAliases',
  'ingressClass',
  'ingressService',
  'ingressControllerMode',
  'ingressSelector',
  'discoverySelectors',
  'caCertificates',
  'certificates',
  'meshNetworks',
  'serviceSettings',
];
