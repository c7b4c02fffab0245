import {
  EDGE_ONLY_HEADERS,
  INTERNAL_ONLY_HEADERS,
  internalRequestVerdict,
} from '../../envoy/internal-request.js';
import type { DumpInternalRequests } from '../envoy-dump/dump-model.js';
import type { ScenarioReporter } from './scenario-diagnostics.js';

type Headers = Readonly<Record<string, string>>;

/**
 * Whether the dump's Envoy trusts no address without internal_address_config: 1.33 turned
 * explicit_internal_address_config on (1.36 removed the guard). A dump that does not say is taken as current.
 */
export function trustsNothingByDefault(envoyVersion: string | null): boolean {
  const minor = /^1\.(\d+)/.exec(envoyVersion ?? '');
  return minor === null || Number(minor[1]) >= 33;
}

/**
 * The headers of an application request as the router behind a dump's HTTP connection manager sees them
 * (ConnectionManagerUtility::mutateRequestHeaders): x-envoy-internal set on an internal request; on any
 * other, cleanInternalHeaders removes the x-envoy-* controls and the route configuration's
 * internal_only_headers (and, on an edge request, the downstream service headers).
 */
export function dumpRequestHeaders(
  headers: Headers,
  hcm: DumpInternalRequests,
  internalOnlyHeaders: readonly string[],
  envoyVersion: string | null,
  at: ScenarioReporter,
  path: (string | number)[],
): Headers {
  const verdict = internalRequestVerdict(
    { ...hcm, trustsNothingByDefault: trustsNothingByDefault(envoyVersion) },
    headers,
  );
  const where = `${hcm.source.file}:${hcm.source.line}`;
  const names = Object.keys(headers);
  if (verdict.internal) {
    const kept = names.filter(
      (h) => INTERNAL_ONLY_HEADERS.has(h.toLowerCase()) && h.toLowerCase() !== 'x-envoy-internal',
    );
    if (kept.length > 0) {
      const assumed = verdict.assumed === undefined ? '' : `; ${verdict.assumed}`;
      at(
        path,
        'warning',
        `the request is internal for the HTTP connection manager at ${where} (${verdict.because}${assumed}), so it keeps ${kept.join(', ')} and Envoy's router would apply them; not modelled: meshsim applies the route's own retries and timeouts`,
      );
    }
    const out: Record<string, string> = {};
    for (const h of names) if (h.toLowerCase() !== 'x-envoy-internal') out[h] = headers[h]!;
    out['x-envoy-internal'] = 'true';
    return out;
  }
  const edge = hcm.useRemoteAddress;
  const removes = (h: string): boolean => {
    const name = h.toLowerCase();
    return (
      INTERNAL_ONLY_HEADERS.has(name) ||
      internalOnlyHeaders.includes(name) ||
      (edge && EDGE_ONLY_HEADERS.has(name))
    );
  };
  const removed = names.filter(removes);
  if (removed.length === 0) return headers;
  at(
    path,
    'warning',
    `the HTTP connection manager at ${where} removes ${removed.join(', ')} before routing (cleanInternalHeaders: the request is not internal: ${verdict.because}), so the route's own retries and timeouts apply`,
  );
  const kept: Record<string, string> = {};
  for (const h of names) if (!removes(h)) kept[h] = headers[h]!;
  return kept;
}
