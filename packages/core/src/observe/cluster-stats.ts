import { StatusCounts } from './status-counts.js';

/**
 * Counters of one cluster under Envoy's own names (cluster.<name>.*). Plain numeric fields keep the
 * hot path to an increment; `snapshot()` turns them into the report's record.
 */
export class ClusterStats {
  upstream_rq_total = 0;
  upstream_rq_completed = 0;
  upstream_rq_pending_total = 0;
  upstream_rq_pending_overflow = 0;
  upstream_cx_total = 0;
  upstream_cx_overflow = 0;
  /** Connections opened by the HTTP/1.1 and the HTTP/2 pools. */
  upstream_cx_http1_total = 0;
  upstream_cx_http2_total = 0;
  upstream_cx_none_healthy = 0;
  upstream_cx_connect_fail = 0;
  upstream_cx_connect_timeout = 0;
  upstream_cx_destroy = 0;
  upstream_cx_destroy_local_with_active_rq = 0;
  /** Connections the upstream closed, idle or not (reportUpstreamCxDestroy on RemoteClose). */
  upstream_cx_destroy_remote = 0;
  upstream_cx_destroy_remote_with_active_rq = 0;
  upstream_cx_idle_timeout = 0;
  upstream_cx_max_requests = 0;
  upstream_rq_rx_reset = 0;
  upstream_rq_timeout = 0;
  upstream_rq_per_try_timeout = 0;
  upstream_rq_retry = 0;
  upstream_rq_retry_success = 0;
  upstream_rq_retry_overflow = 0;
  upstream_rq_retry_limit_exceeded = 0;
  upstream_rq_retry_backoff_exponential = 0;
  /** DNS clusters: resolutions attempted, answered, failed, answered empty; membership changes. */
  update_attempt = 0;
  update_success = 0;
  update_failure = 0;
  update_empty = 0;
  membership_change = 0;
  /** tcp_proxy: sessions closed after max_connect_attempts failed connects; sessions idle past idle_timeout. */
  upstream_cx_connect_attempts_exceeded = 0;
  tcp_idle_timeout = 0;
  /** Connections that reached max_connection_duration and drained. */
  upstream_cx_max_duration_reached = 0;
  tcp_max_downstream_connection_duration = 0;
  /** Handshakes failed on the server's certificate: chain or validity (1), names (2); ssl.fail_verify_*. */
  ssl_fail_verify_error = 0;
  ssl_fail_verify_san = 0;
  /** HTTP/2 connections closed because a keepalive PING went unanswered (the codec's http2.keepalive_timeout). */
  http2_keepalive_timeout = 0;
  /** Responses by status, charged as Envoy's router charges them (upstream codes and local aborts). */
  readonly byStatus = new StatusCounts();

  /** Responses that were retried, charged under Envoy's `retry.` prefix (retry.upstream_rq_503). */
  readonly retriedByStatus = new StatusCounts();

  /** The ssl.* stat of a certificate verdict: 1 fail_verify_error, 2 fail_verify_san. */
  countCertFailure(verdict: number): void {
    if (verdict === 1) this.ssl_fail_verify_error++;
    else if (verdict === 2) this.ssl_fail_verify_san++;
  }

  chargeUpstreamCode(status: number): void {
    this.byStatus.add(status);
  }

  chargeRetriedCode(status: number): void {
    this.retriedByStatus.add(status);
  }

  /** Envoy-named counters, sorted by name; zero-valued per-code stats are omitted as Envoy omits them. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {
      upstream_rq_total: this.upstream_rq_total,
      upstream_rq_completed: this.upstream_rq_completed,
      upstream_rq_pending_total: this.upstream_rq_pending_total,
      upstream_rq_pending_overflow: this.upstream_rq_pending_overflow,
      upstream_cx_total: this.upstream_cx_total,
      upstream_cx_overflow: this.upstream_cx_overflow,
      upstream_cx_http1_total: this.upstream_cx_http1_total,
      upstream_cx_http2_total: this.upstream_cx_http2_total,
      upstream_cx_none_healthy: this.upstream_cx_none_healthy,
      upstream_cx_connect_fail: this.upstream_cx_connect_fail,
      upstream_cx_connect_timeout: this.upstream_cx_connect_timeout,
      upstream_cx_destroy: this.upstream_cx_destroy,
      upstream_cx_destroy_local_with_active_rq: this.upstream_cx_destroy_local_with_active_rq,
      upstream_cx_destroy_remote: this.upstream_cx_destroy_remote,
      upstream_cx_destroy_remote_with_active_rq: this.upstream_cx_destroy_remote_with_active_rq,
      upstream_cx_idle_timeout: this.upstream_cx_idle_timeout,
      upstream_cx_max_requests: this.upstream_cx_max_requests,
      upstream_rq_rx_reset: this.upstream_rq_rx_reset,
      upstream_rq_timeout: this.upstream_rq_timeout,
      upstream_rq_per_try_timeout: this.upstream_rq_per_try_timeout,
      upstream_rq_retry: this.upstream_rq_retry,
      upstream_rq_retry_success: this.upstream_rq_retry_success,
      upstream_rq_retry_overflow: this.upstream_rq_retry_overflow,
      upstream_rq_retry_limit_exceeded: this.upstream_rq_retry_limit_exceeded,
      upstream_rq_retry_backoff_exponential: this.upstream_rq_retry_backoff_exponential,
      update_attempt: this.update_attempt,
      update_success: this.update_success,
      update_failure: this.update_failure,
      update_empty: this.update_empty,
      membership_change: this.membership_change,
      // tcp_proxy counters, only where a tcp proxy ran (tcp.<stat_prefix>.idle_timeout for the second).
      ...(this.upstream_cx_connect_attempts_exceeded > 0
        ? { upstream_cx_connect_attempts_exceeded: this.upstream_cx_connect_attempts_exceeded }
        : {}),
      ...(this.tcp_idle_timeout > 0 ? { 'tcp.idle_timeout': this.tcp_idle_timeout } : {}),
      ...(this.upstream_cx_max_duration_reached > 0
        ? { upstream_cx_max_duration_reached: this.upstream_cx_max_duration_reached }
        : {}),
      ...(this.tcp_max_downstream_connection_duration > 0
        ? { 'tcp.max_downstream_connection_duration': this.tcp_max_downstream_connection_duration }
        : {}),
      // The TLS context's ssl.* stats, only where a certificate failed verification.
      ...(this.ssl_fail_verify_error > 0 ? { 'ssl.fail_verify_error': this.ssl_fail_verify_error } : {}),
      ...(this.ssl_fail_verify_san > 0 ? { 'ssl.fail_verify_san': this.ssl_fail_verify_san } : {}),
      // The HTTP/2 codec's stat (cluster.<name>.http2.*), only where a PING timed out.
      ...(this.http2_keepalive_timeout > 0
        ? { 'http2.keepalive_timeout': this.http2_keepalive_timeout }
        : {}),
    };
    for (const [status, n] of this.retriedByStatus.entries()) out[`retry.upstream_rq_${status}`] = n;
    // Envoy creates per-code counters lazily; the five classes are always reported so reports compare.
    const classes = new Map<string, number>(['1', '2', '3', '4', '5'].map((c) => [`upstream_rq_${c}xx`, 0]));
    for (const [status, n] of this.byStatus.entries()) {
      out[`upstream_rq_${status}`] = n;
      const cls = `upstream_rq_${Math.floor(status / 100)}xx`;
      classes.set(cls, (classes.get(cls) ?? 0) + n);
    }
    for (const [cls, n] of classes) out[cls] = n;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
