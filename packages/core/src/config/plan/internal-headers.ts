import { INTERNAL_ONLY_HEADERS as INTERNAL_ONLY } from '../../envoy/internal-request.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

type Headers = Readonly<Record<string, string>>;

/**
 * The headers of an application request as the sidecar's router sees them. Istio's outbound listener
 * has use_remote_address false, so a request is internal only through a single X-Forwarded-For address
 * inside internal_address_config, which Istio leaves empty by default (and Envoy 1.33 made empty): the
 * x-envoy-* controls are removed, and the route's own retry policy and timeouts apply.
 */
export function sidecarRequestHeaders(
  headers: Headers,
  at: ScenarioReporter,
  path: (string | number)[],
): Headers {
  const removed = Object.keys(headers).filter((h) => INTERNAL_ONLY.has(h.toLowerCase()));
  if (removed.length === 0) return headers;
  const xff = Object.keys(headers).some((h) => h.toLowerCase() === 'x-forwarded-for');
  at(
    path,
    'warning',
    `the sidecar's outbound listener removes ${removed.join(', ')} before routing (cleanInternalHeaders: the request is not internal, as Istio sets use_remote_address false and no internal_address_config), so the route's own retries and timeouts apply` +
      (xff
        ? '; meshsim takes the request as external even with X-Forwarded-For (before Envoy 1.33 a single private address there made it internal and these headers would apply: not modelled)'
        : ''),
  );
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!INTERNAL_ONLY.has(k.toLowerCase())) kept[k] = v;
  return kept;
}
