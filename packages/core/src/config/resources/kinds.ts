import type { Severity } from './diagnostics.js';
import { SCENARIO_API_VERSION } from './schema/scenario.js';

export const ISTIO_GROUP = 'networking.istio.io';
/** Istio serves these three versions of the same schema for the networking kinds. */
export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
export const ISTIO_KINDS = ['ServiceEntry', 'DestinationRule', 'VirtualService', 'Sidecar'] as const;

export type IstioKind = (typeof ISTIO_KINDS)[number];
export type SimulatedKind = IstioKind | 'Scenario';

/** What to do with a document, decided from its apiVersion and kind alone. */
export type KindVerdict =
  | { kind: SimulatedKind }
  | { kind?: undefined; severity: Severity; path: 'apiVersion' | 'kind' | ''; message: string };

const isIstioKind = (kind: string): kind is IstioKind => (ISTIO_KINDS as readonly string[]).includes(kind);

export function classifyDocument(apiVersion: unknown, kind: unknown): KindVerdict {
  if (typeof kind !== 'string' || kind === '') {
    return {
      severity: 'error',
      path: 'kind',
      message: 'is required: every document needs apiVersion and kind',
    };
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    return { severity: 'error', path: 'apiVersion', message: `is required (kind ${kind})` };
  }
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  if (isIstioKind(kind) && group === ISTIO_GROUP) {
    if ((ISTIO_VERSIONS as readonly string[]).includes(version ?? '')) return { kind };
    const message = `${apiVersion} is not a served version of ${kind}; use ${ISTIO_VERSIONS.map((v) => `${ISTIO_GROUP}/${v}`).join(', ')}`;
    return { severity: 'error', path: 'apiVersion', message };
  }
  if (kind === 'Scenario' || group === 'meshsim.dev') {
    if (kind === 'Scenario' && apiVersion === SCENARIO_API_VERSION) return { kind };
    const message =
      kind === 'Scenario'
        ? `must be ${SCENARIO_API_VERSION} for kind Scenario, got ${JSON.stringify(apiVersion)}`
        : `meshsim.dev has no kind ${kind}; the only kind is Scenario`;
    return { severity: 'error', path: kind === 'Scenario' ? 'apiVersion' : 'kind', message };
  }
  if (isIstioKind(kind)) {
    const message = `${kind} belongs to ${ISTIO_GROUP}, got apiVersion ${JSON.stringify(apiVersion)}`;
    return { severity: 'error', path: 'apiVersion', message };
  }
  return {
    severity: 'warning',
    path: '',
    message: `kind ${kind} (apiVersion ${apiVersion}) is not simulated; skipped`,
  };
}
