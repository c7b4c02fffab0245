import type { LoadedConfig } from '../resources/load.js';
import type { TCPSettings } from '../resources/schema/connection-pool.js';
import type { HTTPRetry } from '../resources/schema/http-route.js';
import type { LocalityLoadBalancerSetting } from '../resources/schema/load-balancer.js';
import { DNS_REFRESH_RATE_MS } from './cluster-endpoints.js';
import { ISTIO_CONNECT_TIMEOUT_MS } from './connection-pool.js';
import { ROOT_NAMESPACE } from './visibility.js';

/** What the mesh config sets for every sidecar, with Istio's defaults where it says nothing. */
export interface MeshSettings {
  /** outboundTrafficPolicy.mode: unknown hosts go out as they are (ALLOW_ANY) or are refused. */
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** exportTo of resources that set none; null: everywhere (`*`). */
  defaultServiceExportTo: readonly string[] | null;
  defaultVirtualServiceExportTo: readonly string[] | null;
  defaultDestinationRuleExportTo: readonly string[] | null;
  /** The mesh-wide localityLbSetting a DestinationRule's own replaces; null: `{ enabled: true }`. */
  localityLbSetting: LocalityLoadBalancerSetting | null;
  dnsRefreshRateMs: number;
  h2UpgradePolicy: 'UPGRADE' | 'DO_NOT_UPGRADE';
  /** The retries of routes that set none; null: Istio's default policy. */
  defaultHttpRetryPolicy: HTTPRetry | null;
  connectTimeoutMs: number;
  /** A keepalive every cluster gets unless its DestinationRule says otherwise; null: none. */
  tcpKeepalive: TCPSettings['tcpKeepalive'] | null;
  /** Where mesh-wide Sidecar and DestinationRule defaults live. */
  rootNamespace: string;
}

/** Istio's default mesh config, as far as meshsim applies it. */
export const DEFAULT_MESH: MeshSettings = {
  outboundTrafficPolicy: 'ALLOW_ANY',
  defaultServiceExportTo: null,
  defaultVirtualServiceExportTo: null,
  defaultDestinationRuleExportTo: null,
  localityLbSetting: null,
  dnsRefreshRateMs: DNS_REFRESH_RATE_MS,
  h2UpgradePolicy: 'DO_NOT_UPGRADE',
  defaultHttpRetryPolicy: null,
  connectTimeoutMs: ISTIO_CONNECT_TIMEOUT_MS,
  tcpKeepalive: null,
  rootNamespace: ROOT_NAMESPACE,
};

/** The mesh settings of the loaded istio ConfigMap, Istio's defaults for what it leaves out. */
export function meshSettingsOf(loaded: Pick<LoadedConfig, 'meshConfig'>): MeshSettings {
  const m = loaded.meshConfig?.config;
  if (m === undefined) return DEFAULT_MESH;
  return {
    outboundTrafficPolicy: m.outboundTrafficPolicy?.mode ?? DEFAULT_MESH.outboundTrafficPolicy,
    defaultServiceExportTo: m.defaultServiceExportTo ?? null,
    defaultVirtualServiceExportTo: m.defaultVirtualServiceExportTo ?? null,
    defaultDestinationRuleExportTo: m.defaultDestinationRuleExportTo ?? null,
    localityLbSetting: m.localityLbSetting ?? null,
    dnsRefreshRateMs: m.dnsRefreshRate?.ms ?? DEFAULT_MESH.dnsRefreshRateMs,
    h2UpgradePolicy: m.h2UpgradePolicy === 'UPGRADE' ? 'UPGRADE' : 'DO_NOT_UPGRADE',
    defaultHttpRetryPolicy: m.defaultHttpRetryPolicy ?? null,
    connectTimeoutMs: m.connectTimeout?.ms ?? DEFAULT_MESH.connectTimeoutMs,
    tcpKeepalive: m.tcpKeepalive ?? null,
    rootNamespace: m.rootNamespace ?? ROOT_NAMESPACE,
  };
}
