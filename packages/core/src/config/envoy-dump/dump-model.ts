import type { ClusterModel } from '../../envoy/cluster.js';
import type { CidrRange } from '../../envoy/internal-request.js';
import type { ConsistentHashKey } from '../../envoy/load-balancing.js';
import type { RetryPolicyModel } from '../../envoy/retry-policy.js';
import type { FaultModel } from '../../envoy/route.js';
import type { Diagnostic } from '../resources/diagnostics.js';
import type { DumpSource } from './dump-context.js';

/**
 * A cluster read from an Envoy config: the model the runtime runs, plus where it is written and what of
 * it meshsim does not model. Nothing Istio: no translation, no defaults but Envoy's own.
 */
export interface DumpCluster extends ClusterModel {
  /** Where the Cluster message is. */
  source: DumpSource;
  /** The Cluster as written, to tell a value written in the dump from Envoy's default. */
  raw: Record<string, unknown>;
  /** Where the endpoints came from: the cluster's load_assignment or the endpoints dump; null: none. */
  endpointsSource: DumpSource | null;
  /** Whether the dump carries this EDS cluster's endpoints (a dump without `?include_eds` does not). */
  edsEndpointsMissing: boolean;
  /** Why the cluster cannot be simulated at all (a custom cluster type, an internal address …); null: it can. */
  unsupported: string | null;
  /** The Envoy version's ejection cap rule, and where the version came from. */
  envoyVersionNote: string;
  notModelled: Diagnostic[];
}

/** Whether a cluster of a run's model was read from an Envoy config (rather than translated from Istio's). */
export const isDumpCluster = (c: ClusterModel): c is DumpCluster => 'source' in c && 'raw' in c;

/** A weighted destination of a route or tcp_proxy, by cluster name. */
export interface DumpDestination {
  cluster: string;
  weight: number;
}

/** A string match of Envoy's (StringMatcher, or a HeaderMatcher's own forms). */
export interface DumpStringMatch {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  regex?: string;
  ignoreCase: boolean;
}

/** A HeaderMatcher: present, or matching, possibly inverted. */
export interface DumpHeaderMatch {
  name: string;
  present?: boolean;
  match?: DumpStringMatch;
  invert: boolean;
}

/** A RouteMatch: one path condition, headers and query parameters. */
export interface DumpRouteMatch {
  prefix?: string;
  path?: string;
  regex?: string;
  pathSeparatedPrefix?: string;
  caseSensitive: boolean;
  headers: DumpHeaderMatch[];
  queryParameters: Array<{ name: string; present?: boolean; match?: DumpStringMatch }>;
  /** How the match is written, for explain. */
  text: string;
}

/** What a route does with a request it matches. */
export type DumpRouteAction =
  | {
      kind: 'route';
      destinations: DumpDestination[];
      /** cluster_not_found_response_code: the answer when a destination is not in the dump (503 NC). */
      clusterNotFoundStatus: number;
      /** The route timeout: Envoy's 15 s when unset. */
      timeoutMs: number;
      retry: RetryPolicyModel | null;
      hashPolicy: ConsistentHashKey | null;
      /** The fault filter's config for this route (typed_per_filter_config), or the filter's own. */
      fault: FaultModel | null;
    }
  | { kind: 'local'; status: number }
  /** A route meshsim cannot run (a cluster chosen per request …): traffic that takes it is an error. */
  | { kind: 'unsupported' };

export interface DumpRoute {
  /** The route's name, or where it is when it has none. */
  name: string;
  source: DumpSource;
  match: DumpRouteMatch;
  action: DumpRouteAction;
  notModelled: Diagnostic[];
}

export interface DumpVirtualHost {
  name: string;
  domains: string[];
  source: DumpSource;
  routes: DumpRoute[];
}

export interface DumpRouteConfig {
  name: string;
  source: DumpSource;
  virtualHosts: DumpVirtualHost[];
  /** internal_only_headers, lower case: removed from a request that is not internal. */
  internalOnlyHeaders: string[];
}

/** The tcp_proxy network filter: the clusters it proxies to and its limits. */
export interface DumpTcpProxy {
  source: DumpSource;
  destinations: DumpDestination[];
  idleTimeoutMs: number;
  maxConnectAttempts: number;
  maxConnectionDurationMs: number;
  /** hash_policy source_ip: a hashing destination hashes on the connection's source address. */
  hashSourceIp: boolean;
}

/** What a filter chain matches (FilterChainMatch), as far as meshsim evaluates it. */
export interface DumpChainMatch {
  destinationPort: number | null;
  prefixRanges: Array<{ address: string; prefixLen: number }>;
  serverNames: string[];
  transportProtocol: string;
  applicationProtocols: string[];
}

/** The HttpConnectionManager fields that decide whether a request is internal, and where they are. */
export interface DumpInternalRequests {
  useRemoteAddress: boolean;
  xffNumTrustedHops: number;
  internalAddressConfig: { cidrRanges: CidrRange[] } | null;
  /** The HttpConnectionManager's typed_config. */
  source: DumpSource;
}

/** A filter chain: how a connection is handled once its chain is chosen. */
export interface DumpFilterChain {
  /** The chain's name, '' when it has none. */
  name: string;
  source: DumpSource;
  match: DumpChainMatch;
  /** Whether the chain terminates TLS from the application (a DownstreamTlsContext). */
  terminatesTls: boolean;
  handler:
    | {
        kind: 'http';
        /** An RDS name, looked up among the dump's route configurations. */
        rds: string | null;
        inline: DumpRouteConfig | null;
        /** Whether the HTTP filter chain has the fault filter, and its own (listener-wide) fault. */
        faultFilter: boolean;
        listenerFault: FaultModel | null;
        /** use_remote_address, xff_num_trusted_hops, internal_address_config: whether a request is internal. */
        internalRequests: DumpInternalRequests;
      }
    | { kind: 'tcp'; proxy: DumpTcpProxy }
    | { kind: 'other'; why: string };
  notModelled: Diagnostic[];
}

export interface DumpListener {
  name: string;
  source: DumpSource;
  address: string;
  port: number;
  /** The catch-all Istio listener (virtualOutbound): it hands connections to the listener of their port. */
  useOriginalDst: boolean;
  inbound: boolean;
  chains: DumpFilterChain[];
  defaultChain: DumpFilterChain | null;
}

/** An Envoy configuration as meshsim reads it. */
export interface EnvoyDump {
  file: string;
  shape: 'config_dump' | 'bootstrap' | 'resources';
  /** Envoy's version (the bootstrap's node.user_agent_build_version), null when the dump does not say. */
  envoyVersion: string | null;
  /** Istio's version (node.metadata.ISTIO_VERSION), null when not an Istio proxy or not said. */
  istioVersion: string | null;
  clusters: DumpCluster[];
  listeners: DumpListener[];
  routeConfigs: DumpRouteConfig[];
  /** Errors (bad values: nothing is read from a bad dump) and what is not read at all. */
  diagnostics: Diagnostic[];
}
