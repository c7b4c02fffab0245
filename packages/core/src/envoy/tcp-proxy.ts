/** The tcp_proxy network filter in front of a non-HTTP port. */
export interface TcpProxyModel {
  /** HTTPS or TLS: the application runs TLS end to end through the proxy, which never decrypts it. */
  appTls: boolean;
  /** idle_timeout: a session with no bytes this long is closed. 0 = never. */
  idleTimeoutMs: number;
  /** max_connect_attempts (Envoy's default 1: a failed connect is never retried). */
  maxConnectAttempts: number;
  /** max_downstream_connection_duration: a session is closed this long after it began. 0 = never. */
  maxConnectionDurationMs: number;
}
