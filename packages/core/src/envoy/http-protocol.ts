/** The upstream HTTP codec a cluster's pools speak (Envoy's Http1 or Http2 connection pool). */
export type UpstreamProtocol = 'HTTP/1.1' | 'HTTP/2';

/** Http2ProtocolOptions.max_concurrent_streams when unset: 2^31 − 1. */
export const ENVOY_MAX_CONCURRENT_STREAMS = 2147483647;

/** KeepaliveSettings.interval_jitter when unset: 15 % of the interval. */
export const ENVOY_KEEPALIVE_INTERVAL_JITTER_PCT = 15;

/**
 * http2_protocol_options.connection_keepalive: the HTTP/2 codec sends a PING `intervalMs` (plus a jitter
 * below `intervalJitterPct` % of it) after the last PING ACK, and closes the connection when no ACK
 * comes within `timeoutMs` (any other frame received meanwhile re-arms that wait).
 */
export interface Http2KeepaliveModel {
  /** interval, in whole ms; 0: no periodic PING (Envoy's connection_idle_interval alone, not modelled). */
  intervalMs: number;
  timeoutMs: number;
  /** interval_jitter, a percentage of the interval. */
  intervalJitterPct: number;
}

/** The cluster's upstream protocol options, and the codec its pools speak for meshsim's clients. */
export interface UpstreamProtocolModel {
  /**
   * What the cluster's http_protocol_options say: explicit HTTP/1.1, explicit HTTP/2
   * (http2_protocol_options), or use_downstream_protocol_config.
   */
  config: 'HTTP/1.1' | 'HTTP/2' | 'USE_DOWNSTREAM';
  /** The protocol the pools speak for meshsim's clients, which send HTTP/1.1. */
  protocol: UpstreamProtocol;
  /** http2_protocol_options.max_concurrent_streams (HTTP/2 only; 1 stream per connection for HTTP/1.1). */
  maxConcurrentStreams: number;
  /** http2_protocol_options.connection_keepalive of an explicit HTTP/2 config; absent: no PINGs. */
  connectionKeepalive?: Http2KeepaliveModel;
}
