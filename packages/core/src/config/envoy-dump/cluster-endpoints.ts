import type { DnsTargetModel, EndpointModel, LocalityWeightModel } from '../../envoy/cluster.js';
import { type FieldPath, formatPath } from '../resources/positions.js';
import { type DumpContext, isObject } from './dump-context.js';
import type { ClusterLoadAssignment } from './schema/endpoint.js';

/** The Envoy default overprovisioning factor, the only one the simulation's priority health uses. */
const OVERPROVISIONING_FACTOR = 140;

/** One endpoint as read, with the metadata a transport_socket_matches entry compares. */
export interface ReadEndpoint extends EndpointModel {
  socketMatch: Readonly<Record<string, unknown>>;
}

/** What a load assignment gives a cluster. */
export interface ReadAssignment {
  endpoints: ReadEndpoint[];
  /** Each LocalityLbEndpoints group's load_balancing_weight, in the assignment's order. */
  groups: LocalityWeightModel[];
  /** Why the cluster cannot be simulated (an address meshsim cannot dial); null: it can. */
  unsupported: string | null;
}

/** `region/zone/sub_zone` as meshsim writes localities, '' when unset. */
export function localityText(l: { region?: string; zone?: string; sub_zone?: string } | undefined): string {
  const parts = [l?.region ?? '', l?.zone ?? '', l?.sub_zone ?? ''];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('/');
}

const stringsOf = (x: unknown): Record<string, string> =>
  isObject(x)
    ? Object.fromEntries(Object.entries(x).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/**
 * The endpoints of a ClusterLoadAssignment, in order: address, port, locality, priority, weight (Envoy's
 * default 1), labels (`envoy.lb` metadata) and network. An endpoint that is not a socket address (a pipe,
 * an internal listener) makes the cluster unsupported; health other than HEALTHY is listed as not modelled.
 */
export function readAssignment(
  ctx: DumpContext,
  cla: ClusterLoadAssignment,
  path: FieldPath,
): ReadAssignment {
  const out: ReadAssignment = { endpoints: [], groups: [], unsupported: null };
  const factor = cla.policy?.overprovisioning_factor;
  if (factor !== undefined && factor !== OVERPROVISIONING_FACTOR) {
    ctx.notModelled(
      [...path, 'policy', 'overprovisioning_factor'],
      `overprovisioning factor ${factor}; the simulation uses Envoy's default 140`,
    );
  }
  (cla.endpoints ?? []).forEach((group, g) => {
    const locality = localityText(group.locality);
    const priority = group.priority ?? 0;
    if (group.load_balancing_weight !== undefined)
      out.groups.push({ priority, locality, weight: group.load_balancing_weight });
    (group.lb_endpoints ?? []).forEach((lb, i) => {
      const at = [...path, 'endpoints', g, 'lb_endpoints', i];
      const address = lb.endpoint?.address;
      const socket = address?.socket_address;
      if (socket === undefined || socket.port_value === undefined) {
        const kind =
          address?.pipe !== undefined
            ? 'a pipe'
            : address?.envoy_internal_address !== undefined
              ? 'an internal listener address'
              : 'no TCP address and port';
        out.unsupported ??= `its endpoint ${formatPath(at)} has ${kind}`;
        return;
      }
      const health = lb.health_status ?? 'UNKNOWN';
      if (health !== 'HEALTHY' && health !== 'UNKNOWN') {
        ctx.notModelled(
          [...at, 'health_status'],
          `health status ${health}: the simulation starts every host healthy`,
        );
      }
      const metadata = lb.metadata?.filter_metadata ?? {};
      out.endpoints.push({
        address: socket.address,
        port: socket.port_value,
        labels: stringsOf(metadata['envoy.lb']),
        locality,
        weight: lb.load_balancing_weight ?? 1,
        network: typeof metadata.istio?.network === 'string' ? metadata.istio.network : '',
        priority,
        socketMatch: metadata['envoy.transport_socket_match'] ?? {},
      });
    });
  });
  return out;
}

/** A DNS cluster's endpoints are the names it resolves, each with its group's traits. */
export function dnsTargetsOf(endpoints: readonly EndpointModel[]): DnsTargetModel[] {
  return endpoints.map(({ address, port, locality, priority, weight, labels }) => ({
    hostname: address,
    port,
    locality,
    priority,
    weight,
    labels,
  }));
}
