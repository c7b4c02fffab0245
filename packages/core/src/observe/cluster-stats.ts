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
  upstream_cx_none_healthy = 0;
  /** Responses by status, charged as Envoy's router charges them (upstream codes and local aborts). */
  readonly byStatus = new Map<number, number>();

  chargeUpstreamCode(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
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
      upstream_cx_none_healthy: this.upstream_cx_none_healthy,
    };
    // Envoy creates per-code counters lazily; the five classes are always reported so reports compare.
    const classes = new Map<string, number>(['1', '2', '3', '4', '5'].map((c) => [`upstream_rq_${c}xx`, 0]));
    for (const [status, n] of [...this.byStatus].sort((a, b) => a[0] - b[0])) {
      out[`upstream_rq_${status}`] = n;
      const cls = `upstream_rq_${Math.floor(status / 100)}xx`;
      classes.set(cls, (classes.get(cls) ?? 0) + n);
    }
    for (const [cls, n] of classes) out[cls] = n;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
