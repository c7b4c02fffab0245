import * as z from 'zod';
import { istioResource, portNumber, ruleIssue, stringMap, uint32 } from './common.js';
import { describeValue } from './messages.js';

/** Istio's port protocols, canonical (upper) case; Istio parses them case-insensitively. */
export const PORT_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'HTTP2',
  'GRPC',
  'GRPC-WEB',
  'HTTP_PROXY',
  'TCP',
  'TLS',
  'UDP',
  'MONGO',
  'REDIS',
  'MYSQL',
] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

const isPortProtocol = (text: string): text is PortProtocol =>
  (PORT_PROTOCOLS as readonly string[]).includes(text);

export const portProtocolSchema = z.string().transform((text, ctx): PortProtocol => {
  const canonical = text.toUpperCase();
  if (isPortProtocol(canonical)) return canonical;
  const message = `must be one of ${PORT_PROTOCOLS.join(', ')} (any case), got ${describeValue(text)}`;
  ctx.addIssue({ code: 'custom', input: text, message });
  return z.NEVER;
});

export const servicePortSchema = z.strictObject({
  number: portNumber(),
  /** Absent: Istio sniffs the protocol. */
  protocol: portProtocolSchema.optional(),
  /** The CRD caps it at 256 characters. */
  name: z.string().min(1).max(256),
  targetPort: portNumber().optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const workloadEntrySchema = z
  .strictObject({
    address: z.string().min(1).max(256).optional(),
    /** Port name (of the ServiceEntry's ports) → the endpoint's port number. */
    ports: z.record(z.string(), portNumber()).optional(),
    labels: stringMap().optional(),
    network: z.string().max(2048).optional(),
    /** `region/zone/subzone`. */
    locality: z.string().max(2048).optional(),
    weight: uint32().optional(),
    serviceAccount: z.string().max(253).optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.address === undefined && entry.network === undefined) {
      ruleIssue(ctx, ['address'], 'is required (unless network is set)', undefined);
    }
  });
export type WorkloadEntry = z.infer<typeof workloadEntrySchema>;

export const serviceEntrySpecSchema = z
  .strictObject({
    // List and string caps are the CRD's (maxItems, maxLength).
    hosts: z.array(z.string().min(1)).min(1).max(256),
    addresses: z.array(z.string().min(1).max(64)).max(256).optional(),
    ports: z.array(servicePortSchema).max(256).optional(),
    location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).default('MESH_EXTERNAL'),
    resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']).default('NONE'),
    endpoints: z.array(workloadEntrySchema).max(4096).optional(),
    workloadSelector: z
      .strictObject({ labels: z.record(z.string(), z.string().max(63)).optional() })
      .optional(),
    exportTo: z.array(z.string()).optional(),
    subjectAltNames: z.array(z.string()).optional(),
  })
  .superRefine((spec, ctx) => {
    spec.hosts.forEach((host, i) => {
      if (host === '*') ruleIssue(ctx, ['hosts', i], 'hostname cannot be wildcard', host);
    });
    const firstWithNumber = new Map<number, number>();
    (spec.ports ?? []).forEach((port, i) => {
      const first = firstWithNumber.get(port.number);
      if (first === undefined) firstWithNumber.set(port.number, i);
      else
        ruleIssue(
          ctx,
          ['ports', i, 'number'],
          `port number cannot be duplicated (see ports[${first}])`,
          port.number,
        );
    });
    if (spec.workloadSelector !== undefined && spec.endpoints !== undefined) {
      ruleIssue(ctx, ['workloadSelector'], 'only one of workloadSelector or endpoints can be set', undefined);
    }
    if (spec.resolution !== 'NONE' && spec.resolution !== 'STATIC') {
      const cidr = (spec.addresses ?? []).findIndex((address) => address.includes('/'));
      if (cidr >= 0) {
        const message = `CIDR addresses are allowed only for NONE/STATIC resolution types, not ${spec.resolution}`;
        ruleIssue(ctx, ['addresses', cidr], message, spec.addresses?.[cidr]);
      }
    }
    if (spec.resolution === 'NONE' && spec.endpoints !== undefined) {
      ruleIssue(ctx, ['endpoints'], 'resolution NONE cannot set endpoints', undefined);
    }
    if (spec.resolution === 'DNS_ROUND_ROBIN' && (spec.endpoints?.length ?? 0) > 1) {
      ruleIssue(
        ctx,
        ['endpoints', 1],
        'resolution DNS_ROUND_ROBIN cannot have multiple endpoints',
        undefined,
      );
    }
  });
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpecSchema>;

export const serviceEntrySchema = istioResource('ServiceEntry', serviceEntrySpecSchema);
export type ServiceEntry = z.infer<typeof serviceEntrySchema>;
/** The resource as written, before defaults: what TypeScript callers build. */
export type ServiceEntryInput = z.input<typeof serviceEntrySchema>;
