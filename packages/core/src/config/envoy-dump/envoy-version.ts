import { isObject } from './dump-context.js';

/** Istio ships Envoy 1.(N+8) with Istio 1.N (1.19 → 1.27, 1.28 → 1.36). */
export const envoyMinorForIstio = (istioMinor: number): number => istioMinor + 8;

/**
 * Envoy's and Istio's versions from a bootstrap's node: `user_agent_build_version` (or the older
 * `build_version` string), and Istio's `ISTIO_VERSION` metadata. Envoy's is inferred from Istio's
 * release when only that is known.
 */
export function versionsOf(bootstrap: unknown): { envoy: string | null; istio: string | null } {
  const node = isObject(bootstrap) && isObject(bootstrap.node) ? bootstrap.node : {};
  const meta = isObject(node.metadata) ? node.metadata : {};
  const istioText = typeof meta.ISTIO_VERSION === 'string' ? meta.ISTIO_VERSION : null;
  const istio = /^(\d+)\.(\d+)/.exec(istioText ?? '');
  const agent =
    isObject(node.user_agent_build_version) && isObject(node.user_agent_build_version.version)
      ? node.user_agent_build_version.version
      : null;
  let envoy: string | null = null;
  if (agent !== null && typeof agent.major_number === 'number')
    envoy = `${agent.major_number}.${agent.minor_number ?? 0}`;
  const built = typeof node.build_version === 'string' ? /\/(\d+\.\d+)\.\d+/.exec(node.build_version) : null;
  envoy ??= built?.[1] ?? null;
  if (envoy === null && istio !== null) envoy = `1.${envoyMinorForIstio(Number(istio[2]))}`;
  return { envoy, istio: istio === null ? null : `${istio[1]}.${istio[2]}` };
}
