import * as z from 'zod';
import { istioResource, stringMap, uint32 } from './common.js';
import { destinationSchema } from './http-route.js';
import { portProtocolSchema } from './service-entry.js';

/** Sidecar.egress[].port (SidecarPort). */
export const sidecarPortSchema = z.strictObject({
  number: uint32().default(0),
  protocol: portProtocolSchema.optional(),
  name: z.string().optional(),
  targetPort: uint32().optional(),
});

/** IstioEgressListener: the services (by `namespace/dnsName`) a workload's sidecar imports, on a port or all. */
export const egressListenerSchema = z.strictObject({
  port: sidecarPortSchema.optional(),
  bind: z.string().optional(),
  captureMode: z.enum(['DEFAULT', 'IPTABLES', 'NONE']).optional(),
  hosts: z.array(z.string()).default(() => []),
});
export type EgressListener = z.infer<typeof egressListenerSchema>;

export const OUTBOUND_TRAFFIC_MODES = ['REGISTRY_ONLY', 'ALLOW_ANY'] as const;

/** Sidecar.outboundTrafficPolicy: what happens to traffic for hosts the sidecar does not know. */
export const outboundTrafficPolicySchema = z.strictObject({
  mode: z.enum(OUTBOUND_TRAFFIC_MODES).default('REGISTRY_ONLY'),
  egressProxy: destinationSchema.optional(),
});

/** networking.istio.io Sidecar: the outbound view (egress) is simulated; ingress is not. */
export const sidecarSpecSchema = z.strictObject({
  workloadSelector: z.strictObject({ labels: stringMap().optional() }).optional(),
  ingress: z.array(z.unknown()).optional(),
  egress: z.array(egressListenerSchema).optional(),
  outboundTrafficPolicy: outboundTrafficPolicySchema.optional(),
  inboundConnectionPool: z.unknown().optional(),
});

export const sidecarSchema = istioResource('Sidecar', sidecarSpecSchema);
export type Sidecar = z.infer<typeof sidecarSchema>;

/** The fields of a Sidecar meshsim reads but does not simulate, with why, at their paths. */
export function unmodelledSidecarFields(s: Sidecar): Array<{ path: (string | number)[]; why: string }> {
  const out: Array<{ path: (string | number)[]; why: string }> = [];
  const inbound = "meshsim simulates the caller's outbound traffic, not what its sidecar receives";
  if (s.spec.ingress !== undefined) out.push({ path: ['spec', 'ingress'], why: inbound });
  if (s.spec.inboundConnectionPool !== undefined)
    out.push({ path: ['spec', 'inboundConnectionPool'], why: inbound });
  (s.spec.egress ?? []).forEach((l, i) => {
    if (l.bind !== undefined)
      out.push({ path: ['spec', 'egress', i, 'bind'], why: 'listeners are matched by port only' });
    if (l.captureMode !== undefined && l.captureMode !== 'DEFAULT')
      out.push({
        path: ['spec', 'egress', i, 'captureMode'],
        why: 'traffic is taken as captured by iptables',
      });
  });
  if (s.spec.outboundTrafficPolicy?.egressProxy !== undefined)
    out.push({
      path: ['spec', 'outboundTrafficPolicy', 'egressProxy'],
      why: 'unknown hosts go to PassthroughCluster, not to the egress proxy',
    });
  return out;
}
