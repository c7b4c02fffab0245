import type { EndpointBehaviour } from '../../world/endpoint-server.js';
import type { EndpointBehaviour as EndpointSpec } from '../resources/schema/scenario-endpoint.js';

/** An endpoint's `rateLimit` as its token bucket runs it: burst defaults to one second's worth. */
export function tokenBucketOf(spec: EndpointSpec['rateLimit']): EndpointBehaviour['rateLimit'] {
  if (spec === undefined) return undefined;
  const bucket = { rps: spec.rps, burst: spec.burst ?? Math.max(1, spec.rps), status: spec.status };
  return spec.envoyRateLimited === true ? { ...bucket, envoyRateLimited: true } : bucket;
}
