/**
 * How an Envoy configuration is written: an admin `/config_dump` (also what `istioctl proxy-config all
 * POD -o json|yaml` prints), a bootstrap with `static_resources` (Envoy's documentation examples), or an
 * xDS `resources` list as Envoy's filesystem subscriptions read it.
 */
export type EnvoyConfigShape = 'config_dump' | 'bootstrap' | 'resources';

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/** The shape of an Envoy configuration document, or null for a document that is not one (a resource). */
export function envoyConfigShape(raw: Record<string, unknown>): EnvoyConfigShape | null {
  if (raw.kind !== undefined || raw.apiVersion !== undefined) return null;
  if (Array.isArray(raw.configs)) return 'config_dump';
  if (isObject(raw.static_resources) || isObject(raw.staticResources)) return 'bootstrap';
  if (Array.isArray(raw.resources)) return 'resources';
  return null;
}
