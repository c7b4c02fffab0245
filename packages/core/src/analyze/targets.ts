import { isIP } from 'node:net';
import type { ConfigSource, LoadedConfig, Located } from '../config/resources/load.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { DnsEntryInput } from '../config/resources/schema/scenario-endpoint.js';
import type { ServiceEntry, ServicePort } from '../config/resources/schema/service-entry.js';
import type { VirtualService } from '../config/resources/schema/virtual-service.js';
import { routingVirtualService } from '../config/translate/http-routes.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { explainOutboundClusters } from '../explain/outbound-clusters.js';
import { drLocated } from '../explain/report-context.js';

/** The caller the probes run as: a sidecar in this namespace, of this Istio version. */
export interface ProbeCaller {
  namespace: string;
  istioVersion: string;
}

/** One `host:port` of a ServiceEntry, as the caller's sidecar gets it: what every probe runs against. */
export interface AnalyzeTarget {
  /** The analyzed files, Scenario documents blanked out. */
  sources: ConfigSource[];
  loaded: LoadedConfig;
  caller: ProbeCaller;
  se: Located<ServiceEntry>;
  host: string;
  port: ServicePort;
  /** The default cluster of host:port (`outbound|PORT||HOST`), as istiod builds it. */
  model: TranslatedCluster;
  dr: Located<DestinationRule> | undefined;
  /** The VirtualService that routes the host for the caller. */
  vs: Located<VirtualService> | undefined;
  /** A path the VirtualService's first http route matches, so probe traffic takes it. */
  path: string;
  /** The addresses of the cluster's hosts in the probes: its STATIC endpoints, or the probes' DNS answers. */
  addresses: string[];
  /** The synthetic DNS of the probes: a few documentation addresses (198.51.100.0/24) per name. */
  dns: Record<string, DnsEntryInput>;
}

/** How many addresses each DNS name answers in a probe (a DNS_ROUND_ROBIN cluster still has one host). */
const ANSWERS_PER_NAME = 3;

function probeDns(model: TranslatedCluster): { addresses: string[]; dns: Record<string, DnsEntryInput> } {
  if (model.type === 'EDS')
    return { addresses: [...new Set(model.endpoints.map((e) => e.address))], dns: {} };
  const dns: Record<string, DnsEntryInput> = {};
  const addresses: string[] = [];
  let next = 1;
  for (const t of model.dnsTargets) {
    if (isIP(t.hostname) !== 0) {
      addresses.push(t.hostname);
      continue;
    }
    const answers = Array.from({ length: ANSWERS_PER_NAME }, () => `198.51.100.${next++}`);
    dns[t.hostname] = { answers };
    addresses.push(...answers);
  }
  return { addresses, dns };
}

function probePath(vs: Located<VirtualService> | undefined): string {
  const uri = vs?.resource.spec.http?.[0]?.match?.[0]?.uri;
  const path = uri?.exact ?? uri?.prefix;
  return path?.startsWith('/') ? path : '/';
}

/**
 * Every `host:port` a caller reaches, from each namespace that declares ServiceEntries (or only from
 * `namespace`): wildcard hosts and `resolution: NONE` are left out, as no probe can pick their hosts.
 */
export function analyzeTargets(
  sources: ConfigSource[],
  loaded: LoadedConfig,
  options: { namespace?: string; istioVersion: string },
): AnalyzeTarget[] {
  const namespaces =
    options.namespace !== undefined
      ? [options.namespace]
      : [...new Set(loaded.serviceEntries.map((se) => se.resource.metadata.namespace))];
  const targets: AnalyzeTarget[] = [];
  for (const namespace of namespaces) {
    const caller = { namespace, istioVersion: options.istioVersion };
    const reached = explainOutboundClusters(loaded, { ...caller, locality: '', labels: {} }, []);
    for (const { se, host, port, cluster } of reached.listeners) {
      if (options.namespace === undefined && se.resource.metadata.namespace !== namespace) continue;
      const model = reached.models[cluster]!;
      if (host.includes('*') || model.type === 'ORIGINAL_DST') continue;
      const vs = routingVirtualService(loaded.virtualServices, host, namespace).services[0];
      const dr = drLocated(loaded, model.destinationRule);
      targets.push({
        sources,
        loaded,
        caller,
        se,
        host,
        port,
        model,
        dr,
        vs,
        path: probePath(vs),
        ...probeDns(model),
      });
    }
  }
  return targets;
}
