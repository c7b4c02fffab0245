import type { ServiceEntryInput } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { istioApiVersion } from './destination-rule.js';
import { hostname, ipv4, locality, objectName, record, someOf } from './primitives.js';

export type ServicePortInput = NonNullable<ServiceEntryInput['spec']['ports']>[number];
export type WorkloadEntryInput = NonNullable<ServiceEntryInput['spec']['endpoints']>[number];

export const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS'] as const;

/** One to three ports with distinct numbers, each named after its protocol and number. */
export function servicePorts(): Arbitrary<ServicePortInput[]> {
  return fc
    .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom(...PROTOCOLS)), {
      minLength: 1,
      maxLength: 3,
      selector: ([number]) => number,
    })
    .map((ports) =>
      ports.map(([number, protocol]) => ({ number, name: `${protocol.toLowerCase()}-${number}`, protocol })),
    );
}

/** STATIC endpoints: distinct IP addresses, each with or without a locality, weight and labels. */
export function staticEndpoints(
  constraints: { minLength?: number; maxLength?: number } = {},
): Arbitrary<WorkloadEntryInput[]> {
  const extras = someOf({
    locality: locality(),
    weight: fc.integer({ min: 1, max: 100 }),
    labels: fc.constantFrom('v1', 'v2').map((version) => ({ version })),
  });
  return fc
    .uniqueArray(fc.tuple(ipv4(), extras), {
      minLength: constraints.minLength ?? 1,
      maxLength: constraints.maxLength ?? 5,
      selector: ([address]) => address,
    })
    .map((endpoints) => endpoints.map(([address, rest]) => ({ address, ...rest })));
}

function endpointsFor(resolution: Resolution): Arbitrary<WorkloadEntryInput[] | undefined> {
  switch (resolution) {
    case 'STATIC':
      return staticEndpoints();
    case 'DNS':
      return fc.option(
        fc
          .uniqueArray(hostname(), { minLength: 1, maxLength: 3 })
          .map((names) => names.map((address) => ({ address }))),
        { nil: undefined },
      );
    case 'DNS_ROUND_ROBIN':
      return fc.option(
        hostname().map((address) => [{ address }]),
        { nil: undefined },
      );
    default:
      return fc.constant(undefined);
  }
}

function serviceEntryWith(
  resolution: Resolution,
  constraints: { host?: string; namespace?: string },
): Arbitrary<ServiceEntryInput> {
  const cidr = resolution === 'NONE' || resolution === 'STATIC';
  return record({
    apiVersion: istioApiVersion(),
    name: objectName(),
    namespace: constraints.namespace === undefined ? objectName() : fc.constant(constraints.namespace),
    host: constraints.host === undefined ? hostname() : fc.constant(constraints.host),
    location: fc.constantFrom('MESH_EXTERNAL', 'MESH_INTERNAL'),
    ports: servicePorts(),
    endpoints: endpointsFor(resolution),
    address: fc.option(fc.constant(cidr ? '240.240.0.0/16' : '240.240.0.1'), { nil: undefined }),
  }).map(({ apiVersion, name, namespace, host, location, ports, endpoints, address }) => ({
    apiVersion,
    kind: 'ServiceEntry' as const,
    metadata: { name, namespace },
    spec: {
      hosts: [host],
      ...(address === undefined ? {} : { addresses: [address] }),
      ports,
      location,
      resolution,
      ...(endpoints === undefined ? {} : { endpoints }),
    },
  }));
}

/**
 * A valid ServiceEntry with the given `resolution` (default: any), following each resolution's
 * rules: NONE and DYNAMIC_DNS have no endpoints, STATIC has IP endpoints, DNS_ROUND_ROBIN at most
 * one, and only NONE and STATIC take CIDR addresses.
 */
export function serviceEntry(
  constraints: { resolution?: Resolution; host?: string; namespace?: string } = {},
): Arbitrary<ServiceEntryInput> {
  const resolutions = constraints.resolution === undefined ? RESOLUTIONS : [constraints.resolution];
  return fc.oneof(...resolutions.map((resolution) => serviceEntryWith(resolution, constraints)));
}
