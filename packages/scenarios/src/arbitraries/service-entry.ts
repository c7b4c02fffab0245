import type { ServiceEntryInput } from '@meshsim/core';
import fc, { type Arbitrary } from 'fast-check';
import { istioApiVersion } from './destination-rule.js';
import { hostname, ipv4, locality, objectName, record, someOf } from './primitives.js';

export type ServicePortInput = NonNullable<ServiceEntryInput['spec']['ports']>[number];
export type WorkloadEntryInput = NonNullable<ServiceEntryInput['spec']['endpoints']>[number];

export const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS'] as const;
export type ServicePortProtocol = (typeof PROTOCOLS)[number];

/** The protocols Istio allows with resolution DYNAMIC_DNS. */
const DYNAMIC_DNS_PROTOCOLS = ['HTTP', 'TLS', 'GRPC', 'HTTP2'] as const;
/** Every protocol but TCP, which Istio wants an address for when it allocates none. */
const NOT_TCP = PROTOCOLS.filter((protocol) => protocol !== 'TCP');

/**
 * One to three ports with distinct numbers, each named after its protocol and number; the
 * protocols from `protocols` (default: HTTP, HTTPS, HTTP2, GRPC, TCP, TLS).
 */
export function servicePorts(
  constraints: { protocols?: readonly ServicePortProtocol[] } = {},
): Arbitrary<ServicePortInput[]> {
  return fc
    .uniqueArray(
      fc.tuple(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom(...(constraints.protocols ?? PROTOCOLS))),
      { minLength: 1, maxLength: 3, selector: ([number]) => number },
    )
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

/**
 * The `addresses` (one or none) and ports a resolution takes: CIDRs only for NONE and STATIC,
 * no address with DYNAMIC_DNS, whose ports are HTTP, TLS, GRPC or HTTP2; and no TCP port without
 * an address with NONE (Istio allocates none there, and warns).
 */
function addressesAndPorts(
  resolution: Resolution,
): Arbitrary<{ address: string | undefined; ports: ServicePortInput[] }> {
  switch (resolution) {
    case 'DYNAMIC_DNS':
      return record({
        address: fc.constant(undefined),
        ports: servicePorts({ protocols: DYNAMIC_DNS_PROTOCOLS }),
      });
    case 'NONE':
      return fc.oneof(
        record({ address: fc.constant(undefined), ports: servicePorts({ protocols: NOT_TCP }) }),
        record({ address: fc.constant('240.240.0.0/16'), ports: servicePorts() }),
      );
    default:
      return record({
        address: fc.option(fc.constant(resolution === 'STATIC' ? '240.240.0.0/16' : '240.240.0.1'), {
          nil: undefined,
        }),
        ports: servicePorts(),
      });
  }
}

function serviceEntryWith(
  resolution: Resolution,
  constraints: { host?: string; namespace?: string },
): Arbitrary<ServiceEntryInput> {
  const host = constraints.host === undefined ? hostname() : fc.constant(constraints.host);
  return record({
    apiVersion: istioApiVersion(),
    name: objectName(),
    namespace: constraints.namespace === undefined ? objectName() : fc.constant(constraints.namespace),
    // DYNAMIC_DNS hosts must be wildcards.
    host: resolution === 'DYNAMIC_DNS' ? host.map((h) => (h.startsWith('*') ? h : `*.${h}`)) : host,
    location: fc.constantFrom('MESH_EXTERNAL', 'MESH_INTERNAL'),
    addressing: addressesAndPorts(resolution),
    endpoints: endpointsFor(resolution),
  }).map(({ apiVersion, name, namespace, host, location, addressing: { address, ports }, endpoints }) => ({
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
 * one, only NONE and STATIC take CIDR addresses, DYNAMIC_DNS takes none, only HTTP, TLS, GRPC and
 * HTTP2 ports and a wildcard host (`*.` is put in front of a `host` that is not one), and NONE has
 * TCP ports only with an address.
 */
export function serviceEntry(
  constraints: { resolution?: Resolution; host?: string; namespace?: string } = {},
): Arbitrary<ServiceEntryInput> {
  const resolutions = constraints.resolution === undefined ? RESOLUTIONS : [constraints.resolution];
  return fc.oneof(...resolutions.map((resolution) => serviceEntryWith(resolution, constraints)));
}
