/** Envoy's cluster lb_policy, as Istio sets it from the DestinationRule's loadBalancer. */
export type LbPolicy =
  | 'LEAST_REQUEST'
  | 'ROUND_ROBIN'
  | 'RANDOM'
  | 'RING_HASH'
  | 'MAGLEV'
  | 'CLUSTER_PROVIDED';

/**
 * A route's hash_policy (RouteAction.HashPolicy), named by the fields of Istio's
 * `LoadBalancerSettings.ConsistentHashLB` that write it (exactly one is set). `ttl` is structurally the
 * config's Duration, so a validated DestinationRule's `consistentHash` fits as it is.
 */
export interface ConsistentHashKey {
  readonly httpHeaderName?: string;
  readonly httpCookie?: {
    readonly name: string;
    readonly path?: string;
    readonly ttl?: { readonly ms: number };
  };
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
}

/** Envoy's least_request_lb_config: draws per pick and how strongly active requests weigh. */
export interface LeastRequestSettings {
  /** choice_count, at least 2 (Envoy's default 2). */
  readonly choiceCount: number;
  /** active_request_bias (Envoy's default 1.0). */
  readonly activeRequestBias: number;
}

/**
 * Envoy `SlowStartConfig`, as Istio fills it from a DestinationRule: `warmupDurationSecs` sets only
 * the window (Envoy then uses aggression 1.0 and 10 %); `warmup` also sets aggression and minimumPercent.
 */
export interface SlowStartConfig {
  /** `slow_start_window`; 0 disables slow start. */
  readonly slowStartWindowMs: number;
  /** `aggression`; values <= 0 or NaN fall back to 1.0 as Envoy does. */
  readonly aggression?: number;
  /** `min_weight_percent`, 0–100; default 10. */
  readonly minWeightPercent?: number;
}
