import type { LoadedMeshConfig } from '../config/resources/mesh-config-document.js';
import { type FieldPath, formatPath } from '../config/resources/positions.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import type { RetryPolicyModel } from '../envoy/retry-policy.js';
import type { ClusterExplanation } from './cluster.js';
import type { RetryExplanation } from './retry-policy.js';
import type { Explained } from './values.js';
import { valueAt } from './values.js';

/** A value the istio ConfigMap's mesh config sets, at its line in the file. */
export function meshAt<T>(mesh: LoadedMeshConfig, path: FieldPath, value: T, note?: string): Explained<T> {
  const { line, column } = mesh.positionOf(path);
  const at = { file: mesh.file, line, column, path: formatPath(['mesh', ...path]) };
  return note === undefined ? { value, from: 'set', at } : { value, from: 'set', at, note };
}

const written = (mesh: LoadedMeshConfig, field: string) => valueAt(mesh.config, [field]) !== undefined;

/**
 * The cluster's values the mesh config decided (where the DestinationRule left them to it): connect
 * timeout, TCP keepalive, HTTP/2 upgrade, DNS refresh rate and locality balancing, set at their lines in
 * the ConfigMap instead of shown as defaults.
 */
export function withMeshSources(
  e: ClusterExplanation,
  model: TranslatedCluster,
  mesh: LoadedMeshConfig | undefined,
): ClusterExplanation {
  if (mesh === undefined) return e;
  const out = { ...e };
  if (e.connectTimeoutMs.from === 'default' && written(mesh, 'connectTimeout'))
    out.connectTimeoutMs = meshAt(mesh, ['connectTimeout'], model.connectTimeoutMs);
  if (e.tcpKeepalive === null && model.tcpKeepalive != null && written(mesh, 'tcpKeepalive')) {
    const k = model.tcpKeepalive;
    out.tcpKeepalive = meshAt(
      mesh,
      ['tcpKeepalive'],
      `time ${k.timeMs / 1000}s, interval ${k.intervalMs / 1000}s, probes ${k.probes}`,
    );
  }
  if (model.upstreamProtocol?.reason.startsWith("HTTP/2: the mesh config's") === true)
    out.upstreamProtocol = meshAt(
      mesh,
      ['h2UpgradePolicy'],
      e.upstreamProtocol.value,
      model.upstreamProtocol.reason,
    );
  if (e.dns !== null && written(mesh, 'dnsRefreshRate'))
    out.dns = { ...e.dns, refreshRateMs: meshAt(mesh, ['dnsRefreshRate'], model.dnsRefreshRateMs) };
  if (e.locality.enabled.from === 'default' && written(mesh, 'localityLbSetting')) {
    const path = mesh.config.localityLbSetting?.enabled === undefined ? [] : ['enabled'];
    const enabled = meshAt(mesh, ['localityLbSetting', ...path], model.localityFailover !== 'disabled');
    out.locality = { ...e.locality, enabled };
  }
  return out;
}

/** The retry policy of a route without `retries`, when the mesh's defaultHttpRetryPolicy gives it. */
export function meshRetry(mesh: LoadedMeshConfig, policy: RetryPolicyModel | null): RetryExplanation {
  const base = ['defaultHttpRetryPolicy'];
  const at = <T>(field: string, value: T, fallback: string) =>
    valueAt(mesh.config, [...base, field]) !== undefined
      ? meshAt(mesh, [...base, field], value)
      : meshAt(mesh, base, value, fallback);
  if (policy === null)
    return {
      numRetries: meshAt(mesh, [...base, 'attempts'], 0, 'attempts 0: no retry policy at all'),
      policy: null,
    };
  return {
    numRetries: at('attempts', policy.numRetries, 'attempts unset'),
    policy: {
      retryOn: at('retryOn', policy.retryOnText, "unset: Istio's default tokens"),
      retriableStatusCodes: at('retryOn', policy.retriableStatusCodes, 'numeric tokens of retryOn'),
      perTryTimeoutMs: at('perTryTimeout', policy.perTryTimeoutMs, 'unset: none'),
      backoffBaseMs: at('backoff', policy.backoffBaseMs, "unset: Envoy's 25ms"),
      backoffMaxMs: at('backoff', policy.backoffMaxMs, '10 × the base'),
      retryHostPredicate: at(
        'retryIgnorePreviousHosts',
        policy.previousHosts ? 'previous_hosts' : 'none',
        "Istio's default",
      ),
      hostSelectionRetryMaxAttempts: meshAt(mesh, base, policy.hostSelectionMaxAttempts, "Istio's default"),
    },
  };
}
