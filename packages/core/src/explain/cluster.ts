import type { Diagnostic } from '../config/resources/diagnostics.js';
import type { Located } from '../config/resources/load.js';
import type { FieldPath } from '../config/resources/positions.js';
import type { DestinationRule } from '../config/resources/schema/destination-rule.js';
import type { ServiceEntry } from '../config/resources/schema/service-entry.js';
import type { TranslatedCluster } from '../config/translate/translated-cluster.js';
import { type ClusterDiscoveryType, hasListedEndpoints } from '../envoy/cluster.js';
import { maxEjectableHosts } from '../envoy/outlier-detection.js';
import { type ConnectionPoolExplanation, explainConnectionPool } from './connection-pool.js';
import {
  explainLoadBalancer,
  explainLocality,
  type LoadBalancerExplanation,
  type LocalityExplanation,
} from './load-balancer.js';
import { explainOutlier, type OutlierExplanation } from './outlier-detection.js';
import { explainTls, type TlsExplanation } from './tls.js';
import { byDefault, type Explained, fromField, setAt, writtenIn } from './values.js';

/** A resource that shaped a cluster or route: `namespace/name` and where its document starts. */
export interface ResourceRef {
  name: string;
  file: string;
  line: number;
}

export function refOf(r: Located<{ metadata: { namespace: string; name: string } }>): ResourceRef {
  return { name: `${r.resource.metadata.namespace}/${r.resource.metadata.name}`, file: r.file, line: r.line };
}

/** An endpoint as Envoy gets it (EDS), or a name a DNS cluster resolves. */
export interface EndpointExplanation {
  address: string;
  port: number;
  locality: string;
  weight: number;
  priority: number;
  labels: Readonly<Record<string, string>>;
}

/** One outbound cluster, as `istioctl proxy-config cluster -o json` would show it, with where each value came from. */
export interface ClusterExplanation extends ClusterValues {
  name: string;
  host: string;
  port: number;
  subset: string;
  serviceEntry: ResourceRef;
  destinationRule: ResourceRef | null;
}

/** A cluster's values, each with where it came from: what explain shows of a cluster, whatever its input. */
export interface ClusterValues {
  protocol: Explained<string>;
  type: Explained<ClusterDiscoveryType>;
  lbPolicy: LoadBalancerExplanation['lbPolicy'];
  consistentHash: LoadBalancerExplanation['consistentHash'];
  slowStart: LoadBalancerExplanation['slowStart'];
  circuitBreakers: ConnectionPoolExplanation['circuitBreakers'];
  connectTimeoutMs: Explained<number>;
  idleTimeoutMs: Explained<number>;
  maxRequestsPerConnection: Explained<number>;
  upstreamProtocol: ConnectionPoolExplanation['upstreamProtocol'];
  maxConcurrentStreams: ConnectionPoolExplanation['maxConcurrentStreams'];
  http2KeepAlive?: ConnectionPoolExplanation['http2KeepAlive'];
  maxConnectionDuration: ConnectionPoolExplanation['maxConnectionDuration'];
  tcpKeepalive: ConnectionPoolExplanation['tcpKeepalive'];
  /** null: the DestinationRule has no outlierDetection, so no host is ever ejected. */
  outlierDetection: OutlierExplanation | null;
  /** The outlier-detection error matcher's `:status` codes (outlierDetectionHttpErrorCodes); absent: none. */
  outlierErrorMatcher?: Explained<readonly number[]>;
  healthyPanicThresholdPct: Explained<number>;
  tls: TlsExplanation;
  locality: LocalityExplanation;
  /** STRICT_DNS and LOGICAL_DNS only. */
  dns: {
    refreshRateMs: Explained<number>;
    respectDnsTtl: Explained<boolean>;
    jitterMs: Explained<number>;
  } | null;
  endpoints: EndpointExplanation[];
  /** What a reader should know about how this cluster behaves (tcp proxying, ejection cap …). */
  notes: string[];
  /** Fields of the resources behind this cluster that the simulation does not model. */
  notModelled: Diagnostic[];
}

const RESOLUTION_NOTES: Record<ClusterDiscoveryType, string> = {
  ORIGINAL_DST: 'NONE: to the address the app dialled',
  EDS: 'STATIC: the endpoints below',
  STATIC: 'the endpoints below',
  STRICT_DNS: 'DNS: every address resolved is a host',
  LOGICAL_DNS: 'DNS_ROUND_ROBIN: one host, the first address',
};

/** Notes on how the cluster behaves that its values alone do not say. */
function notesOn(
  model: TranslatedCluster,
  e: Pick<ClusterExplanation, 'tls' | 'endpoints' | 'subset'>,
): string[] {
  const notes: string[] = [];
  const protocol = model.protocol;
  if (protocol === 'HTTPS' || protocol === 'TLS') {
    notes.push(
      `${protocol} port: the app speaks TLS, so the sidecar tcp-proxies it: no HTTP route, retry, timeout or fault applies, only maxConnections, connectTimeout, tcp.idleTimeout and tcp.maxConnectionDuration; each app connection picks a host once`,
    );
    if (e.tls.context !== null) {
      notes.push(
        'the DestinationRule originates TLS on a port where the app already speaks TLS: the upstream would get TLS inside TLS',
      );
    }
  } else if (protocol !== 'HTTP') {
    notes.push(
      `${protocol} port: the sidecar tcp-proxies it: no HTTP route, retry, timeout or fault applies, only maxConnections, connectTimeout, tcp.idleTimeout and tcp.maxConnectionDuration; each app connection picks a host once`,
    );
  }
  if (model.type === 'ORIGINAL_DST') {
    notes.push(
      'ORIGINAL_DST: each request goes to the address the application resolved; the load balancer ignores health, so an ejection moves nothing',
    );
  }
  if (model.type === 'LOGICAL_DNS') {
    notes.push(
      'one logical host: the load balancer has no choice to make; connections stay on the address they opened to',
    );
  }
  if (hasListedEndpoints(model.type) && e.endpoints.length === 0) {
    notes.push(
      e.subset === ''
        ? 'no endpoint: every request gets 503 UH'
        : 'no endpoint carries the subset labels: every request gets 503 UH',
    );
  }
  const od = model.outlierDetection;
  const hosts = hasListedEndpoints(model.type) ? e.endpoints.length : model.type === 'LOGICAL_DNS' ? 1 : 0;
  if (od !== null && model.type === 'STRICT_DNS') {
    let needed = 1;
    while (needed < 1000 && maxEjectableHosts(od, needed) === 0) needed++;
    notes.push(
      `hosts are the addresses DNS returns: with maxEjectionPercent ${od.maxEjectionPercent}, a host can be ejected only once there are at least ${needed}`,
    );
  }
  if (od !== null && hosts > 0) {
    const k = maxEjectableHosts(od, hosts);
    const count = `${hosts} ${hosts === 1 ? 'host' : 'hosts'}`;
    notes.push(
      k === 0
        ? `with ${count} and maxEjectionPercent ${od.maxEjectionPercent}, no host can ever be ejected (each detection counts ejections_overflow)`
        : `with ${count} and maxEjectionPercent ${od.maxEjectionPercent}, at most ${k} can be ejected at once`,
    );
    if (k === hosts && model.healthyPanicThresholdPct === 0) {
      notes.push('every host can be ejected and panic is off: then the cluster answers 503 UH');
    }
  }
  return notes;
}

/** Explains one cluster built by translateCluster: each value with where it came from. */
export function explainCluster(
  model: TranslatedCluster,
  serviceEntry: Located<ServiceEntry>,
  dr: Located<DestinationRule> | null,
  istioVersion: string,
  notModelled: Diagnostic[],
): ClusterExplanation {
  const od = model.outlierDetection;
  const odPath = model.policyPaths?.outlierDetection ?? null;
  const explanation: ClusterExplanation = {
    name: model.name,
    host: model.serviceHost,
    port: model.port,
    subset: model.name.split('|')[2] ?? '',
    serviceEntry: refOf(serviceEntry),
    destinationRule: dr === null ? null : refOf(dr),
    ...explainDiscovery(model, serviceEntry),
    ...explainLoadBalancer(model, dr),
    ...explainConnectionPool(model, dr),
    outlierDetection:
      od === null || dr === null || odPath === null ? null : explainOutlier(od, dr, odPath, istioVersion),
    healthyPanicThresholdPct: explainPanicThreshold(model, dr, odPath),
    tls: explainTls(model, serviceEntry, dr),
    locality: explainLocality(model, dr),
    dns: explainDns(model),
    endpoints: endpointsOf(model),
    notes: [],
    notModelled,
  };
  const codes = model.outlierErrorCodes;
  if (codes !== null && codes !== undefined && dr !== null && odPath !== null) {
    explanation.outlierErrorMatcher = setAt(
      dr,
      [...odPath, 'outlierDetectionHttpErrorCodes'],
      codes,
      'outlier detection counts these statuses as errors (one below 500 as a 500) and every other as a success (200)',
    );
  }
  explanation.notes = notesOn(model, explanation);
  return explanation;
}

/** The port's protocol and how the cluster finds its hosts, from the ServiceEntry. */
function explainDiscovery(
  model: TranslatedCluster,
  serviceEntry: Located<ServiceEntry>,
): Pick<ClusterExplanation, 'protocol' | 'type'> {
  const se = serviceEntry.resource;
  const portIndex = (se.spec.ports ?? []).findIndex((p) => p.number === model.port);
  return {
    protocol:
      portIndex >= 0 && se.spec.ports?.[portIndex]?.protocol !== undefined
        ? setAt(serviceEntry, ['spec', 'ports', portIndex, 'protocol'], model.protocol)
        : byDefault(
            model.protocol,
            'meshsim default',
            'unset: Istio sniffs the protocol; meshsim assumes HTTP',
          ),
    type: writtenIn(serviceEntry, ['spec', 'resolution'])
      ? setAt(serviceEntry, ['spec', 'resolution'], model.type, RESOLUTION_NOTES[model.type])
      : byDefault(model.type, 'Istio default', `resolution unset = ${RESOLUTION_NOTES[model.type]}`),
  };
}

/** common_lb_config.healthy_panic_threshold: outlierDetection.minHealthPercent, else Envoy's. */
function explainPanicThreshold(
  model: TranslatedCluster,
  dr: Located<DestinationRule> | null,
  odPath: FieldPath | null,
): Explained<number> {
  if (model.outlierDetection === null) {
    return byDefault(
      model.healthyPanicThresholdPct,
      'Envoy default',
      'no outlierDetection: Istio leaves it to Envoy',
    );
  }
  return fromField(
    dr,
    odPath,
    ['minHealthPercent'],
    model.healthyPanicThresholdPct,
    'Istio default',
    model.healthyPanicThresholdPct === 0
      ? 'from minHealthPercent: 0 turns panic mode off'
      : 'from minHealthPercent',
  );
}

function explainDns(model: TranslatedCluster): ClusterExplanation['dns'] {
  if (model.type !== 'STRICT_DNS' && model.type !== 'LOGICAL_DNS') return null;
  return {
    refreshRateMs: byDefault(
      model.dnsRefreshRateMs,
      'mesh default',
      'meshConfig.dnsRefreshRate: without a TTL, and after a failure',
    ),
    respectDnsTtl: byDefault(true, 'Istio default', 'the next refresh follows the answer TTL'),
    jitterMs: byDefault(model.dnsJitterMs, 'Istio default', 'PILOT_DNS_JITTER_DURATION'),
  };
}

/** The endpoints EDS gives, or for a DNS cluster the names it resolves. */
function endpointsOf(model: TranslatedCluster): EndpointExplanation[] {
  return hasListedEndpoints(model.type)
    ? model.endpoints.map(({ address, port, locality, weight, priority, labels }) => ({
        address,
        port,
        locality,
        weight,
        priority,
        labels,
      }))
    : model.dnsTargets.map(({ hostname, port, locality, weight, priority, labels }) => ({
        address: hostname,
        port,
        locality,
        weight,
        priority,
        labels,
      }));
}
