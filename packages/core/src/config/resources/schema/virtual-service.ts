import * as z from 'zod';
import { istioResource, nonNegativeInt32, stringMap, uint32 } from './common.js';
import { destinationSchema, httpRouteSchema } from './http-route.js';

export const routeDestinationSchema = z.strictObject({
  destination: destinationSchema,
  weight: nonNegativeInt32().optional(),
});
export type RouteDestination = z.infer<typeof routeDestinationSchema>;

export const l4MatchAttributesSchema = z.strictObject({
  destinationSubnets: z.array(z.string()).optional(),
  /** 0 means any port (istiod checks 1..65535 otherwise). */
  port: uint32().optional(),
  sourceSubnet: z.string().optional(),
  sourceLabels: stringMap().optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type L4MatchAttributes = z.infer<typeof l4MatchAttributesSchema>;

export const tcpRouteSchema = z.strictObject({
  match: z.array(l4MatchAttributesSchema).optional(),
  route: z.array(routeDestinationSchema).optional(),
});
export type TCPRoute = z.infer<typeof tcpRouteSchema>;

export const tlsMatchAttributesSchema = z.strictObject({
  sniHosts: z.array(z.string()),
  destinationSubnets: z.array(z.string()).optional(),
  /** 0 means any port (istiod checks 1..65535 otherwise). */
  port: uint32().optional(),
  sourceLabels: stringMap().optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type TLSMatchAttributes = z.infer<typeof tlsMatchAttributesSchema>;

export const tlsRouteSchema = z.strictObject({
  match: z.array(tlsMatchAttributesSchema),
  route: z.array(routeDestinationSchema).optional(),
});
export type TLSRoute = z.infer<typeof tlsRouteSchema>;

export const virtualServiceSpecSchema = z.strictObject({
  /** Empty only for a delegate VirtualService. */
  hosts: z.array(z.string().min(1)).optional(),
  gateways: z.array(z.string()).optional(),
  http: z.array(httpRouteSchema).optional(),
  tls: z.array(tlsRouteSchema).optional(),
  tcp: z.array(tcpRouteSchema).optional(),
  exportTo: z.array(z.string()).optional(),
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpecSchema>;

export const virtualServiceSchema = istioResource('VirtualService', virtualServiceSpecSchema);
export type VirtualService = z.infer<typeof virtualServiceSchema>;
/** The resource as written, before defaults: what TypeScript callers build. */
export type VirtualServiceInput = z.input<typeof virtualServiceSchema>;
