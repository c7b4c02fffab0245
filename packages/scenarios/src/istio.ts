import type { DestinationRuleInput, ServiceEntryInput, VirtualServiceInput } from '@meshsim/core';
import { defined } from './plain.js';

/** The API versions Istio serves the networking kinds in; `v1` is the current one. */
export type IstioApiVersion =
  | 'networking.istio.io/v1'
  | 'networking.istio.io/v1beta1'
  | 'networking.istio.io/v1alpha3';

/** Where a resource lives and how it is labelled: its `metadata` beyond the name. */
export interface ResourceOptions {
  /** The resource's namespace (Kubernetes': `default`); it decides which callers see it (`exportTo`). */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Default `networking.istio.io/v1`. */
  apiVersion?: IstioApiVersion;
}

/** An Istio resource as `kubectl apply` takes it, in the YAML's shape. */
export interface IstioResource<K extends string = string, S = unknown> {
  apiVersion: IstioApiVersion;
  kind: K;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: S;
}

export type ServiceEntryResource = IstioResource<'ServiceEntry', ServiceEntryInput['spec']>;
export type DestinationRuleResource = IstioResource<'DestinationRule', DestinationRuleInput['spec']>;
export type VirtualServiceResource = IstioResource<'VirtualService', VirtualServiceInput['spec']>;

function resource<K extends string, S>(kind: K, name: string, spec: S, options: ResourceOptions) {
  const { apiVersion = 'networking.istio.io/v1', namespace, labels, annotations } = options;
  return { apiVersion, kind, metadata: { name, ...defined({ namespace, labels, annotations }) }, spec };
}

/**
 * Typed builders for the Istio resources meshsim simulates, with the field names and values of Istio's
 * API (durations as strings such as `'30s'`). They return plain data: `toYaml` writes it as YAML.
 */
export const istio = {
  /** A ServiceEntry: hosts, ports, resolution, endpoints (networking.istio.io ServiceEntry). */
  serviceEntry(
    name: string,
    spec: ServiceEntryInput['spec'],
    options: ResourceOptions = {},
  ): ServiceEntryResource {
    return resource('ServiceEntry', name, spec, options);
  },
  /** A DestinationRule: the traffic policy (pools, outlier detection, load balancer, TLS) for `spec.host`. */
  destinationRule(
    name: string,
    spec: DestinationRuleInput['spec'],
    options: ResourceOptions = {},
  ): DestinationRuleResource {
    return resource('DestinationRule', name, spec, options);
  },
  /** A VirtualService: routes, retries, timeouts and faults for `spec.hosts`. */
  virtualService(
    name: string,
    spec: VirtualServiceInput['spec'],
    options: ResourceOptions = {},
  ): VirtualServiceResource {
    return resource('VirtualService', name, spec, options);
  },
};
