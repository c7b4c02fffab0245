import type { Diagnostic } from '../../config/resources/diagnostics.js';
import type { LoadedConfig } from '../../config/resources/load.js';
import type { TranslatedCluster } from '../../config/translate/translated-cluster.js';
import { callerOf, type ExplainOptions, explainProxy } from '../caller.js';
import { explainScope } from '../caller-scope-explained.js';
import { explainOutboundClusters } from '../outbound-clusters.js';
import { typed } from './proto-out.js';
import { loadAssignment, writeCluster } from './write-cluster.js';
import { writeListeners } from './write-listeners.js';

/** Istio ships Envoy 1.(N+8) with Istio 1.N: the version the ejection cap rule follows. */
const envoyMinorFor = (istioVersion: string): number => Number(istioVersion.split('.')[1] ?? 0) + 8;

/** Where istiod would say a cluster came from, in its metadata. */
function clusterMetadata(c: TranslatedCluster): Record<string, unknown> {
  const [namespace, name] = c.serviceEntry.split('/');
  const dr = c.destinationRule?.split('/');
  return {
    services: [{ host: c.serviceHost, name, namespace }],
    ...(dr === undefined
      ? {}
      : { config: `/apis/networking.istio.io/v1/namespaces/${dr[0]}/destination-rule/${dr[1]}` }),
  };
}

const section = (type: string, body: Record<string, unknown>) => typed(`envoy.admin.v3.${type}`, body);

/**
 * What `meshsim explain` derives from Istio resources, written as the Envoy v3 config a sidecar would
 * show in its /config_dump?include_eds: the bootstrap's node (the caller's Istio release and the Envoy it
 * ships), every cluster, their endpoints, the outbound listeners and route configurations. Reading it back
 * gives the model the simulation runs from the YAML. Problems go to `diagnostics`.
 */
export function writeConfigDump(
  loaded: LoadedConfig,
  options: ExplainOptions = {},
): { dump: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics = [...loaded.diagnostics];
  const asked = explainProxy(loaded, options, diagnostics);
  // The sidecar's own view: the mesh config's settings and its Sidecar applied, as explain shows it.
  const { scope, caller } = explainScope(loaded, callerOf(asked), asked);
  const reached = explainOutboundClusters(scope.loaded, caller, []);
  const models = reached.models;
  const { listeners, routeConfigs } = writeListeners(
    scope.loaded,
    caller,
    models,
    reached.listeners,
    diagnostics,
  );
  const [region = '', zone = '', subZone = ''] = caller.locality.split('/');
  const node = {
    id: `sidecar~0.0.0.0~meshsim.${caller.namespace}~${caller.namespace}.svc.cluster.local`,
    metadata: { ISTIO_VERSION: caller.istioVersion, NAMESPACE: caller.namespace, LABELS: caller.labels },
    locality: Object.fromEntries(
      Object.entries({ region, zone, sub_zone: subZone }).filter(([, v]) => v !== ''),
    ),
    user_agent_name: 'envoy',
    user_agent_build_version: {
      version: { major_number: 1, minor_number: envoyMinorFor(caller.istioVersion) },
    },
  };
  const dump = {
    configs: [
      section('BootstrapConfigDump', { bootstrap: { node } }),
      section('ClustersConfigDump', {
        dynamic_active_clusters: models.map((c) => ({ cluster: writeCluster(c, clusterMetadata(c)) })),
      }),
      section('EndpointsConfigDump', {
        dynamic_endpoint_configs: models
          .filter((c) => c.type === 'EDS')
          .map((c) => ({
            endpoint_config: typed('envoy.config.endpoint.v3.ClusterLoadAssignment', loadAssignment(c)),
          })),
      }),
      section('ListenersConfigDump', { dynamic_listeners: listeners }),
      section('RoutesConfigDump', { dynamic_route_configs: routeConfigs }),
    ],
  };
  return { dump, diagnostics };
}
