import type { ConsistentHashKey } from './load-balancing.js';
import type { RetryPolicyModel } from './retry-policy.js';

/** A route's fault injection (VirtualService http.fault): percentages 0..100, applied once per request. */
export interface FaultModel {
  delayPct: number;
  delayMs: number;
  abortPct: number;
  abortStatus: number;
}

/**
 * One of a route's request_mirror_policies: a share of its requests is shadowed, fire and forget, to
 * `cluster` (Envoy's shadow writer; the client never sees the shadow's answer).
 */
export interface MirrorPolicyModel {
  /** The mirror cluster (index into `EnvoyModel.clusters`); -1 names a cluster the sidecar lacks. */
  cluster: number;
  /**
   * runtime_fraction's default value in millionths. Envoy compares the request's stream id modulo the
   * denominator with it, so every mirror of a request is decided by the same draw.
   */
  perMillion: number;
}

/** One route of the sidecar's route table, as the router runs it. */
export interface RouteModel {
  /** The VirtualService route's name, or `default` for Istio's default route. */
  name: string;
  /** Weighted clusters (indexes into `EnvoyModel.clusters`); empty for a locally answered route. */
  destinations: Array<{ cluster: number; weight: number }>;
  totalWeight: number;
  /** For a local answer (no route 404 NR, unknown cluster 503 NC, directResponse, redirect): its status and flags. */
  localStatus: number;
  localFlags: number;
  /** The route timeout in ms; 0 = none (Istio's default). */
  timeoutMs: number;
  /** null = no retry policy (VirtualService retries.attempts: 0). */
  retry: RetryPolicyModel | null;
  fault: FaultModel | null;
  /** A tcp-proxied port's route: connections, not requests, are routed (no timeout, retry or fault). */
  tcp?: true;
  /**
   * hash_policy, for a destination that hashes (RING_HASH, MAGLEV); null or absent: none. A tcp_proxy
   * hashes on the source IP only.
   */
  hashPolicy?: ConsistentHashKey | null;
  /** request_mirror_policies (VirtualService mirror, mirrors); absent or empty: no shadowing. */
  mirrors?: MirrorPolicyModel[];
}
