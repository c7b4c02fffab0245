import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { LoadedConfig, Located } from '../config/resources/load.js';
import { CURRENT_ISTIO_VERSION, ISTIO_VERSION_PATTERN } from '../config/resources/schema/scenario.js';
import type { ServiceEntry } from '../config/resources/schema/service-entry.js';
import type { MeshSettings } from '../config/translate/mesh-settings.js';

import { byDefault, type Explained, setAt, setBy, writtenIn } from './values.js';

export interface ExplainOptions {
  /** The caller's namespace: exportTo visibility, DestinationRule and VirtualService lookup. */
  namespace?: string;
  /** Selects version-dependent defaults (default: the Scenario's, else the current release). */
  istioVersion?: string;
  /** The caller's `region/zone/subzone`, for locality failover priorities. */
  locality?: string;
  /** The caller's pod labels: VirtualService sourceLabels, and failoverPriority. */
  labels?: Readonly<Record<string, string>>;
  /** How values given here are named in provenance (default `explain options`; the CLI says `command line`). */
  origin?: string;
  /** Warnings in `diagnostics` are errors (`meshsim explain --strict`). */
  strict?: boolean;
}

/** The sidecar being explained: its namespace, Istio version, locality and pod labels, each with its source. */
export interface ProxyExplanation {
  namespace: Explained<string>;
  istioVersion: Explained<string>;
  locality: Explained<string>;
  labels: Explained<Readonly<Record<string, string>>>;
  /** The Sidecar resource that applies to the caller, when one does, and why it was chosen. */
  sidecar?: { name: string; file: string; line: number; why: string };
  /** The istio ConfigMap whose mesh config applies, when one is given. */
  meshConfig?: { name: string; file: string; line: number };
  /** What happens to hosts the sidecar knows no service for, when a Sidecar or the mesh config says. */
  outboundTrafficPolicy?: Explained<'ALLOW_ANY' | 'REGISTRY_ONLY'>;
}

/** The caller's settings as plain values, what every cluster and route is looked up and built for. */
export interface Caller {
  namespace: string;
  istioVersion: string;
  locality: string;
  labels: Readonly<Record<string, string>>;
  /** The mesh config's settings (Istio's defaults when none is given). */
  mesh?: MeshSettings;
  /** Whether the caller's Sidecar imports a port of a service; absent: every port. */
  portVisible?: (se: Located<ServiceEntry>, port: number) => boolean;
}

type ProxyField = 'namespace' | 'istioVersion' | 'locality';

function proxySetting(
  loaded: LoadedConfig,
  options: ExplainOptions,
  field: ProxyField,
  fallback: string,
  note: string,
): Explained<string> {
  const given = options[field];
  if (given !== undefined) return setBy(options.origin ?? 'explain options', `--${field}`, given);
  const scenario = loaded.scenario;
  const path = ['spec', 'proxy', field];
  if (scenario !== undefined && writtenIn(scenario, path)) {
    return setAt(scenario, path, scenario.resource.spec.proxy[field] ?? fallback);
  }
  return byDefault(fallback, 'meshsim default', note);
}

/** The caller's pod labels: the options', else the Scenario's proxy.labels, else none. */
function proxyLabels(
  loaded: LoadedConfig,
  options: ExplainOptions,
): Explained<Readonly<Record<string, string>>> {
  if (options.labels !== undefined)
    return setBy(options.origin ?? 'explain options', '--label', options.labels);
  const scenario = loaded.scenario;
  const path = ['spec', 'proxy', 'labels'];
  const labels = scenario?.resource.spec.proxy.labels;
  if (scenario !== undefined && labels !== undefined && writtenIn(scenario, path)) {
    return setAt(scenario, path, labels);
  }
  return byDefault({}, 'meshsim default', 'none');
}

/**
 * The caller's view: each setting from the options, else the Scenario's proxy block, else meshsim's
 * default. An Istio version that does not look like one is reported in `diagnostics`.
 */
export function explainProxy(
  loaded: LoadedConfig,
  options: ExplainOptions,
  diagnostics: Diagnostic[],
): ProxyExplanation {
  const namespace = proxySetting(loaded, options, 'namespace', 'default', 'Scenario proxy.namespace default');
  const istioVersion = proxySetting(
    loaded,
    options,
    'istioVersion',
    CURRENT_ISTIO_VERSION,
    'the current release',
  );
  const locality = proxySetting(loaded, options, 'locality', '', 'unknown');
  const labels = proxyLabels(loaded, options);
  if (!ISTIO_VERSION_PATTERN.test(istioVersion.value)) {
    diagnostics.push({
      severity: 'error',
      file: options.origin ?? 'explain options',
      line: 0,
      column: 0,
      path: 'istioVersion',
      message: `must look like "1.24", got ${JSON.stringify(istioVersion.value)}`,
    });
  }
  return { namespace, istioVersion, locality, labels };
}

export const callerOf = (proxy: ProxyExplanation): Caller => ({
  namespace: proxy.namespace.value,
  istioVersion: proxy.istioVersion.value,
  locality: proxy.locality.value,
  labels: proxy.labels.value,
});
